// ConvNetJS 0.3 (Karpathy), the classic JavaScript CNN library, with the same network.
import { createRequire } from 'node:module';
import type { SummaryJson } from 'netc';
import type { BenchData } from '../data.js';
import type { Runner } from '../protocol.js';

type Layer = SummaryJson['layers'][number] & { size?: number; stride?: number; padding?: number };

interface Vol {
  w: Float64Array;
}
interface ConvNetJS {
  Net: new () => { makeLayers(defs: object[]): void; forward(v: Vol): void; getPrediction(): number };
  Trainer: new (net: object, options: object) => { train(v: Vol, label: number): void };
  Vol: new (sx: number, sy: number, depth: number, c: number) => Vol;
}

export function convnetjsRunner(layers: readonly Layer[], data: BenchData, learningRate: number): Runner {
  const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJS;
  const defs: object[] = [{ type: 'input', out_sx: data.width, out_sy: data.height, out_depth: data.channels }];
  layers.forEach((layer, i) => {
    const last = i === layers.length - 1;
    if (layer.type === 'conv') defs.push({ type: 'conv', sx: layer.size, filters: layer.output[2], stride: layer.stride, pad: layer.padding });
    else if (layer.type === 'relu') defs.push({ type: 'relu' });
    else if (layer.type === 'maxpool') defs.push({ type: 'pool', sx: layer.size, stride: layer.stride });
    else if (last) defs.push({ type: 'softmax', num_classes: layer.output[2] });
    else defs.push({ type: 'fc', num_neurons: layer.output[2] });
  });
  const net = new convnetjs.Net();
  net.makeLayers(defs);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: learningRate, momentum: 0.9, batch_size: data.batch, l2_decay: 0 });
  const imageSize = data.height * data.width * data.channels;
  const scratch = new Float32Array(imageSize);
  const vol = (set: BenchData['train'], index: number): Vol => {
    // ConvNetJS volumes are (x, y, depth) with depth fastest: the same as height-width-channel order.
    const v = new convnetjs.Vol(data.width, data.height, data.channels, 0);
    data.hwc(set, index, scratch, 0);
    v.w.set(scratch);
    return v;
  };
  const pool = data.batches.map((indexes) => Array.from(indexes, (index) => ({ v: vol(data.train, index), label: data.train.labels[index]! })));
  return {
    version: '0.3.0',
    threads: 1,
    trainStep(index) {
      for (const { v, label } of pool[index]!) trainer.train(v, label);
    },
    predict(first, count) {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        net.forward(vol(data.test, first + i));
        out[i] = net.getPrediction();
      }
      return out;
    },
  };
}
