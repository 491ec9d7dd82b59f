// dropout's test networks and its TensorFlow.js form: the same masks (runtime/hash.ts),
// applied by TensorFlow.js.
import { kept, maskKey } from '../../runtime/hash.js';
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';
import { salt, threshold } from './index.js';

export const tests: OpTests = {
  nets: {
    'dropout in place after a relu, and out of place (its input read twice)': {
      layers: [
        { conv: { name: 'a', filters: 6, size: 3, padding: 1 } },
        'relu',
        { dropout: { rate: 0.3 } },
        { maxpool: { name: 'p', size: 4 } },
        { dropout: { name: 'd', rate: 0.5, inputs: ['p'] } },
        { add: { inputs: ['d', 'p'] } },
        { dense: { units: 10 } },
      ],
    },
  },
  oracle(layer, [x], _params, { tf, training, seed, step }) {
    if (!training) return x!;
    const { rate } = layer as Layer & { rate: number };
    const [n, h, w, c] = x!.shape;
    const key = maskKey(seed, step, salt(layer.name));
    // The mask in NHWC order; each value's index is channel-planar, as netc counts them.
    const mask = new Float32Array(n * h * w * c);
    for (let s = 0; s < n; s++) for (let y = 0; y < h; y++) for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) {
      mask[((s * h + y) * w + col) * c + ch] = kept(key, ((s * c + ch) * h + y) * w + col, threshold(rate)) ? 1 / (1 - rate) : 0;
    }
    return tf.mul(x!, tf.tensor4d(mask, [n, h, w, c]));
  },
};
