// sigmoid's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'sigmoid in place on a bordered buffer (its border must stay zero), and after a dense': {
      layers: [{ conv: { filters: 3, size: 3, padding: 1 } }, 'sigmoid', { conv: { filters: 4, size: 3, padding: 1 } }, { maxpool: { size: 4 } }, { dense: { units: 6 } }, 'sigmoid', { dense: { units: 10 } }],
    },
  },
  oracle: (_layer, [x], _params, { tf }) => tf.sigmoid(x!),
};
