// dense in PyTorch: nn.Linear on the input flattened channel by channel (NCHW's own order,
// as netc's), its output kept 4-D (units × 1 × 1) like every other layer's.
import { pyBool, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { DenseOptions } from './index.js';

const DENSE = `class Dense(nn.Linear):
    """nn.Linear on the input flattened (channels, rows, columns); the output is units × 1 × 1."""

    def forward(self, x):
        return super().forward(x.flatten(1))[:, :, None, None]`;

export const pytorchForm: PytorchForm = ({ layer, inputShapes }) => {
  const { units, bias } = layer as LayerOf<DenseOptions>;
  const { height, width, channels } = inputShapes[0]!;
  return { module: `Dense(${height * width * channels}, ${units}${bias ? '' : `, bias=${pyBool(false)}`})`, tensors: { w: 'weight', b: 'bias' }, classes: { Dense: DENSE } };
};
