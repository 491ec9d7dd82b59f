// The PyTorch backend against netc's TypeScript one, in float64: from the same weights and
// the same batch, the generated model.py's loss and every parameter gradient match, for
// every test network of every op (batch norm's groups and dropout's masks included); and
// after 20 optimiser steps with train.py's update rule the weights still match. The PyTorch
// side runs in Debian's python3 with python3-torch (test/pytorch/harness.py); .ci/run
// installs it, and without it these tests say so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ModelInfo, TrainableNet } from '../src/runtime/net.js';
import { train } from '../src/pipeline.js';
import { defaultMnistDir } from '../src/runtime/mnist.js';
import { Rng } from '../src/runtime/rng.js';
import { loadTrainer, plausibleWeights, runCli, tempDir } from './helpers.js';
import { OP_NET_CASES } from './ops.js';

export const PYTHON = process.env.NETC_PYTHON ?? '/usr/bin/python3';
export const HAS_TORCH = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
/** .ci/run installs python3-torch and sets NETC_REQUIRE_TORCH=1: there a missing torch is a failure. */
export const RUN_TORCH = HAS_TORCH || process.env.NETC_REQUIRE_TORCH === '1';
if (!RUN_TORCH) console.warn(`the PyTorch backend was not checked: ${PYTHON} has no torch (install it with \`apt-get install -y python3-torch\`)`);

/** Per tensor: max |torch − netc| ≤ RELATIVE · max |netc| (both float64: only the order of sums differs). */
const RELATIVE = 1e-4;
const STEP = 3;
const SEED = 5;

function writeFloats(file: string, values: ArrayLike<number>): string {
  writeFileSync(file, Buffer.from(Float64Array.from(values).buffer));
  return file;
}

function readFloats(file: string): Float64Array {
  const bytes = readFileSync(file);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

interface Batch {
  readonly pixels: Uint8Array;
  readonly labels: number[];
}

function randomBatch(model: ModelInfo, rng: Rng): Batch {
  const size = model.input.height * model.input.width * model.input.channels;
  return { pixels: Uint8Array.from({ length: size * model.batch }, () => rng.below(256)), labels: Array.from({ length: model.batch }, () => rng.below(model.classes)) };
}

/** The batch into netc's net, and as the prepared images PyTorch reads (byte·scale − mean, [n][c][h][w]). */
function feed(net: TrainableNet, model: ModelInfo, batch: Batch, scale: number, mean: Float64Array, file: string): string {
  const size = model.input.height * model.input.width * model.input.channels;
  const plane = model.input.height * model.input.width;
  for (let s = 0; s < model.batch; s++) {
    net.setImage(s, batch.pixels, s * size, mean);
    net.labels[s] = batch.labels[s]!;
  }
  return writeFloats(file, Array.from(batch.pixels, (v, i) => v * scale - mean[Math.floor(i / plane) % model.input.channels]!));
}

/** Runs the jobs in one python (test/pytorch/harness.py); each job's results, in order. */
function harness(jobs: readonly Record<string, unknown>[]): Float64Array[] {
  const dir = tempDir();
  const withOut = jobs.map((job, i) => ({ ...job, out: join(dir, `out-${i}.bin`) }));
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(withOut));
  const ran = spawnSync(PYTHON, [resolve('test/pytorch/harness.py'), join(dir, 'jobs.json')], { encoding: 'utf8', timeout: 300_000 });
  expect(ran.status, ran.stderr).toBe(0);
  return withOut.map((job) => readFloats(job.out));
}

/** Tensors (by name) whose values differ by more than `relative` of their largest. */
function mismatches(views: readonly { name: string; offset: number; size: number }[], netc: ArrayLike<number>, torch: ArrayLike<number>, base = 0, relative = RELATIVE): string[] {
  return views.flatMap((v) => {
    let scale = 0;
    let error = 0;
    for (let i = base + v.offset; i < base + v.offset + v.size; i++) {
      scale = Math.max(scale, Math.abs(netc[i]!));
      error = Math.max(error, Math.abs(netc[i]! - torch[i]!));
    }
    return error <= relative * scale + 1e-12 ? [] : [`${v.name}: max |Δ| ${error.toExponential(2)} of ${scale.toExponential(2)}`];
  });
}

