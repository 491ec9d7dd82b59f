// One peer in its own process: `node bench/dist/peer.js <peer> <config>`, driven over IPC
// by run.ts. Each window trains (or infers) for a fixed time on the same data.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { check, compile, findPython, locateDataset, summaryJson, writeTree } from 'netc';
import { benchData, POOL } from './data.js';
import { convnetjsRunner } from './peers/convnetjs.js';
import { netcRunner } from './peers/netc.js';
import { tfjsRunner } from './peers/tfjs.js';
import type { PeerName, Reply, Request, Runner } from './protocol.js';

const [peer, config] = process.argv.slice(2) as [PeerName, string];
const send = (reply: Reply) => process.send!(reply);

async function setup(): Promise<Runner> {
  const { resolved, network } = check(config);
  const { trainer, optimizer } = compile(config).graph;
  const data = await benchData(trainer, network.config.train.batch_size);
  const layers = summaryJson(network).layers.map((l, i) => ({ ...l, ...resolved.config.layers[i] }));
  // tfjs and ConvNetJS use classic momentum (v ← μ·v + g; w ← w − lr·v), whose steps are
  // 1/(1 − μ) times those of the configs' dampened form: the same update needs lr·(1 − μ).
  // (With the configs' lr as it is, ConvNetJS diverged on MNIST and crawled on denormals.)
  const classicLearningRate = trainer.learningRate * (1 - optimizer.momentum);
  switch (peer) {
    case 'netc':
      return netcRunner(config, data, 2, 'wasm');
    case 'netc-1-thread':
      return netcRunner(config, data, 1, 'wasm');
    case 'netc-ts':
      return netcRunner(config, data, 2, 'ts');
    case 'tfjs-wasm':
      return tfjsRunner(layers, data, 'wasm', classicLearningRate);
    case 'tfjs-cpu':
      return tfjsRunner(layers, data, 'cpu', classicLearningRate);
    case 'convnetjs':
      return convnetjsRunner(layers, data, classicLearningRate);
    case 'pytorch':
    case 'pytorch-1-thread':
      throw new Error('the PyTorch peer is relayed to its own process');
  }
}

/**
 * The PyTorch peer is a Python process (peers/pytorch_peer.py, over JSON lines): this one
 * compiles the config (its pytorch/ trainer), gives it the same pool of batches and mean as
 * the other peers, and relays the conductor's requests and its replies.
 */
async function relayToPytorch(threads: number): Promise<void> {
  relaying = true;
  const compiled = compile(config);
  const { trainer } = compiled.graph;
  const data = await benchData(trainer, batch);
  const dir = mkdtempSync(join(tmpdir(), 'netc-bench-torch-'));
  writeTree(join(dir, 'trainer'), compiled.emitted.files);
  const job = join(dir, 'job.json');
  writeFileSync(job, JSON.stringify({ data: await locateDataset(trainer.dataset), mean: [...data.mean], batches: data.batches.map((b) => [...b]) }));
  const python = findPython();
  const child = spawn(python, [join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'pytorch_peer.py'), join(dir, 'trainer'), job, String(threads)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  const lines = createInterface({ input: child.stdout! });
  process.on('message', (request: Request) => child.stdin!.write(JSON.stringify(request) + '\n'));
  for await (const line of lines) send(JSON.parse(line) as Reply);
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));
  if (code !== 0) send({ kind: 'failed', message: `pytorch_peer.py exited with code ${code}` });
}

let runner: Runner;
/** The requests go to the PyTorch peer's process instead. */
let relaying = false;
let step = 0;
let batch = 16;

function trainFor(seconds: number): number {
  const start = performance.now();
  let iterations = 0;
  do {
    runner.trainStep(step++ % POOL);
    iterations++;
  } while (performance.now() - start < seconds * 1000);
  return (iterations * batch) / ((performance.now() - start) / 1000);
}

function inferFor(size: number, seconds: number): number {
  const start = performance.now();
  let images = 0;
  do {
    runner.predict((images % 8192), size);
    images += size;
  } while (performance.now() - start < seconds * 1000);
  return images / ((performance.now() - start) / 1000);
}

process.on('message', (request: Request) => {
  if (relaying) return;
  try {
    switch (request.kind) {
      case 'train':
        send({ kind: 'rate', samplesPerSecond: trainFor(request.seconds) });
        break;
      case 'infer':
        send({ kind: 'rate', samplesPerSecond: inferFor(request.batch, request.seconds) });
        break;
      case 'evaluate': {
        const start = performance.now();
        for (let first = 0; first < request.limit; first += 250) runner.predict(first, Math.min(250, request.limit - first));
        send({ kind: 'evaluated', seconds: (performance.now() - start) / 1000, images: request.limit });
        break;
      }
      case 'finish':
        send({ kind: 'finished', maxRssMiB: process.resourceUsage().maxRSS / 1024 });
        process.exit(0);
    }
  } catch (error) {
    send({ kind: 'failed', message: String((error as Error).stack ?? error) });
  }
});

try {
  batch = check(config).network.config.train.batch_size;
  if (peer === 'pytorch' || peer === 'pytorch-1-thread') {
    await relayToPytorch(peer === 'pytorch' ? 2 : 1);
    process.exit(0);
  }
  runner = await setup();
  // Warm-up: let the JIT (or the wasm runtime) settle before anything is timed.
  trainFor(1.5);
  runner.predict(0, 256);
  send({ kind: 'ready', version: runner.version, threads: runner.threads });
} catch (error) {
  send({ kind: 'failed', message: String((error as Error).stack ?? error) });
}
