// gelu's test networks and its TensorFlow.js form (x·Φ(x) from TensorFlow.js's erf).
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'gelu after a conv (into a padded conv) and after a dense': {
      layers: [{ conv: { filters: 5, size: 3, padding: 1 } }, 'gelu', { conv: { filters: 4, size: 3, padding: 1 } }, { maxpool: { size: 4 } }, { dense: { units: 6 } }, 'gelu', { dense: { units: 10 } }],
    },
  },
  oracle: (_layer, [x], _params, { tf }) => tf.mul(tf.mul(x!, 0.5), tf.add(1, tf.erf(tf.mul(x!, Math.SQRT1_2)))),
};
