// sigmoid in PyTorch: nn.Sigmoid.
import type { PytorchForm } from '../../emit/pytorch/form.js';

export const pytorchForm: PytorchForm = () => ({ module: 'nn.Sigmoid()' });
