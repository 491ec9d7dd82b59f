// add's test networks (residual connections, a value read twice) and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'a residual block: conv → relu → conv, added to its input; the input’s gradient written once, then added to': {
      layers: [
        { conv: { name: 'stem', filters: 4, size: 3, padding: 1 } },
        { maxpool: { size: 2 } },
        { conv: { name: 'a', filters: 4, size: 3, padding: 1 } },
        'relu',
        { conv: { name: 'b', filters: 4, size: 3, padding: 1 } },
        { add: { inputs: ['b', 'maxpool1'] } },
        'relu',
        { dense: { units: 10 } },
      ],
    },
    'three inputs, of different borders (one feeds a padded conv)': {
      layers: [
        { conv: { name: 'a', filters: 5, size: 3, padding: 1 } },
        { maxpool: { name: 'p', size: 4 } },
        { conv: { name: 'b', filters: 5, size: 3, padding: 1, inputs: ['p'] } },
        { conv: { name: 'c', filters: 5, size: 1, inputs: ['p'] } },
        { add: { name: 'sum', inputs: ['p', 'b', 'c'] } },
        { dense: { units: 10 } },
      ],
    },
  },
  oracle: (_layer, inputs, _params, { tf }) => tf.addN([...inputs]) as never,
};
