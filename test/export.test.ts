// netc export --onnx: onnxruntime-web (ONNX Runtime's WebAssembly build, an independent
// implementation of every ONNX operator) runs the exported model on real test images, and
// its logits must be netc's own forward pass: for every shipped config, for every op's test
// networks, and for a trained run through the CLI. Where python3 has the `onnx` package,
// onnx.checker (with shape inference) checks each exported file too.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toOnnx } from '../src/export/onnx.js';
import { lower } from '../src/lower/index.js';
import { check } from '../src/pipeline.js';
import { predict } from '../src/predict/index.js';
import { unpackOnce } from '../src/run/archive.js';
import { CIFAR_TEST_FILE } from '../src/runtime/cifar.js';
import { loadMnist } from '../src/runtime/mnist.js';
import type { ModelInfo, NetClass, TrainableNet } from '../src/runtime/net.js';
import { loadTrainer, plausibleWeights, runCli, sharedCifarArchive, tempDir } from './helpers.js';
import { OP_NET_CASES } from './ops.js';

/** Per image: max |onnx − netc| over its logits ≤ RELATIVE · max |netc|. */
const RELATIVE = 1e-4;
const IMAGES = 8;

/** Debian's python3 (the first on PATH may be another) with the onnx package (python3-onnx). */
const PYTHON = '/usr/bin/python3';
const HAS_ONNX_CHECKER = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
/** .ci/run installs python3-onnx and sets NETC_REQUIRE_ONNX=1: there a missing checker is a failure. */
const RUN_CHECKER = HAS_ONNX_CHECKER || process.env.NETC_REQUIRE_ONNX === '1';
if (!RUN_CHECKER) console.warn(`onnx.checker did not run: ${PYTHON} has no onnx package (install it with \`apt-get install -y python3-onnx\`)`);

const mnist = loadMnist(undefined).test;
let cifarTest: Buffer;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const unpacked = await unpackOnce(sharedCifarArchive(), join(tempDir('netc-cache-'), 'cifar10'));
  cifarTest = readFileSync(join(unpacked, 'cifar-10-batches-bin', CIFAR_TEST_FILE));
}, 120_000);

/** `count` real test images of the network's input shape, channel-planar bytes: CIFAR-10's, or MNIST's digits (centre-cropped to a smaller input). */
function testImages(input: ModelInfo['input'], count: number): Uint8Array {
  const { height, width, channels } = input;
  const images = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < count; i++) {
    if (channels === 3 && height === 32 && width === 32) {
      // A record: its label byte, then 3072 channel-planar bytes.
      images.set(cifarTest.subarray(i * 3073 + 1, (i + 1) * 3073), i * 3072);
      continue;
    }
    expect(channels === 1 && height <= 28 && width <= 28, `no test images of ${height}×${width}×${channels}`).toBe(true);
    const [top, left] = [Math.floor((28 - height) / 2), Math.floor((28 - width) / 2)];
    for (let y = 0; y < height; y++) images.set(mnist.images.subarray(i * 784 + (top + y) * 28 + left, i * 784 + (top + y) * 28 + left + width), (i * height + y) * width);
  }
  return images;
}

/** netc's logits for the images, evaluation mode, `n` × classes. */
function netcLogits(net: TrainableNet, model: ModelInfo, images: Uint8Array, mean: Float64Array): Float32Array[] {
  const size = model.input.height * model.input.width * model.input.channels;
  const n = Math.min(IMAGES, model.chunk);
  for (let s = 0; s < n; s++) net.setImage(s, images, s * size, mean);
  net.evaluate(n);
  return Array.from({ length: n }, (_, s) => net.logits.slice(s * net.logitStride, s * net.logitStride + model.classes) as Float32Array);
}

async function onnxOutputs(model: Uint8Array, images: Uint8Array, input: ModelInfo['input'], n: number): Promise<{ logits: Float32Array; probabilities: Float32Array }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const pixels = Float32Array.from(images.subarray(0, n * input.height * input.width * input.channels));
    const out = await session.run({ input: new ort.Tensor('float32', pixels, [n, input.channels, input.height, input.width]) });
    return { logits: out.logits!.data as Float32Array, probabilities: out.probabilities!.data as Float32Array };
  } finally {
    await session.release();
  }
}

