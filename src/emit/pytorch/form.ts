// What an op's PyTorch form (src/ops/<type>/pytorch.ts) gives the PyTorch backend: the
// submodule that computes the layer, where netc's parameters live in it, and any class of
// netc's own that it needs (defined once at the top of model.py).
import type { Shape } from '../../infer/shape.js';
import type { Layer } from '../../ops/types.js';

export interface PytorchContext {
  readonly layer: Layer;
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
}

export interface PytorchLayer {
  /** The submodule, as a constructor call: `nn.Conv2d(1, 16, 5, padding=2)`. Called with the layer's inputs. */
  readonly module: string;
  /** netc's parameter and state suffixes → the submodule's tensors: { w: 'weight', b: 'bias' }. */
  readonly tensors?: Readonly<Record<string, string>>;
  /** Python classes the module needs, by name → source (the same name, the same source, wherever used). */
  readonly classes?: Readonly<Record<string, string>>;
}

export type PytorchForm = (ctx: PytorchContext) => PytorchLayer;

/** Python's literal of a number: integers as such, floats with enough digits to round-trip. */
export function pyNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(value).replace(/e\+?/, 'e');
}

/** Python's literal of a boolean. */
export function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}
