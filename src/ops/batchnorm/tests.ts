// batchnorm's test networks and its TensorFlow.js form (training: statistics per group).
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'conv without bias → batchnorm → relu, whole-batch groups': {
      layers: [{ conv: { filters: 5, size: 3, padding: 1, bias: false } }, 'batchnorm', 'relu', { maxpool: { size: 4 } }, { dense: { units: 10 } }],
    },
    'groups of 2 (the batch of 5 in 2 + 2 + 1), no scale, into a padded conv; after a dense, no shift': {
      layers: [{ conv: { filters: 6, size: 3, stride: 2 } }, { batchnorm: { group: 2, scale: false } }, { conv: { filters: 4, size: 3, padding: 1 } }, { dense: { units: 8 } }, { batchnorm: { center: false } }, { dense: { units: 10 } }],
      batch: 5,
    },
  },
  oracle(layer, [x], params, { tf }) {
    const { group, epsilon } = layer as Layer & { group: number; epsilon: number };
    const n = x!.shape[0];
    const parts: import('@tensorflow/tfjs').Tensor4D[] = [];
    for (let first = 0; first < n; first += group) {
      const part = tf.slice(x!, [first, 0, 0, 0], [Math.min(group, n - first), -1, -1, -1]);
      const { mean, variance } = tf.moments(part, [0, 1, 2]);
      let y = tf.div(tf.sub(part, mean), tf.sqrt(tf.add(variance, epsilon)));
      if (params.gamma) y = tf.mul(y, params.gamma);
      if (params.beta) y = tf.add(y, params.beta);
      parts.push(y as import('@tensorflow/tfjs').Tensor4D);
    }
    return tf.concat(parts, 0);
  },
};