/** Images whose logits differ by more than RELATIVE of their largest. */
function disagreements(netc: readonly Float32Array[], onnx: Float32Array, classes: number): string[] {
  return netc.flatMap((row, s) => {
    const scale = Math.max(...row.map(Math.abs));
    const error = Math.max(...row.map((v, k) => Math.abs(v - onnx[s * classes + k]!)));
    return error <= RELATIVE * scale ? [] : [`image ${s}: max |Δ| ${error.toExponential(2)} > ${RELATIVE} × ${scale.toExponential(2)} (netc ${[...row].map((v) => v.toFixed(4)).join(' ')}; onnx ${[...onnx.subarray(s * classes, (s + 1) * classes)].map((v) => v.toFixed(4)).join(' ')})`];
  });
}

/** onnx.checker.check_model with full shape inference; its message when it fails. */
function checkerProblems(model: Uint8Array): string {
  if (!RUN_CHECKER) return '';
  const file = join(tempDir(), 'model.onnx');
  writeFileSync(file, model);
  const ran = spawnSync(PYTHON, ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file], { encoding: 'utf8' });
  return ran.status === 0 ? '' : ran.stderr || `exit ${ran.status}`;
}

/** Both backends' forward passes against onnxruntime-web, from the same weights and images. */
async function expectAgreement(graphFile: string, text: string | undefined, trainerDir: string) {
  const url = (name: string) => pathToFileURL(join(trainerDir, name)).href;
  const { MODEL, SETTINGS } = (await import(url('train.js'))) as { MODEL: ModelInfo; SETTINGS: { pixelScale: number } };
  const graph = lower(check(graphFile, text === undefined ? {} : { text }).network);
  const images = testImages(MODEL.input, IMAGES);
  const mean = Float64Array.from({ length: MODEL.input.channels }, (_, c) => (90 + 20 * c) * SETTINGS.pixelScale);
  let model: Uint8Array | undefined;
  for (const module of ['model.js', 'model-wasm.js']) {
    const { Net } = (await import(url(module))) as { Net: NetClass };
    const net = new Net();
    try {
      const weights = Float32Array.from(plausibleWeights(net, MODEL, { seed: 11, noise: 0.02 }));
      model ??= toOnnx(graph, weights, { pixelScale: SETTINGS.pixelScale, mean: [...mean] }, { description: '', producerVersion: 'test', metadata: {} });
      const netc = netcLogits(net, MODEL, images, mean);
      const { logits } = await onnxOutputs(model, images, MODEL.input, netc.length);
      expect(disagreements(netc, logits, MODEL.classes), module).toEqual([]);
    } finally {
      await net.close();
    }
  }
  expect(checkerProblems(model!)).toBe('');
  // The weights as float32, once, and a graph of a few bytes per layer: no more than 1 % and 2 KiB over.
  const weightBytes = 4 * (MODEL.paramCount + MODEL.stateCount);
  expect(model!.length).toBeLessThanOrEqual(1.01 * weightBytes + 2048);
  return graph;
}

const SHIPPED = ['mnist', 'cifar10', 'cifar10-deep', 'cifar10-best', 'cifar10-lr1e-4', 'cifar10-resnet', 'resnet20', 'example', 'example-folder'];

describe('onnxruntime-web computes the logits netc computes', () => {
  it('the shipped configs are the ones listed here', async () => {
    const { readdirSync } = await import('node:fs');
    expect(readdirSync('configs').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort()).toEqual([...SHIPPED].sort());
  });

  it.each(SHIPPED)('configs/%s.yaml (its committed trainer, both backends, real test images)', async (name) => {
    await expectAgreement(`configs/${name}.yaml`, undefined, join('generated', name));
  }, 120_000);

  const covered = new Set<string>();
  it.each(OP_NET_CASES)('%s', async (_, net) => {
    const trainer = await loadTrainer(net.text);
    const graph = await expectAgreement('test.yaml', net.text, trainer.dir);
    for (const op of graph.ops) covered.add(op.type);
  }, 120_000);

  it('covers every op of the table', async () => {
    const { OP_TYPES } = await import('../src/ops/index.js');
    expect([...OP_TYPES].filter((type) => !covered.has(type))).toEqual([]);
  });
});

