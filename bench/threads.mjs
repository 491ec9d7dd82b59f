// netc's thread scaling: the committed generated trainers (generated/<name>/, their
// WebAssembly backend), synthetic images (the same bytes at every thread count), training
// steps and evaluation at the trainer's batch, on 1..N threads; one JSON line a measurement
// (the median of three windows). Plain JavaScript with no dependencies, so it runs with
// nothing but Node and a checkout, e.g. on a many-core machine without node_modules:
//   node bench/threads.mjs [threads...]        (default 1 2 4 8 16, up to the cores)
//   CONFIGS=cifar10-deep WINDOW_SECONDS=2 EVAL_THREADS=1,16 node bench/threads.mjs
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const configs = (process.env.CONFIGS ?? 'mnist,cifar10,cifar10-deep,cifar10-resnet').split(',');
const cores = availableParallelism();
const counts = process.argv.slice(2).map(Number);
const threadList = counts.length ? counts : [1, 2, 4, 8, 16].filter((t) => t <= cores);
const seconds = Number(process.env.WINDOW_SECONDS ?? 1);
const evalThreads = (process.env.EVAL_THREADS ?? `1,${cores}`).split(',').map(Number);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(config, threads, mode) {
  const url = (f) => pathToFileURL(resolve(root, 'generated', config, f)).href;
  const m = await import(url('model-wasm.js'));
  const { createNet } = await import(url('runtime/parallel.js'));
  const { Rng } = await import(url('runtime/rng.js'));
  const net = await createNet(m.MODEL, m.Net, url('model-wasm.js'), threads);
  const rng = new Rng(1);
  net.init(() => rng.normal() * 0.05);
  const B = m.MODEL.batch;
  const size = m.MODEL.input.height * m.MODEL.input.width * m.MODEL.input.channels;
  const pool = 4 * B;
  const pixels = new Uint8Array(size * pool);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (rng.normal() * 50 + 128) & 255;
  const mean = new Float64Array(m.MODEL.input.channels).fill(0.5);
  let step = 0;
  const once = () => {
    const first = (step % 4) * B;
    for (let s = 0; s < B; s++) {
      net.setImage(s, pixels, (first + s) * size, mean);
      net.labels[s] = (first + s) % 10;
    }
    step++;
    if (mode === 'train') {
      net.computeGradients(B, step);
      net.step(0.001, step);
    } else net.evaluate(B);
  };
  once();
  once();
  const rates = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    let n = 0;
    do {
      once();
      n++;
    } while (performance.now() - start < seconds * 1000);
    rates.push((n * B) / ((performance.now() - start) / 1000));
  }
  await net.close?.();
  return { config, threads, mode, batch: B, samplesPerSecond: Math.round(median(rates)), rates: rates.map(Math.round) };
}

console.log(JSON.stringify({ cores, node: process.version, threadList }));
for (const config of configs) {
  let one;
  for (const threads of threadList) {
    const r = await measure(config, threads, 'train');
    one ??= r.samplesPerSecond;
    console.log(JSON.stringify({ ...r, speedup: +(r.samplesPerSecond / one).toFixed(2) }));
  }
  for (const threads of evalThreads) console.log(JSON.stringify(await measure(config, threads, 'evaluate')));
}
process.exit(0);
