// pad in PyTorch: zero channels after the input's.
import type { PytorchForm } from '../../emit/pytorch/form.js';

const CHANNEL_PAD = `class ChannelPad(nn.Module):
    """Zero channels added after the input's."""

    def __init__(self, extra):
        super().__init__()
        self.extra = extra

    def forward(self, x):
        return F.pad(x, (0, 0, 0, 0, 0, self.extra))`;

export const pytorchForm: PytorchForm = ({ inputShapes, outputShape }) => ({
  module: `ChannelPad(${outputShape.channels - inputShapes[0]!.channels})`,
  classes: { ChannelPad: CHANNEL_PAD },
});
