// What an op's tests.ts gives the test suite (test/ops.ts reads them from every folder of
// the op table): small networks that use the op — the gradient check, the backend
// comparison and the oracle run on each — and the op in TensorFlow.js, the independent
// implementation the oracle check compares with, where TensorFlow.js has it.
// Test-only: tests.ts files import TensorFlow.js types, and are left out of the build.
import type * as tfjs from '@tensorflow/tfjs';
import type { Layer } from './types.js';

/** A network in config form (input, blocks, layers); its dataset follows from its input. */
export interface TestNet {
  /** Default: MNIST's 28×28×1. A 3-channel input trains on CIFAR-10's 32×32×3. */
  readonly input?: { readonly height: number; readonly width: number; readonly channels: number };
  readonly blocks?: Readonly<Record<string, unknown>>;
  readonly layers: readonly unknown[];
  /** Default 4: small, so that the float64 gradient check is quick. */
  readonly batch?: number;
}

export interface OracleContext {
  readonly tf: typeof tfjs;
  /** Training (batch statistics, dropout) or evaluation. */
  readonly training: boolean;
  /** The dropout masks netc used, as the oracle must apply the same ones. */
  readonly seed: number;
  readonly step: number;
}

export interface OpTests {
  readonly nets: Readonly<Record<string, TestNet>>;
  /**
   * The layer in TensorFlow.js: its output from its inputs (NHWC tensors) and its
   * parameters (tensors in netc's canonical shapes, e.g. conv weights [co][ci][k][k];
   * the oracle differentiates with respect to them).
   */
  readonly oracle?: (layer: Layer, inputs: readonly tfjs.Tensor4D[], params: Readonly<Record<string, tfjs.Tensor>>, ctx: OracleContext) => tfjs.Tensor4D;
}
