// pad's test networks (a widening identity shortcut) and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'a widening shortcut: subsampled, padded from 3 to 6 channels, added to a strided conv': {
      layers: [
        { conv: { name: 'a', filters: 3, size: 3, padding: 1 } },
        { conv: { name: 'b', filters: 6, size: 3, stride: 2, padding: 1 } },
        { maxpool: { name: 'skip', size: 1, stride: 2, inputs: ['a'] } },
        { pad: { name: 'wide', channels: 6 } },
        { add: { inputs: ['b', 'wide'] } },
        { maxpool: { size: 2 } },
        { dense: { units: 10 } },
      ],
    },
  },
  oracle(layer, [x], _params, { tf }) {
    const { channels } = layer as Layer & { channels: number };
    return tf.pad(x!, [[0, 0], [0, 0], [0, 0], [0, channels - x!.shape[3]]]);
  },
};
