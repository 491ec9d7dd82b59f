// Budgets: sizes a trainer on one machine can hold and finish, checked before any code is
// generated or memory allocated. The messages carry the estimate and name the layer.
import { NetcError } from '../diagnostics.js';
import type { NetworkInfo } from './index.js';
import type { Locator } from '../resolve/index.js';

const GiB = 1024 ** 3;
/** Memory for parameters, gradients, momentum, activations and their gradients. */
export const MEMORY_BUDGET_BYTES = 8 * GiB;
/** The longest typed array a trainer allocates (V8 refuses longer ones). */
export const MAX_BUFFER_ELEMENTS = 2 ** 31 - 1;
/** Training work beyond this (about a year at 30 GFLOP/s) is a mistake, not a plan. */
export const MAX_TRAINING_FLOPS = 1e18;

const BYTES_PER_FLOAT = 4;

export function checkBudgets(network: NetworkInfo, locate: Locator): void {
  const { config } = network;
  const batch = config.train.batch_size;
  const refuse = (path: (string | number)[], message: string, hint: string): never => {
    throw new NetcError([{ ...locate(path), message, hint }]);
  };
  for (const info of network.layers) {
    const elements = info.output.height * info.output.width * info.output.channels * batch;
    if (elements > MAX_BUFFER_ELEMENTS) {
      refuse(['layers', info.index], `${info.layer.name}: its output at batch ${batch} holds ${elements.toExponential(2)} values, more than one array can (${MAX_BUFFER_ELEMENTS})`, 'use fewer filters or a smaller batch');
    }
    if (info.params > MAX_BUFFER_ELEMENTS) {
      refuse(['layers', info.index], `${info.layer.name}: ${info.params.toExponential(2)} parameters, more than one array can hold`, 'use fewer units or filters');
    }
  }
  const paramBytes = 3 * network.params * BYTES_PER_FLOAT;
  const activationBytes = 2 * network.activations * batch * BYTES_PER_FLOAT;
  if (paramBytes + activationBytes > MEMORY_BUDGET_BYTES) {
    const largest = [...network.layers].sort((a, b) => b.params + outputs(b) * batch - (a.params + outputs(a) * batch))[0]!;
    refuse(
      ['layers', largest.index],
      `the network needs about ${gib(paramBytes + activationBytes)} GiB (parameters ${gib(paramBytes)}, activations at batch ${batch} ${gib(activationBytes)}); the budget is ${gib(MEMORY_BUDGET_BYTES)} GiB. The largest layer is ${largest.layer.name}`,
      'use fewer filters or units, downsample earlier, or a smaller batch',
    );
  }
  const work = network.flops.training * batch * config.train.iterations;
  if (work > MAX_TRAINING_FLOPS) {
    refuse(['train', 'iterations'], `training would take about ${work.toExponential(2)} floating-point operations, years on one machine`, 'use fewer iterations or a smaller network');
  }
}

function outputs(info: NetworkInfo['layers'][number]): number {
  return info.output.height * info.output.width * info.output.channels;
}

function gib(bytes: number): string {
  return (bytes / GiB).toFixed(bytes < GiB ? 2 : 1);
}
