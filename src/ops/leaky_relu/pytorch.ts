// leaky_relu in PyTorch: nn.LeakyReLU, its negative slope the slope.
import { pyNumber, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { LeakyReluOptions } from './index.js';

export const pytorchForm: PytorchForm = ({ layer }) => ({ module: `nn.LeakyReLU(${pyNumber((layer as LayerOf<LeakyReluOptions>).slope)})` });