describe.skipIf(!RUN_TORCH)('the PyTorch model against netc (float64)', () => {
  // netc's side of every op's test networks, then PyTorch's for all of them in one process.
  const results = new Map<string, () => void>();
  beforeAll(async () => {
    const jobs: Record<string, unknown>[] = [];
    const checks: ((torch: Float64Array) => () => void)[] = [];
    for (const [label, net] of OP_NET_CASES) {
      const trainer = await loadTrainer(net.text, { dtype: 'float64' });
      const model = trainer.MODEL;
      const one = new trainer.Net();
      const weights = writeFloats(join(tempDir(), 'weights.bin'), plausibleWeights(one, model, { seed: 9, noise: 0.01 }));
      const mean = new Float64Array(model.input.channels).fill(0.4);
      const images = feed(one, model, randomBatch(model, new Rng(4)), trainer.SETTINGS.pixelScale, mean, join(tempDir(), 'images.bin'));
      const loss = one.computeGradients(model.batch, STEP, SEED);
      const labels = Array.from(one.labels.subarray(0, model.batch));
      const grads = Float64Array.from(one.grads);
      jobs.push({ trainer: trainer.dir, mode: 'gradients', weights, seed: SEED, step: STEP, batches: [{ images, labels }] });
      const trainable = model.params.filter((p) => p.trainable !== false);
      checks.push((torch) => () => {
        expect(torch[0]).toBeCloseTo(loss, 10);
        expect(mismatches(trainable, grads, torch.subarray(1))).toEqual([]);
      });
      results.set(label, () => {});
    }
    const torch = harness(jobs);
    OP_NET_CASES.forEach(([label], i) => results.set(label, checks[i]!(torch[i]!)));
  }, 600_000);
  it.each(OP_NET_CASES)('%s: the loss and every gradient', (label) => results.get(label)!());

  const UPDATE_RULES: [string, Record<string, unknown>][] = [
    ["the reference's SGD, weight decay on everything", {}],
    ['Nesterov, decay on weights only, label smoothing', { momentum: 0.85, nesterov: true, decay: 'weights', label_smoothing: 0.2 }],
    ['Adam', { optimizer: 'adam', learning_rate: 0.002 }],
    ['AdamW, a batch-norm learning-rate factor', { optimizer: 'adamw', learning_rate: 0.002, weight_decay: 0.01 }],
  ];
  it.each(UPDATE_RULES)('20 steps of %s: the same weights and running statistics', async (_, train) => {
    const config = stringify({
      input: { height: 28, width: 28, channels: 1 },
      layers: [{ conv: { filters: 6, size: 3, padding: 1, bias: false } }, { batchnorm: { group: 2, lr_scale: 4, momentum: 0.8 } }, 'relu', { maxpool: { size: 2 } }, { dropout: { rate: 0.25 } }, { dense: { units: 10 } }],
      data: { dataset: 'mnist' },
      train: { iterations: 20, batch_size: 4, learning_rate: 0.05, weight_decay: 0.005, ...train },
    });
    const trainer = await loadTrainer(config, { dtype: 'float64' });
    const model = trainer.MODEL;
    const one = new trainer.Net();
    const weights = writeFloats(join(tempDir(), 'weights.bin'), plausibleWeights(one, model, { seed: 9, noise: 0.01 }));
    const mean = new Float64Array(model.input.channels).fill(0.4);
    const rng = new Rng(12);
    const batches = [];
    for (let step = 1; step <= 20; step++) {
      const images = feed(one, model, randomBatch(model, rng), trainer.SETTINGS.pixelScale, mean, join(tempDir(), `images-${step}.bin`));
      const learningRate = 0.05 * (1 - step / 40);
      batches.push({ images, labels: Array.from(one.labels.subarray(0, model.batch)), learningRate: (train.learning_rate as number | undefined) ?? learningRate });
      one.computeGradients(model.batch, step, SEED);
      one.step(batches.at(-1)!.learningRate, step);
    }
    const torch = harness([{ trainer: trainer.dir, mode: 'steps', weights, seed: SEED, batches }])[0]!;
    const netc = [...one.params, ...one.state];
    // float64 on both sides, so only the order of sums differs (about 1e-16 a step, 1e-13 measured after 20): 1e-9 leaves room, and any difference of rule shows far above it.
    expect(mismatches(model.params, netc, torch, 0, 1e-9)).toEqual([]);
    expect(mismatches(model.state, netc, torch, model.paramCount, 1e-9)).toEqual([]);
  }, 120_000);
});