describe('netc export RUN_DIR --onnx', () => {
  let run: string;
  beforeAll(async () => {
    run = join(tempDir(), 'run');
    const ran = await runCli('train', 'configs/example.yaml', '--iterations', '60', '--out', run);
    expect(ran.code, ran.err).toBe(0);
  }, 120_000);

  it("writes a model whose probabilities are the run's own (netc predict's) and whose confusion matrix on the MNIST test set is the run's, within 1.1× the weights' size", async () => {
    const out = join(tempDir(), 'digits.onnx');
    const ran = await runCli('export', run, '--onnx', '--out', out);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toContain('digits.onnx');
    const bytes = readFileSync(out);
    expect(bytes.length).toBeLessThanOrEqual(1.1 * statSync(join(run, 'weights.bin')).size);
    expect(checkerProblems(bytes)).toBe('');

    const images = testImages({ height: 28, width: 28, channels: 1 }, IMAGES);
    const files = Array.from({ length: IMAGES }, (_, i) => {
      const file = join(tempDir(), `digit-${i}.png`);
      writeFileSync(file, grayPng(images.subarray(i * 784, (i + 1) * 784), 28, 28));
      return file;
    });
    const netc = await predict(run, files);
    const { probabilities } = await onnxOutputs(bytes, images, { height: 28, width: 28, channels: 1 }, IMAGES);
    const classes = netc[0]!.classes.length;
    for (let i = 0; i < IMAGES; i++) {
      for (const { label, probability } of netc[i]!.classes) expect(probabilities[i * classes + Number(label)]).toBeCloseTo(probability, 5);
    }

    // The whole MNIST test set: the run's own confusion matrix, cell for cell.
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')) as { test: { confusion: number[][] } };
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    const session = await ort.InferenceSession.create(bytes);
    for (let first = 0; first < mnist.count; first += 1000) {
      const n = Math.min(1000, mnist.count - first);
      const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(mnist.images.subarray(first * 784, (first + n) * 784)), [n, 1, 28, 28]) });
      const logits = out.logits!.data as Float32Array;
      for (let i = 0; i < n; i++) {
        const row = logits.subarray(i * 10, i * 10 + 10);
        confusion[mnist.labels[first + i]!]![row.indexOf(Math.max(...row))]! += 1;
      }
    }
    expect(confusion).toEqual(metrics.test.confusion);

    // The metadata says how to feed it and what comes out.
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits', 'probabilities']);
    await session.release();
    const text = bytes.toString('latin1');
    for (const key of ['netc.input', 'netc.classes', 'netc.test_accuracy', 'netc.config_sha256']) expect(text).toContain(key);
  }, 60_000);

  it('writes model.onnx in the run folder by default; asks for a format; names what is wrong with a run folder', async () => {
    expect((await runCli('export', run, '--onnx')).code).toBe(0);
    expect(statSync(join(run, 'model.onnx')).size).toBeGreaterThan(1000);

    const noFormat = await runCli('export', run);
    expect(noFormat.code).toBe(2);
    expect(noFormat.err).toContain('choose a format: --onnx');

    const json = join(run, 'weights.json');
    const layout = readFileSync(json, 'utf8');
    try {
      writeFileSync(json, layout.replace('"name": "conv2_w"', '"name": "conv9_w"'));
      const altered = await runCli('export', run, '--onnx', '--out', join(tempDir(), 'x.onnx'));
      expect(altered.code).toBe(1);
      expect(altered.err).toMatch(/weights\.json: error: has no tensor conv2_w, which the network of config\.yaml has/);
    } finally {
      writeFileSync(json, layout);
    }

    renameSync(join(run, 'config.yaml'), join(run, 'config.moved'));
    try {
      const missing = await runCli('export', run, '--onnx');
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/config\.yaml: error: missing/);
    } finally {
      renameSync(join(run, 'config.moved'), join(run, 'config.yaml'));
    }

    const notRun = await runCli('export', tempDir(), '--onnx');
    expect(notRun.code).toBe(1);
    expect(notRun.err).toMatch(/metrics\.json: error: missing/);
    rmSync(join(run, 'model.onnx'));
  });
});

/** A gray PNG of `pixels` (row by row). */
function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  pixels.forEach((v, i) => png.data.set([v, v, v, 255], i * 4));
  return PNG.sync.write(png);
}
