// concat in PyTorch: the inputs side by side along the channels.
import type { PytorchForm } from '../../emit/pytorch/form.js';

const CONCAT = `class Concat(nn.Module):
    """The inputs side by side along the channels."""

    def forward(self, *inputs):
        return torch.cat(inputs, 1)`;

export const pytorchForm: PytorchForm = () => ({ module: 'Concat()', classes: { Concat: CONCAT } });
