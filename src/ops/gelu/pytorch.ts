// gelu in PyTorch: nn.GELU (exact, with erf: PyTorch's default).
import type { PytorchForm } from '../../emit/pytorch/form.js';

export const pytorchForm: PytorchForm = () => ({ module: 'nn.GELU()' });
