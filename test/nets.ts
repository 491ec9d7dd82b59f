// Small networks that between them use every layer kind and option: the gradient checks
// and the backend comparisons run on each.
import { configYaml } from './helpers.js';

export const TEST_NETS: Record<string, string> = {
  'conv with padding → relu → maxpool → dense': configYaml(),
  'two convs: the first gets its gradient through the second, a pool and relus': configYaml({
    layers: [
      { conv: { filters: 3, size: 3, padding: 1 } },
      'relu',
      { maxpool: { size: 2 } },
      { conv: { filters: 4, size: 5, padding: 2 } },
      'relu',
      { maxpool: { size: 2 } },
      { dense: { units: 10 } },
    ],
  }),
  'strided conv without padding, overlapping pool, dense → relu → dense': configYaml({
    layers: [
      { conv: { filters: 3, size: 4, stride: 2 } }, // 28 → 13
      'relu',
      { maxpool: { size: 3, stride: 2 } }, // 13 → 6, windows overlap
      { conv: { filters: 2, size: 3, stride: 1, padding: 1 } },
      { dense: { units: 12 } },
      'relu',
      { dense: { units: 10 } },
    ],
  }),
  'RGB input and kernels too large to unroll fully (row unrolling)': configYaml({
    input: { height: 32, width: 32, channels: 3 },
    data: { dataset: 'cifar10' },
    layers: [{ conv: { filters: 2, size: 11, stride: 3 } }, 'relu', { conv: { filters: 3, size: 10, padding: 4 } }, { maxpool: { size: 2 } }, { dense: { units: 10 } }],
  }),
  'odd widths (scalar tails), a 1×1 conv, conv straight into dense': configYaml({
    layers: [{ conv: { filters: 3, size: 3 } }, 'relu', { conv: { filters: 5, size: 1 } }, { maxpool: { size: 3 } }, { conv: { filters: 4, size: 3, padding: 1 } }, { dense: { units: 10 } }],
  }),
};
