// netc: the generated trainer, compiled from the config, run as emitted JavaScript (and
// WebAssembly): either backend, on one thread or several.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, version, writeTree } from 'netc';
import type { ModelInfo, NetClass, Trainable } from 'netc/runtime/net.js';
import type { BenchData } from '../data.js';
import type { Runner } from '../protocol.js';

export async function netcRunner(config: string, data: BenchData, threads: number, backend: 'wasm' | 'ts'): Promise<Runner> {
  const dir = join(mkdtempSync(join(tmpdir(), 'netc-bench-')), 'trainer');
  const compiled = compile(config);
  writeTree(dir, compiled.emitted.files);
  const url = (file: string) => pathToFileURL(join(dir, file)).href;
  const modelFile = backend === 'wasm' ? 'model-wasm.js' : 'model.js';
  const model = (await import(url(modelFile))) as { MODEL: ModelInfo; Net: NetClass };
  const { createNet } = (await import(url('runtime/parallel.js'))) as { createNet(...args: unknown[]): Promise<Trainable> };
  const { Rng } = (await import(url('runtime/rng.js'))) as typeof import('netc/runtime/rng.js');
  const net = await createNet(model.MODEL, model.Net, url(modelFile), threads);
  const rng = new Rng(1);
  net.init(() => rng.normal());
  const size = data.height * data.width * data.channels;
  const learningRate = compiled.graph.trainer.learningRate;
  const batch = model.MODEL.batch;
  return {
    version: `${version} ${backend}`,
    threads,
    trainStep(index) {
      const indexes = data.batches[index]!;
      for (let s = 0; s < batch; s++) {
        net.setImage(s, data.train.images, indexes[s]! * size, data.mean);
        net.labels[s] = data.train.labels[indexes[s]!]!;
      }
      net.computeGradients(batch, index + 1);
      net.step(learningRate, index + 1);
    },
    predict(first, count) {
      // The trainer's batch is fixed at compile time: larger batches are run in chunks.
      const out = new Uint8Array(count);
      for (let done = 0; done < count; done += batch) {
        const n = Math.min(batch, count - done);
        for (let s = 0; s < n; s++) net.setImage(s, data.test.images, (first + done + s) * size, data.mean);
        net.evaluate(n);
        out.set(net.predictions.subarray(0, n), done);
      }
      return out;
    },
  };
}
