// dense's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';

export const tests: OpTests = {
  nets: {
    'dense → relu → dense, and a dense without bias': { layers: [{ maxpool: { size: 4 } }, { dense: { units: 12 } }, 'relu', { dense: { units: 7, bias: false } }, { dense: { units: 10 } }] },
    'two denses reading one map (the second adds its dL/dx), wider than a tile of units, on a batch that leaves single samples': {
      layers: [{ conv: { name: 'c', filters: 6, size: 3, stride: 2 } }, { relu: { name: 'r' } }, { dense: { name: 'a', units: 10 } }, { dense: { name: 'b', units: 10, inputs: ['r'] } }, { add: { inputs: ['a', 'b'] } }],
      batch: 7,
    },
  },
  oracle(_layer, [x], params, { tf }) {
    // netc flattens channel by channel (NCHW order); TensorFlow's tensors are NHWC.
    const [n] = x!.shape;
    const flat = tf.reshape(tf.transpose(x!, [0, 3, 1, 2]), [n, -1]);
    const y = tf.matMul(flat, params.w!, false, true);
    return tf.reshape(params.b ? tf.add(y, params.b) : y, [n, 1, 1, -1]);
  },
};
