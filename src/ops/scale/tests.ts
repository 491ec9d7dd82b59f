// scale's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'scaled logits, and a scale in place after a conv': {
      layers: [{ conv: { filters: 3, size: 3, padding: 1 } }, { scale: { factor: -1.5 } }, { maxpool: { size: 4 } }, { dense: { units: 10, bias: false } }, { scale: { factor: 0.125 } }],
    },
  },
  oracle: (layer, [x], _params, { tf }) => tf.mul(x!, (layer as Layer & { factor: number }).factor),
};
