// conv's test networks and its TensorFlow.js form.
import type { OpTests } from '../testing.js';
import type { Layer } from '../types.js';

export const tests: OpTests = {
  nets: {
    'conv with padding → relu → maxpool → dense': { layers: [{ conv: { filters: 4, size: 5, padding: 2 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10 } }] },
    'strided conv without padding, overlapping pool, dense → relu → dense': {
      layers: [{ conv: { filters: 3, size: 4, stride: 2 } }, 'relu', { maxpool: { size: 3, stride: 2 } }, { conv: { filters: 2, size: 3, stride: 1, padding: 1 } }, { dense: { units: 12 } }, 'relu', { dense: { units: 10 } }],
    },
    'RGB input and kernels too large to unroll fully (row unrolling)': {
      input: { height: 32, width: 32, channels: 3 },
      layers: [{ conv: { filters: 2, size: 11, stride: 3 } }, 'relu', { conv: { filters: 3, size: 10, padding: 4 } }, { maxpool: { size: 2 } }, { dense: { units: 10 } }],
      batch: 3,
    },
    'odd widths (scalar tails), a 1×1 conv, conv straight into dense': {
      layers: [{ conv: { filters: 3, size: 3 } }, 'relu', { conv: { filters: 5, size: 1 } }, { maxpool: { size: 3 } }, { conv: { filters: 4, size: 3, padding: 1 } }, { dense: { units: 10 } }],
    },
    'stride 2 with padding and without bias, into a padded stride-2 conv (dL/dx scattered)': {
      layers: [{ conv: { filters: 6, size: 3, stride: 2, padding: 1, bias: false } }, 'relu', { conv: { filters: 9, size: 3, stride: 2, padding: 1 } }, 'relu', { conv: { filters: 8, size: 3, padding: 1, bias: false, init: { identity: true } } }, { dense: { units: 10 } }],
    },
    'many channels, widths that leave tails in every tile (GEMM micro-kernel)': {
      input: { height: 32, width: 32, channels: 3 },
      layers: [{ conv: { filters: 20, size: 3, padding: 1 } }, { maxpool: { size: 4 } }, { conv: { filters: 36, size: 3, padding: 1 } }, 'relu', { conv: { filters: 12, size: 3 } }, { dense: { units: 10 } }],
      batch: 3,
    },
    "Winograd's F(4×4, 3×3) and F(2×2, 3×3): odd maps (edge tiles read and write less), biases, a narrower last block of channels, dL/dx added to a residual, dL/dw of 68 → 68 and 16 → 16 channels, a 2×2 map": {
      input: { height: 32, width: 32, channels: 3 },
      layers: [
        { conv: { name: 'c0', filters: 5, size: 2 } },
        { conv: { name: 'c1', filters: 12, size: 3, padding: 1 } },
        { maxpool: { size: 2 } },
        { conv: { name: 'c2', filters: 68, size: 3, padding: 1 } },
        { maxpool: { name: 'p', size: 2 } },
        { conv: { name: 'c3', filters: 68, size: 3, padding: 1, bias: false } },
        { add: { inputs: ['c3', 'p'] } },
        { conv: { name: 'c4', filters: 16, size: 3 } },
        { maxpool: { size: 2 } },
        { conv: { name: 'c5', filters: 16, size: 3, padding: 1 } },
        { dense: { units: 10 } },
      ],
      batch: 3,
    },
    "Winograd's F(4×4, 5×5): a 14×14 map (edge tiles read and write less), biases, a narrower last block of channels, dL/dx added to a residual, an unpadded conv (dL/dx reads 4 pixels before dL/dy), a 3-channel conv left direct": {
      input: { height: 32, width: 32, channels: 3 },
      layers: [
        { conv: { name: 'c1', filters: 16, size: 5 } },
        { maxpool: { size: 2 } },
        { conv: { name: 'c2', filters: 20, size: 5, padding: 2 } },
        'relu',
        { conv: { name: 'c3', filters: 20, size: 5, padding: 2, bias: false } },
        { add: { inputs: ['c3', 'c2'] } },
        { conv: { name: 'c4', filters: 16, size: 5 } },
        { dense: { units: 10 } },
      ],
      batch: 3,
    },
    'a frozen first conv (no gradients behind it), an activation on its output': {
      layers: [{ conv: { filters: 4, size: 2, trainable: false } }, 'gelu', { conv: { filters: 5, size: 3, padding: 1 } }, 'relu', { maxpool: { size: 2 } }, { dense: { units: 10, trainable: false } }, { scale: { factor: 0.5 } }],
    },
  },
  oracle(layer, [x], params, { tf }) {
    const { stride, padding } = layer as Layer & { stride: number; padding: number };
    // netc's [co][ci][ky][kx] → TensorFlow's [ky][kx][ci][co].
    const y = tf.conv2d(tf.pad(x!, [[0, 0], [padding, padding], [padding, padding], [0, 0]]), tf.transpose(params.w!, [2, 3, 1, 0]) as never, stride, 'valid');
    return params.b ? tf.add(y, params.b) : y;
  },
};
