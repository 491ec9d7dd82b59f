// maxpool's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'two convs: the first gets its gradient through the second, a pool and relus': {
      layers: [{ conv: { filters: 3, size: 3, padding: 1 } }, 'relu', { maxpool: { size: 2 } }, { conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10 } }],
    },
    'overlapping windows, a window of 1 with stride 2': {
      layers: [{ conv: { filters: 5, size: 3 } }, { maxpool: { size: 3, stride: 2 } }, { maxpool: { size: 1, stride: 2 } }, { dense: { units: 10 } }],
    },
  },
  oracle(layer, [x], _params, { tf }) {
    const { size, stride } = layer as Layer & { size: number; stride: number };
    return tf.maxPool(x!, size, stride, 'valid');
  },
};
