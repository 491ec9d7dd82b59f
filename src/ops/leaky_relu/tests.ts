// leaky_relu's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'leaky relu in place after a conv, and out of place (its input read twice)': {
      layers: [
        { conv: { name: 'a', filters: 5, size: 3, padding: 1 } },
        { leaky_relu: { slope: 0.1 } },
        { maxpool: { name: 'p', size: 4 } },
        { leaky_relu: { name: 'l', slope: 0.2, inputs: ['p'] } },
        { add: { inputs: ['l', 'p'] } },
        { dense: { units: 10 } },
      ],
    },
  },
  oracle: (layer, [x], _params, { tf }) => tf.leakyRelu(x!, (layer as Layer & { slope: number }).slope),
};
