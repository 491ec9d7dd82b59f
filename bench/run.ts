// `npm run bench`: netc's generated trainers against PyTorch, TensorFlow.js (wasm and cpu
// backends) and ConvNetJS, on the reference networks and the residual one, same batch,
// same data, same machine. Each peer runs in its own process; timed windows are
// interleaved across peers (so the machine's noise hits all alike) after a warm-up;
// figures are medians. The machine's WebAssembly SIMD peak (peak.ts) is measured before
// each network, and netc's figures are given as fractions of it too. Writes
// bench/RESULTS.md.   npm run bench [-- --quick] [-- --configs mnist,cifar10] [-- --peers netc,pytorch]
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { check, findPython, version } from 'netc';
import { measurePeak, type Peak } from './peak.js';
import type { PeerName, Reply, Request } from './protocol.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, configs: { type: 'string' }, peers: { type: 'string' } } });
const quick = values.quick ?? false;
const WINDOW_SECONDS = quick ? 1 : 3;
const ROUNDS = quick ? 3 : 5;
const INFER_ROUNDS = quick ? 1 : 3;
/** The test set is classified this many times per peer, interleaved; the table gives the median. */
const EVALUATE_ROUNDS = quick ? 1 : 3;
const CONFIGS = (values.configs ?? 'mnist,cifar10,cifar10-deep,cifar10-resnet').split(',').map((name) => `configs/${name}.yaml`);
/** PyTorch joins where a python3 with torch is found (Debian: apt-get install python3-torch). */
const torch = (() => {
  try {
    const python = findPython();
    return { python, version: spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim() };
  } catch {
    return undefined;
  }
})();
const PEERS = (values.peers ?? `netc,netc-1-thread,netc-ts,${torch ? 'pytorch,pytorch-1-thread,' : ''}tfjs-wasm,convnetjs,tfjs-cpu`).split(',') as PeerName[];
/**
 * The JavaScript peers build the reference nets' four layer types only; netc's WebAssembly
 * backend and PyTorch take any graph (the TypeScript backend too, but would need minutes a
 * window on the residual net).
 */
const ANY_GRAPH = new Set<PeerName>(['netc', 'netc-1-thread', 'pytorch', 'pytorch-1-thread']);
const REFERENCE_TYPES = new Set(['conv', 'relu', 'maxpool', 'dense']);
if (!torch) console.log('PyTorch: absent (no python3 with torch; on Debian: apt-get install python3-torch)');
/** tfjs-cpu needs minutes for the whole test set: it classifies a tenth and is scaled. */
const EVALUATE_LIMIT: Partial<Record<PeerName, number>> = { 'tfjs-cpu': 1000 };
process.env.NETC_DATA ??= join('..', 'shared', 'datasets', 'cifar10');

const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((child) => child.kill()));

class Peer {
  private readonly child: ChildProcess;
  private waiting: ((reply: Reply) => void) | undefined;
  constructor(
    readonly name: PeerName,
    config: string,
  ) {
    this.child = fork(join(dirname(fileURLToPath(import.meta.url)), 'peer.js'), [name, config], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(this.child);
    this.child.on('message', (reply: Reply) => this.waiting?.(reply));
    this.child.on('exit', (code) => {
      if (code !== 0) this.waiting?.({ kind: 'failed', message: `${name} exited with code ${code}` });
    });
  }
  ask(request?: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting = (reply) => (reply.kind === 'failed' ? reject(new Error(`${this.name}: ${reply.message}`)) : resolve(reply));
      if (request) this.child.send(request);
    });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  peer: PeerName;
  version: string;
  threads: number;
  train: number;
  infer16: number;
  infer256: number;
  evaluateSeconds: number;
  evaluateScaled: boolean;
  rssMiB: number;
}

