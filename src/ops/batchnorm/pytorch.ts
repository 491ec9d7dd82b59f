// batchnorm in PyTorch: netc's own batch normalisation, whose training statistics are
// those of fixed groups of samples (nn.BatchNorm2d's are the whole batch's).
import { pyBool, pyNumber, type PytorchForm } from '../../emit/pytorch/form.js';
import type { LayerOf } from '../types.js';
import type { BatchNormOptions } from './index.js';

const GROUP_BATCH_NORM = `class GroupBatchNorm(nn.Module):
    """Batch normalisation as netc does it. Training: each group of \`group\` consecutive
    samples, per channel, (x - mean) / sqrt(variance + epsilon) with the group's own mean and
    (biased) variance; the groups' mean and unbiased variance are kept in \`batch_stats\` for
    train.py, which moves the running statistics once per step (momentum * running +
    (1 - momentum) * the average over all groups of the batch). Evaluation: the running
    statistics."""

    def __init__(self, channels, group, momentum, epsilon, scale=True, center=True):
        super().__init__()
        self.group, self.momentum, self.epsilon = group, momentum, epsilon
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.batch_stats = None

    def forward(self, x):
        if self.training:
            # Whole groups at once ([groups, group, C, H, W]); a last, smaller group on its own.
            whole = x.shape[0] - x.shape[0] % self.group
            parts, means, variances = [], [], []
            for part, size in ((x[:whole], self.group), (x[whole:], x.shape[0] - whole)):
                if size == 0:
                    continue
                grouped = part.reshape(-1, size, *x.shape[1:])
                mean = grouped.mean((1, 3, 4), keepdim=True)
                variance = grouped.var((1, 3, 4), unbiased=False, keepdim=True)
                parts.append(((grouped - mean) / torch.sqrt(variance + self.epsilon)).reshape(part.shape))
                count = size * x.shape[2] * x.shape[3]
                means.append(mean.flatten(1).detach())
                variances.append(variance.flatten(1).detach() * (count / (count - 1) if count > 1 else 1))
            y = torch.cat(parts)
            self.batch_stats = (torch.cat(means), torch.cat(variances))
        else:
            y = (x - self.running_mean[:, None, None]) / torch.sqrt(self.running_var[:, None, None] + self.epsilon)
        if self.weight is not None:
            y = y * self.weight[:, None, None]
        if self.bias is not None:
            y = y + self.bias[:, None, None]
        return y`;

export const pytorchForm: PytorchForm = ({ layer, outputShape }) => {
  const { group, momentum, epsilon, scale, center } = layer as LayerOf<BatchNormOptions>;
  const flags = [!scale && `scale=${pyBool(false)}`, !center && `center=${pyBool(false)}`].filter(Boolean);
  return {
    module: `GroupBatchNorm(${[outputShape.channels, group, pyNumber(momentum), pyNumber(epsilon), ...flags].join(', ')})`,
    tensors: { gamma: 'weight', beta: 'bias', mean: 'running_mean', var: 'running_var' },
    classes: { GroupBatchNorm: GROUP_BATCH_NORM },
  };
};
