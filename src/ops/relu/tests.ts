// relu's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'relu in place after conv and dense': { layers: [{ conv: { filters: 3, size: 3, padding: 1 } }, 'relu', { maxpool: { size: 4 } }, { dense: { units: 6 } }, 'relu', { dense: { units: 10 } }] },
  },
  oracle: (_layer, [x], _params, { tf }) => tf.relu(x!),
};