/** Each network's rows; rendered at the end, so that every share of the peak uses the whole run's peak windows. */
const results: { config: string; network: ReturnType<typeof check>['network']; rows: Row[] }[] = [];
/** SIMD peak windows, by thread count: 1 and 2 threads, before each network. */
const peaks = new Map<number, Peak[]>();
for (const config of CONFIGS) {
  const { network } = check(config);
  for (const threads of [1, 2]) peaks.set(threads, [...(peaks.get(threads) ?? []), await measurePeak(threads, 1, WINDOW_SECONDS / 1.5)]);
  console.log(`\n== ${config}: ${network.params} parameters, ${(network.flops.training / 1e6).toFixed(2)} MFLOP per training sample`);
  const reference = network.layers.every((l) => REFERENCE_TYPES.has(l.layer.type));
  const peers = PEERS.filter((name) => reference || ANY_GRAPH.has(name)).map((name) => new Peer(name, config));
  const ready = await Promise.all(peers.map((p) => p.ask()));
  const rows = new Map<PeerName, Row>(
    peers.map((p, i) => {
      const info = ready[i] as Extract<Reply, { kind: 'ready' }>;
      return [p.name, { peer: p.name, version: info.version, threads: info.threads, train: 0, infer16: 0, infer256: 0, evaluateSeconds: 0, evaluateScaled: false, rssMiB: 0 }];
    }),
  );
  const rates = new Map<string, number[]>();
  const record = (key: string, value: number) => rates.set(key, [...(rates.get(key) ?? []), value]);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order every round, so no peer always follows the same one.
    for (const peer of [...peers.slice(round % peers.length), ...peers.slice(0, round % peers.length)]) {
      const reply = (await peer.ask({ kind: 'train', seconds: WINDOW_SECONDS })) as Extract<Reply, { kind: 'rate' }>;
      record(`${peer.name}:train`, reply.samplesPerSecond);
      console.log(`  ${peer.name.padEnd(14)} train ${reply.samplesPerSecond.toFixed(1).padStart(8)} samples/s`);
    }
  }
  for (let round = 0; round < INFER_ROUNDS; round++) {
    for (const batch of [16, 256]) {
      for (const peer of peers) {
        const reply = (await peer.ask({ kind: 'infer', batch, seconds: WINDOW_SECONDS / 1.5 })) as Extract<Reply, { kind: 'rate' }>;
        record(`${peer.name}:infer${batch}`, reply.samplesPerSecond);
      }
    }
  }
  // Timed once a peer, a noisy moment put PyTorch ahead of netc on MNIST's test set
  // against every windowed inference median of the same run.
  for (let round = 0; round < EVALUATE_ROUNDS; round++) {
    for (const peer of peers) {
      const limit = EVALUATE_LIMIT[peer.name] ?? 10000;
      const reply = (await peer.ask({ kind: 'evaluate', limit })) as Extract<Reply, { kind: 'evaluated' }>;
      record(`${peer.name}:evaluate`, (reply.seconds * 10000) / reply.images);
      rows.get(peer.name)!.evaluateScaled = reply.images < 10000;
    }
  }
  for (const peer of peers) {
    const row = rows.get(peer.name)!;
    row.evaluateSeconds = median(rates.get(`${peer.name}:evaluate`)!);
    row.rssMiB = ((await peer.ask({ kind: 'finish' })) as Extract<Reply, { kind: 'finished' }>).maxRssMiB;
    row.train = median(rates.get(`${peer.name}:train`)!);
    row.infer16 = median(rates.get(`${peer.name}:infer16`)!);
    row.infer256 = median(rates.get(`${peer.name}:infer256`)!);
  }
  results.push({ config, network, rows: [...rows.values()] });
  console.log(section(config, network, [...rows.values()]));
}

/** The run's SIMD peak on `threads` threads: the median window, the better of mul + add and fused. */
function peakOf(threads: number): number | undefined {
  const windows = (peaks.get(threads) ?? []).map((p) => Math.max(p.mulAdd, p.fma ?? 0));
  return windows.length ? median(windows) : undefined;
}

function section(config: string, network: ReturnType<typeof check>['network'], rows: Row[]): string {
  const netc = rows.find((r) => r.peer === 'netc');
  const gflops = (rate: number, flops: number) => ((rate * flops) / 1e9).toFixed(2);
  // "netc (2 threads) is …": as much faster, or slower, as it is.
  const ratio = (rate: number) => (!netc ? '' : netc.train >= rate ? `${(netc.train / rate).toFixed(2)}× faster` : `${(rate / netc.train).toFixed(2)}× slower`);
  // WebAssembly peers' training as a share of the SIMD peak on as many threads.
  const ofPeak = (r: Row) => {
    const peak = peakOf(r.threads);
    return r.version.includes('wasm') && peak ? `${((100 * r.train * network.flops.training) / 1e9 / peak).toFixed(0)} %` : '–';
  };
  const lines = [
    `### \`${config}\` — ${network.params.toLocaleString('en')} parameters, ${(network.flops.training / 1e6).toFixed(2)} MFLOP per training sample, batch ${network.config.train.batch_size}`,
    '',
    '| peer | threads | training samples/s (GFLOP/s) | of SIMD peak | netc (2 threads) is | inference samples/s, batch 16 | batch 256 | test set (10,000 images) | peak RSS |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.peer} (${r.version}) | ${r.threads} | ${r.train.toFixed(1)} (${gflops(r.train, network.flops.training)}) | ${ofPeak(r)} | ${r.peer === 'netc' ? '–' : ratio(r.train)} | ${r.infer16.toFixed(0)} (${gflops(r.infer16, network.flops.forward)}) | ${r.infer256.toFixed(0)} (${gflops(r.infer256, network.flops.forward)}) | ${r.evaluateScaled ? '~' : ''}${r.evaluateSeconds.toFixed(2)} s | ${r.rssMiB.toFixed(0)} MiB |`,
    ),
  ];
  return lines.join('\n');
}

