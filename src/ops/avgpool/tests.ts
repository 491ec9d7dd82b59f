// avgpool's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'side by side, and overlapping windows into a padded conv': {
      layers: [{ conv: { filters: 5, size: 3, padding: 1 } }, { avgpool: { size: 2 } }, { avgpool: { size: 3, stride: 2 } }, { conv: { filters: 3, size: 3, padding: 1 } }, { dense: { units: 10 } }],
    },
  },
  oracle(layer, [x], _params, { tf }) {
    const { size, stride } = layer as Layer & { size: number; stride: number };
    return tf.avgPool(x!, size, stride, 'valid');
  },
};
