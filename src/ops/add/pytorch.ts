// add in PyTorch: the elementwise sum of the inputs.
import type { PytorchForm } from '../../emit/pytorch/form.js';

const ADD = `class Add(nn.Module):
    """The elementwise sum of the inputs (a residual connection)."""

    def forward(self, *inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total`;

export const pytorchForm: PytorchForm = () => ({ module: 'Add()', classes: { Add: ADD } });