/** The peak windows as the report gives them. */
function peakText(): string {
  const describe = (threads: number) => {
    const windows = peaks.get(threads) ?? [];
    const mulAdd = median(windows.map((p) => p.mulAdd));
    const fused = windows.every((p) => p.fma !== undefined) ? median(windows.map((p) => p.fma!)) : undefined;
    return `| ${threads} | ${mulAdd.toFixed(1)} | ${fused === undefined ? 'absent' : fused.toFixed(1)} |`;
  };
  return ['| threads | mul + add GFLOP/s | fused multiply-add GFLOP/s |', '|---|---|---|', describe(1), describe(2)].join('\n');
}

const peerVersions = `@tensorflow/tfjs (cpu backend) and @tensorflow/tfjs-backend-wasm 4.22.0; convnetjs 0.3.0; ${torch ? `PyTorch ${torch.version} (${torch.python})` : 'PyTorch absent (no python3 with torch)'}`;
const report = `# Benchmark: netc against PyTorch and the JavaScript CNN trainers

Measured by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}: netc ${version}, Node ${process.version},
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; ${peerVersions}.

Each peer trains the same network (built from netc's shape table) at the same batch size on
the same real images, in its own process. After a warm-up, ${ROUNDS} windows of ${WINDOW_SECONDS} s
each are timed per peer, interleaved across peers; the table gives medians. Inference runs
forward passes only. "test set" is the time to classify the 10,000 test images in chunks of
250 (~: measured on 1,000 and scaled), the median of ${EVALUATE_ROUNDS} runs interleaved across peers. GFLOP/s count 2 per multiply-add, a training sample as 3× the forward
pass. netc uses the configs' dampened momentum and weight decay; tfjs its momentum optimizer
and ConvNetJS its SGD trainer, both with classic momentum 0.9 and the equivalent learning
rate lr·(1 − μ). tfjs's wasm backend has no Conv2DBackpropFilter kernel, so its convolutions train with a
custom gradient built from its own wasm kernels: Conv2DBackpropInput for dx, and for dW a
Conv2D of the padded input (batch and channels swapped) by dy — the fastest of three
formulations tried (MNIST: 812 samples/s, against 415 with Conv3DBackpropFilterV2 on a
depth-1 view and 267 with im2col and one matMul), and equal to the cpu backend's gradient
to float32 rounding. netc runs its emitted code: the WebAssembly SIMD backend (its default) on 2 threads
(its default here, one per core) and on 1, and the TypeScript backend on 2. PyTorch runs
netc's PyTorch backend — the generated model.py, with train.py's update rule (the configs'
dampened momentum and weight decay) and batch-norm statistics — on 2 threads and on 1
(\`torch.set_num_threads\`), on the same pool of batches, in its own Python process. The
JavaScript peers build the reference nets' layer types only, so the residual network runs
netc's WebAssembly backend and PyTorch alone.

**The WebAssembly SIMD peak** (bench/peak.ts): twelve independent chains of f32x4
multiply-adds (acc ← acc·a + b), with separate mul and add and with relaxed SIMD's fused
multiply-add, on 1 thread and on 2 at once (one WebAssembly instance each), a
${(WINDOW_SECONDS / 1.5).toFixed(0)}-second window of each before every network; medians over those windows. "of SIMD
peak" divides a WebAssembly peer's training GFLOP/s (nominal FLOPs, as in the other
columns) by the better of the two peaks on as many threads.

${peakText()}

${results.map((r) => section(r.config, r.network, r.rows)).join('\n\n')}
`;
writeFileSync(join('bench', quick ? 'RESULTS-quick.md' : 'RESULTS.md'), report);
console.log(`\nwritten to bench/${quick ? 'RESULTS-quick.md' : 'RESULTS.md'}`);
