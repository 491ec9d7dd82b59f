// conv in PyTorch: nn.Conv2d, whose weight [out][in][k][k] is netc's layout.
import { pyBool, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { ConvOptions } from './index.js';

export const pytorchForm: PytorchForm = ({ layer, inputShapes }) => {
  const { filters, size, stride, padding, bias } = layer as LayerOf<ConvOptions>;
  const options = [stride !== 1 && `stride=${stride}`, padding !== 0 && `padding=${padding}`, !bias && `bias=${pyBool(false)}`].filter(Boolean);
  return { module: `nn.Conv2d(${[inputShapes[0]!.channels, filters, size, ...options].join(', ')})`, tensors: { w: 'weight', b: 'bias' } };
};
