// The contract of a layer type (an "op"). Everything netc knows about one op lives in its
// folder, src/ops/<type>/: its options (a JSON Schema fragment with descriptions and
// defaults), its shape, parameter and FLOP rule, what its backward pass reads, and its
// kernels for each backend (Handlebars templates beside it, with the views that feed
// them). src/ops/index.ts lists the ops; the schema, the option docs, error hints,
// `summary`, `diff`, lowering, both backends and the tests all read that table.
import type { GraphOp } from '../lower/graph.js';
import type { Shape } from '../infer/shape.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

/** Which block use a layer was expanded from (`s2b1`, a use of block `basic`). */
export interface BlockOrigin {
  readonly use: string;
  readonly block: string;
}

/**
 * A resolved layer: its type, its unique name, the layers whose outputs it reads
 * ('input' is the network's input), and its options with every default filled in.
 */
export interface Layer {
  readonly type: string;
  readonly name: string;
  readonly inputs: readonly string[];
  /** The block uses it was expanded from, outermost first (none: written in `layers`). */
  readonly uses?: readonly BlockOrigin[];
  readonly [option: string]: unknown;
}

/** How a parameter tensor starts. */
export type ParamInit =
  /** N(0, 1)·std. */
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'constant'; readonly value: number }
  /**
   * Conv weights [co][ci][k][k]: filter i < min(co, ci) passes input channel i through
   * unchanged (a Dirac delta at the centre), the others are N(0, 1)·std.
   */
  | { readonly kind: 'identity'; readonly std: number }
  /** Conv weights computed from the training images' patch covariance (see runtime/whiten.ts). */
  | { readonly kind: 'whiten' };

export interface ParamSpec {
  /** The view is named <layer>_<suffix>: conv1_w, bn1_beta. */
  readonly suffix: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
  /** Weights are decayed; biases and normalisation parameters can be left out (train.decay). */
  readonly role: 'weight' | 'bias' | 'norm';
  /** Frozen parameters keep their initial values. */
  readonly trainable: boolean;
  /** Factor on the learning rate for this parameter (batch norm's lr_scale); default 1. */
  readonly lrScale?: number;
}

/** A tensor of non-trained state kept with the weights (batch norm's running statistics). */
export interface StateSpec {
  readonly suffix: string;
  readonly shape: readonly number[];
  readonly init: number;
}

export interface InferResult {
  readonly output: Shape;
  readonly params?: readonly ParamSpec[];
  readonly state?: readonly StateSpec[];
  /** Forward floating-point operations per sample, 2 per multiply-add. */
  readonly flops: number;
}

export interface InferContext {
  /** Stops with an error located at the layer's option `option` (or at the layer). */
  fail(option: string | undefined, message: string, hint?: string): never;
  /** Where input i comes from, for messages: "the output of conv2 (16×16×32)". */
  from(i: number): string;
  /** `value` if it is an exact integer; otherwise an error (the layer is absurdly large). */
  exact(value: number): number;
}

/** What an op's backward pass needs, for in-place and buffer-reuse decisions. */
export interface GradientInfo {
  /** The backward pass reads the op's inputs (conv: dw = Σ dy·x). */
  readonly readsInputs: boolean;
  /** The backward pass reads the op's output (relu: the gradient passes where y > 0). */
  readonly readsOutput: boolean;
  /**
   * The op may overwrite its input when nothing else reads it: its forward pass maps each
   * element to itself and its backward pass needs only the output.
   */
  readonly inPlace?: boolean;
  /** Its backward pass zeroes most of dL/dx (relu, maxpool): the producer can skip zeros. */
  readonly sparsifies?: boolean;
}

export interface OpDefinition<Options = Record<string, unknown>> {
  readonly type: string;
  /** What the op computes, in a sentence or two (the schema's description). */
  readonly description: string;
  /** JSON Schema of its options, `name` and `inputs` aside (every op has those). */
  readonly options: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  /** How many inputs it reads. */
  readonly arity: { readonly min: number; readonly max: number };
  /** A complete example, for messages (`- conv: {filters: 16, size: 3, padding: 1}`). */
  readonly example: string;
  /** Options whose defaults depend on other options (maxpool's stride is its size). */
  complete?(options: Record<string, unknown>): Record<string, unknown>;
  /** Output shape, parameters and FLOPs from the input shapes; impossible shapes are errors. */
  infer(layer: Layer & Options, inputs: readonly Shape[], ctx: InferContext): InferResult;
  /** Its options in a few words, for summaries: "3×3, 16→32, stride 2". */
  describe(layer: Layer & Options, inputs: readonly Shape[]): string;
  readonly gradient: GradientInfo;
  /** The zero border the op reads around its input (a conv's padding). */
  border?(layer: Layer & Options): number;
  /**
   * The zero border its output's gradient must have, in both backends: a stride-1 conv's
   * dL/dx gathers dL/dy through its flipped kernels, reading k − 1 − padding beyond its edge.
   */
  outputGradBorder?(op: GraphOp): number;
  /** Whether the batch must be split between threads in groups (batch norm's statistics). */
  group?(layer: Layer & Options): number;
}

/** A layer's options, typed by its op. */
export type LayerOf<Options> = Layer & Options;
