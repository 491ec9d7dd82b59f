// globalavgpool in PyTorch: nn.AdaptiveAvgPool2d(1).
import type { PytorchForm } from '../../emit/pytorch/form.js';

export const pytorchForm: PytorchForm = () => ({ module: 'nn.AdaptiveAvgPool2d(1)' });