/** A small net with batch norm (groups of 2) and dropout, whose batch of 8 splits between 2 processes in whole groups. */
const DDP_CONFIG = {
  input: { height: 28, width: 28, channels: 1 },
  layers: [{ conv: { filters: 6, size: 5, padding: 2, bias: false } }, { batchnorm: { group: 2 } }, 'relu', { maxpool: { size: 2 } }, { dropout: { rate: 0.2 } }, { dense: { units: 10 } }],
  data: { dataset: 'mnist', validation: 1000, augment: { flip: true, crop: 1 } },
  train: { iterations: 20, batch_size: 8, learning_rate: 0.05, weight_decay: 0.0005 },
  report: { every: 10, validation_batches: 1 },
};
const DDP_NET = stringify(DDP_CONFIG);

function runTrainPy(trainerDir: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  // A hung process fails the test (with what it printed) instead of the suite.
  return spawnSync(PYTHON, [join(trainerDir, 'pytorch', 'train.py'), '--data', defaultMnistDir()!, '--threads', '1', '--quiet', ...args], { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 120_000 });
}

function weightsOf(dir: string): Float32Array {
  const bytes = readFileSync(join(dir, 'weights.bin'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe.skipIf(!RUN_TORCH)('train.py: DistributedDataParallel', () => {
  it('2 processes (gloo; --procs, and as torchrun starts them) train what 1 does with the same global batch, and only rank 0 writes a run folder', async () => {
    const trainer = await loadTrainer(DDP_NET);
    const one = join(tempDir(), 'one');
    const ran = runTrainPy(trainer.dir, ['--out', one]);
    expect(ran.status, ran.stderr).toBe(0);
    const two = join(tempDir(), 'two');
    const spawned = runTrainPy(trainer.dir, ['--out', two, '--procs', '2']);
    expect(spawned.status, `${spawned.signal ?? ''} ${spawned.stderr}`).toBe(0);
    // float32 both: gradients averaged across processes add in another order; 20 steps keep it within 1e-4 of each tensor's largest value.
    const [a, b] = [weightsOf(one), weightsOf(two)];
    const layout = JSON.parse(readFileSync(join(one, 'weights.json'), 'utf8')) as { params: { name: string; offset: number; size: number }[]; state: { name: string; offset: number; size: number }[] };
    expect(mismatches([...layout.params, ...layout.state], a, b)).toEqual([]);
    const metrics = JSON.parse(readFileSync(join(two, 'metrics.json'), 'utf8')) as { train: { processes: number; backend: string } };
    expect(metrics.train).toMatchObject({ processes: 2, backend: 'pytorch' });

    // As torchrun starts it — one process per rank, with its environment variables (torchrun itself, Debian's torch 1.13 under
    // Python 3.11, fails: see the README) — and without --out: each rank would name its own folder; one is written.
    const cwd = tempDir();
    const port = String(20000 + (process.pid % 20000));
    const ranks = [0, 1].map((rank) =>
      spawn(PYTHON, [join(trainer.dir, 'pytorch', 'train.py'), '--data', defaultMnistDir()!, '--threads', '1', '--quiet'], {
        cwd,
        env: { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2', RANK: String(rank), LOCAL_RANK: String(rank) },
        stdio: ['ignore', 'ignore', 'pipe'],
        signal: AbortSignal.timeout(120_000),
      }),
    );
    const stderr = ['', ''];
    ranks.forEach((child, rank) => child.stderr!.on('data', (text: Buffer) => (stderr[rank] += text.toString())));
    const codes = await Promise.all(ranks.map((child) => new Promise<number | null>((done) => child.on('close', done))));
    expect(codes, stderr.join('\n')).toEqual([0, 0]);
    const folders = readdirSync(join(cwd, 'runs', trainer.MODEL.name));
    expect(folders).toHaveLength(1);
    expect(mismatches([...layout.params, ...layout.state], weightsOf(join(cwd, 'runs', trainer.MODEL.name, folders[0]!)), b)).toEqual([]);
  }, 180_000);

  it("--init moves weights between the backends both ways: each evaluates the other's trained weights to its test results", async () => {
    const trainer = await loadTrainer(DDP_NET);
    const netc = join(tempDir(), 'netc');
    const { metrics } = await train('ddp.yaml', { text: DDP_NET, iterations: 150, out: netc });
    const torch = join(tempDir(), 'torch');
    const ran = runTrainPy(trainer.dir, ['--out', torch, '--iterations', '0', '--init', join(netc, 'weights.bin')]);
    expect(ran.status, ran.stderr).toBe(0);
    // No step taken: the weights (batch norm's running statistics included) are netc's, bit for bit.
    expect(weightsOf(torch)).toEqual(weightsOf(netc));
    const evaluated = JSON.parse(readFileSync(join(torch, 'metrics.json'), 'utf8')) as typeof metrics;
    // The same network on the same 10 000 images; float32 in other orders may tip a near tie.
    expect(Math.abs(evaluated.test.accuracy - metrics.test.accuracy)).toBeLessThanOrEqual(0.0005);
    expect(evaluated.test.accuracy).toBeGreaterThan(0.5);

    // And back: weights trained by PyTorch, into netc (--init) for one step too small to move them.
    const torchTrained = join(tempDir(), 'torch-trained');
    expect(runTrainPy(trainer.dir, ['--out', torchTrained, '--iterations', '150']).status).toBe(0);
    const torchMetrics = JSON.parse(readFileSync(join(torchTrained, 'metrics.json'), 'utf8')) as typeof metrics;
    const still = stringify({
      ...DDP_CONFIG,
      layers: DDP_CONFIG.layers.map((layer) => (typeof layer === 'object' && 'batchnorm' in layer ? { batchnorm: { group: 2, momentum: 0.999999 } } : layer)),
      train: { ...DDP_CONFIG.train, learning_rate: 1e-9, weight_decay: 0 },
    });
    const back = await train('still.yaml', { text: still, initFrom: join(torchTrained, 'weights.bin'), iterations: 1, out: join(tempDir(), 'back') });
    expect(Math.abs(back.metrics.test.accuracy - torchMetrics.test.accuracy)).toBeLessThanOrEqual(0.0005);
    expect(back.metrics.test.accuracy).toBeGreaterThan(0.5);

    const wrong = join(tempDir(), 'wrong.bin');
    writeFileSync(wrong, Buffer.alloc(40));
    const refused = runTrainPy(trainer.dir, ['--out', join(tempDir(), 'x'), '--init', wrong]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/wrong\.bin: holds 10 values; this network has \d+ parameters/);
  }, 180_000);
});

describe('netc train --backend pytorch', () => {
  // The whole run (3000 iterations, ≥ 0.975) is a row of `npm run accept` (mnist-pytorch): 300 here.
  it.skipIf(!RUN_TORCH)('trains configs/mnist.yaml into a run folder netc reads: report, diff beside a wasm run, export', async () => {
    const torch = join(tempDir(), 'torch');
    const ran = await runCli('train', 'configs/mnist.yaml', '--backend', 'pytorch', '--iterations', '300', '--out', torch);
    expect(ran.code, ran.err).toBe(0);
    const metrics = JSON.parse(readFileSync(join(torch, 'metrics.json'), 'utf8')) as { test: { accuracy: number }; train: { backend: string; iterations: number } };
    expect(metrics.train).toMatchObject({ backend: 'pytorch', iterations: 300 });
    expect(metrics.test.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(readdirSync(torch)).toEqual(expect.arrayContaining(['config.yaml', 'trainer', 'report.html', 'weights.bin', 'misclassified.bin']));

    const wasm = join(tempDir(), 'wasm');
    await train('configs/mnist.yaml', { iterations: 300, out: wasm });
    const diff = await runCli('diff', wasm, torch);
    expect(diff.code).toBe(1);
    expect(diff.out).toMatch(/trained with\s+wasm, \d threads?\s+pytorch, 1 process on cpu/);
    expect(diff.out).toMatch(/iterations\s+300\s+300\s/);
    expect(diff.out).toMatch(/test accuracy\s+0\.9\d{3}\s+0\.9\d{3}/);
    expect((await runCli('export', torch, '--onnx')).code).toBe(0);
  }, 300_000);

  it('--procs is for the PyTorch backend; a python3 without torch is named, with the install command', async () => {
    const procs = await runCli('train', 'configs/example.yaml', '--procs', '2', '--out', join(tempDir(), 'run'));
    expect(procs.code).toBe(1);
    expect(procs.err).toContain('--procs 2: error: processes are for the PyTorch backend; wasm trains on threads');
    const saved = process.env.NETC_PYTHON;
    process.env.NETC_PYTHON = '/nonexistent/python3';
    try {
      const out = join(tempDir(), 'nothing');
      const missing = await runCli('train', 'configs/example.yaml', '--backend', 'pytorch', '--out', out);
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/\/nonexistent\/python3: error: cannot train with --backend pytorch: \/nonexistent\/python3 has no torch/);
      expect(missing.err).toContain('apt-get install -y python3-torch');
      expect(existsSync(out)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NETC_PYTHON;
      else process.env.NETC_PYTHON = saved;
    }
  });
});

describe.skipIf(!RUN_TORCH)('the committed PyTorch trainers (generated/<name>/pytorch/)', () => {
  const SHIPPED = readdirSync('configs').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
  // One python for all of them: model.py on a batch, train.py's --help, and --device cuda without CUDA.
  const PROBE = `import contextlib, io, json, sys, torch
report = {}
for folder in sys.argv[1:]:
    for name in ("model", "train"):
        sys.modules.pop(name, None)
    sys.path.insert(0, folder)
    import model, train
    sys.path.pop(0)
    net = model.Net().eval()
    logits = net(torch.rand(3, *model.INPUT) * 255)
    help, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(help), contextlib.suppress(SystemExit):
        train.main(["--help"])
    with contextlib.redirect_stderr(errors):
        cuda = train.main(["--device", "cuda", "--data", "/nonexistent"])
    report[folder] = dict(shape=list(logits.shape), classes=model.CLASSES, params=sum(p.numel() for p in net.parameters()), paramCount=model.PARAM_COUNT,
                          hash=train.SETTINGS["configHash"], help=help.getvalue(), cuda=cuda, cudaError=errors.getvalue())
print(json.dumps(report))`;
  let report: Record<string, { shape: number[]; classes: number; params: number; paramCount: number; hash: string; help: string; cuda: number; cudaError: string }>;
  beforeAll(() => {
    const ran = spawnSync(PYTHON, ['-c', PROBE, ...SHIPPED.map((name) => join('generated', name, 'pytorch'))], { encoding: 'utf8', timeout: 300_000 });
    expect(ran.status, ran.stderr).toBe(0);
    report = JSON.parse(ran.stdout) as typeof report;
  }, 300_000);
  it.each(SHIPPED)('%s: model.py gives a batch its logits; train.py explains itself; --device cuda without CUDA is a clear error', (name) => {
    const dir = join('generated', name, 'pytorch');
    const r = report[dir]!;
    expect(r.shape).toEqual([3, r.classes]);
    expect(r.params).toBe(r.paramCount);
    expect(readFileSync(join(dir, 'model.py'), 'utf8')).toContain(`(config sha256 ${r.hash})`);
    expect(r.help).toContain('--procs');
    expect(r.cuda).toBe(1);
    expect(r.cudaError).toContain('--device cuda: torch sees no CUDA device');
  });
});

describe.skipIf(!RUN_TORCH)('netc train --backend pytorch: stopping and resuming', () => {
  it('Ctrl-C stops after an iteration with a checkpoint; --resume finishes with the weights of a run never stopped', async () => {
    const config = join(tempDir(), 'ddp.yaml');
    const text = stringify({ ...DDP_CONFIG, train: { ...DDP_CONFIG.train, iterations: 200 }, report: { every: 10, validation_batches: 5 } });
    writeFileSync(config, text);
    // The run never stopped: the same trainer's train.py, as netc runs it (one process, one thread).
    const straight = join(tempDir(), 'straight');
    const ran = runTrainPy((await loadTrainer(text)).dir, ['--out', straight]);
    expect(ran.status, ran.stderr).toBe(0);

    const stopped = join(tempDir(), 'stopped');
    const child = spawn(process.execPath, ['dist/cli/bin.js', 'train', config, '--backend', 'pytorch', '--threads', '1', '--out', stopped], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let err = '';
    // netc's progress lines go to stderr: after the 10th iteration's, Ctrl-C.
    child.stderr.on('data', (text: Buffer) => {
      err += text.toString();
      if (/iteration\s+10\/200/.test(err) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, err).toBe(130);
    expect(err).toMatch(/stopped.* after iteration \d+; continue with: netc train .* --backend pytorch .*--resume /);
    expect(existsSync(join(stopped, 'checkpoint.pt'))).toBe(true);
    expect(existsSync(join(stopped, 'metrics.json'))).toBe(false);

    const resumed = await runCli('train', config, '--backend', 'pytorch', '--threads', '1', '--resume', stopped);
    expect(resumed.code, resumed.err).toBe(0);
    expect(existsSync(join(stopped, 'checkpoint.pt'))).toBe(false);
    expect(weightsOf(stopped)).toEqual(weightsOf(straight));
    const history = (JSON.parse(readFileSync(join(stopped, 'metrics.json'), 'utf8')) as { history: { iteration: number }[] }).history;
    expect(history.map((h) => h.iteration)).toEqual(Array.from({ length: 20 }, (_, i) => 10 * (i + 1)));
    expect(resumed.err).toMatch(/resuming after iteration \d+ of 200/);
  }, 180_000);
});
