// relu in PyTorch: nn.ReLU.
import type { PytorchForm } from '../../emit/pytorch/form.js';

export const pytorchForm: PytorchForm = () => ({ module: 'nn.ReLU()' });
