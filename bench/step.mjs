// Quick timing of trainers' training steps on real data, interleaved:
//   node bench/step.mjs DIR... [iterations]   (DIR: a compiled trainer, e.g. generated/mnist)
// Plain JavaScript on purpose: it must run the emitted .js, and tsx would load the .ts
// beside it instead. Needs `npm run build` (for dist/).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { locateDataset } from '../dist/run/dataset.js';

async function load(dir) {
  const url = (file) => pathToFileURL(resolve(dir, file)).href;
  const { Net, MODEL } = await import(url(process.env.BACKEND === 'wasm' ? 'model-wasm.js' : 'model.js'));
  const { SETTINGS } = await import(url('train.js'));
  const { Rng } = await import(url('runtime/rng.js'));
  const { prepare, Sampler } = await import(url('runtime/data.js'));
  const { loadDataset } = await import(url('runtime/load.js'));
  const net = new Net();
  const rng = new Rng(1);
  net.init(() => rng.normal());
  // Real data, prepared as in training: speed depends on it (relu and pooling make
  // gradients sparse, and the kernels skip zeros).
  const data = prepare(loadDataset(SETTINGS.dataset, await locateDataset(SETTINGS.dataset)), SETTINGS);
  const size = MODEL.input.height * MODEL.input.width * MODEL.input.channels;
  const sampler = new Sampler(data.trainCount, rng);
  const step = () => {
    for (let s = 0; s < MODEL.batch; s++) {
      const index = sampler.next();
      net.setImage(s, data.train.images, index * size, data.mean);
      net.labels[s] = data.train.labels[index];
    }
    net.forward(MODEL.batch);
    net.loss(MODEL.batch);
    net.backward(MODEL.batch);
    net.step(SETTINGS.learningRate);
  };
  for (let i = 0; i < 20; i++) step();
  return (iterations) => {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) step();
    return (iterations * MODEL.batch) / ((performance.now() - start) / 1000);
  };
}

const args = process.argv.slice(2);
const iterations = Number(args.find((a) => /^\d+$/.test(a)) ?? 50);
const dirs = args.filter((a) => !/^\d+$/.test(a));
const runners = await Promise.all(dirs.map(load));
const rates = dirs.map(() => []);
for (let round = 0; round < 5; round++) runners.forEach((run, i) => rates[i].push(run(iterations)));
dirs.forEach((dir, i) => {
  const sorted = [...rates[i]].sort((a, b) => a - b);
  console.log(`${dir}: median ${sorted[2].toFixed(0)} samples/s  [${sorted.map((r) => r.toFixed(0)).join(', ')}]`);
});
