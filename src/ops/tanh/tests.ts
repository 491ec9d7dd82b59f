// tanh's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'tanh after a conv (in place) and after a dense': { layers: [{ conv: { filters: 3, size: 3, padding: 1 } }, 'tanh', { maxpool: { size: 4 } }, { dense: { units: 6 } }, 'tanh', { dense: { units: 10 } }] },
  },
  oracle: (_layer, [x], _params, { tf }) => tf.tanh(x!),
};
