// maxpool in PyTorch: nn.MaxPool2d, windows without padding (the last partial one dropped, as netc does).
import type { PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { MaxPoolOptions } from './index.js';

export const pytorchForm: PytorchForm = ({ layer }) => {
  const { size, stride } = layer as LayerOf<MaxPoolOptions>;
  return { module: `nn.MaxPool2d(${size}${stride !== size ? `, stride=${stride}` : ''})` };
};
