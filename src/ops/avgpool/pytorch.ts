// avgpool in PyTorch: nn.AvgPool2d, windows without padding (the last partial one dropped, as netc does).
import type { PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { AvgPoolOptions } from './index.js';

export const pytorchForm: PytorchForm = ({ layer }) => {
  const { size, stride } = layer as LayerOf<AvgPoolOptions>;
  return { module: `nn.AvgPool2d(${size}${stride !== size ? `, stride=${stride}` : ''})` };
};
