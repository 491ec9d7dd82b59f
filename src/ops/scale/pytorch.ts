// scale in PyTorch: every value times a constant.
import { pyNumber, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { ScaleOptions } from './index.js';

const SCALE = `class Scale(nn.Module):
    """Every value times a constant factor."""

    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor`;

export const pytorchForm: PytorchForm = ({ layer }) => ({ module: `Scale(${pyNumber((layer as LayerOf<ScaleOptions>).factor)})`, classes: { Scale: SCALE } });
