// globalavgpool's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'conv → global average → dense, and a residual read twice': {
      layers: [{ conv: { name: 'a', filters: 6, size: 3, padding: 1 } }, { conv: { name: 'b', filters: 6, size: 3, padding: 1 } }, { add: { inputs: ['a', 'b'] } }, 'globalavgpool', { dense: { units: 10 } }],
    },
  },
  oracle: (_layer, [x], _params, { tf }) => tf.mean(x!, [1, 2], true) as never,
};
