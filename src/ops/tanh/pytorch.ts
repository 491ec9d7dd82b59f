// tanh in PyTorch: nn.Tanh.
import type { PytorchForm } from '../../emit/pytorch/form.js';

export const pytorchForm: PytorchForm = () => ({ module: 'nn.Tanh()' });
