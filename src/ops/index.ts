// The op table: every layer type netc knows, one line each. An op's folder holds all of
// it (see src/ops/types.ts and the README's "Adding a layer type"); everything else — the
// schema, the option docs, error hints, summary, diff, lowering, the backends and the
// tests — reads this list.
import type { OnnxForm } from '../export/onnx.js';
import type { PytorchForm } from '../emit/pytorch/form.js';
import type { TsKernels } from '../emit/ts/plan.js';
import type { WasmKernels } from '../emit/wasm/plan.js';
import { add } from './add/index.js';
import { avgpool } from './avgpool/index.js';
import { batchnorm } from './batchnorm/index.js';
import { concat } from './concat/index.js';
import { conv } from './conv/index.js';
import { dense } from './dense/index.js';
import { dropout } from './dropout/index.js';
import { gelu } from './gelu/index.js';
import { globalavgpool } from './globalavgpool/index.js';
import { leaky_relu } from './leaky_relu/index.js';
import { maxpool } from './maxpool/index.js';
import { pad } from './pad/index.js';
import { relu } from './relu/index.js';
import { scale } from './scale/index.js';
import { sigmoid } from './sigmoid/index.js';
import { tanh } from './tanh/index.js';
import type { OpDefinition } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds ops of every option type
export interface Op extends OpDefinition<any> {
  readonly kernels: { readonly ts: TsKernels; readonly wasm: WasmKernels };
  /** The op in ONNX, for `netc export --onnx`. */
  readonly onnx: OnnxForm;
  /** The op in PyTorch, for `netc compile --target pytorch`. */
  readonly pytorch: PytorchForm;
}

export const OPS: readonly Op[] = [
  conv,
  dense,
  relu,
  maxpool,
  add,
  batchnorm,
  leaky_relu,
  gelu,
  tanh,
  sigmoid,
  dropout,
  avgpool,
  globalavgpool,
  concat,
  pad,
  scale,
];

const byType = new Map(OPS.map((op) => [op.type, op]));

export function opOf(type: string): Op | undefined {
  return byType.get(type);
}

export const OP_TYPES: readonly string[] = OPS.map((op) => op.type);
