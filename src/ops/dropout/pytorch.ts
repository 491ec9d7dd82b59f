// dropout in PyTorch: netc's masks exactly — counter-based bits of (seed, step, layer,
// element) — so that PyTorch and netc drop the same values (runtime/hash.ts).
import { pyNumber, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import { type DropoutOptions, salt, threshold } from './index.js';

const HASH_DROPOUT = `def lowbias32(x):
    """Chris Wellons' 32-bit integer hash, on int64 tensors of 32-bit values (products split to stay below 2**63)."""
    def times(x, c):
        return (x * (c & 0xFFFF) + (((x * (c >> 16)) & 0xFFFF) << 16)) & 0xFFFFFFFF
    x = x ^ (x >> 16)
    x = times(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = times(x, 0x846CA68B)
    return x ^ (x >> 16)


def lowbias32_int(x):
    return int(lowbias32(torch.tensor(x & 0xFFFFFFFF, dtype=torch.int64)))


class HashDropout(nn.Module):
    """Dropout with netc's masks: element e of the batch (channel-planar, samples counted in
    the whole batch, from context.first) is kept when lowbias32(e ^ key) >= threshold, key a
    hash of (seed, step, the layer's salt); kept values are scaled by 1 / (1 - rate)."""

    def __init__(self, rate, salt, threshold, context):
        super().__init__()
        self.rate, self.salt, self.threshold = rate, salt, threshold
        self.context = [context]  # a list: the context is shared, not a submodule

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        context = self.context[0]
        key = lowbias32_int((lowbias32_int(context.seed ^ self.salt) + context.step) & 0xFFFFFFFF)
        first = context.first * x[0].numel()
        element = torch.arange(first, first + x.numel(), dtype=torch.int64, device=x.device).reshape(x.shape)
        kept = lowbias32(element ^ key) >= self.threshold
        return x * kept / (1 - self.rate)`;

export const pytorchForm: PytorchForm = ({ layer }) => {
  const { rate } = layer as LayerOf<DropoutOptions>;
  return { module: `HashDropout(${pyNumber(rate)}, ${salt(layer.name)}, ${threshold(rate)}, self.context)`, classes: { HashDropout: HASH_DROPOUT } };
};
