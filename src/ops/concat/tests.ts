// concat's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'branches of 3, 5 and 4 channels (places not on multiples of four), the first also read alone': {
      layers: [
        { conv: { name: 'a', filters: 3, size: 3, padding: 1 } },
        { maxpool: { name: 'p', size: 4 } },
        { conv: { name: 'b', filters: 5, size: 3, padding: 1, inputs: ['p'] } },
        { conv: { name: 'c', filters: 4, size: 1, inputs: ['p'] } },
        { concat: { name: 'joined', inputs: ['p', 'b', 'c'] } },
        { conv: { name: 'd', filters: 4, size: 3, padding: 1 } },
        { add: { inputs: ['d', 'c'] } },
        { dense: { units: 10 } },
      ],
    },
  },
  oracle: (_layer, inputs, _params, { tf }) => tf.concat([...inputs], 3),
};
