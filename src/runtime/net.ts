// What a generated model module provides to the training loop.

export type FloatArray = Float32Array | Float64Array;

/** A training image shifted by (dx, dy) pixels and maybe mirrored (data augmentation). */
export interface Augmentation {
  readonly dx: number;
  readonly dy: number;
  readonly flip: boolean;
}

/** What every kernel is told about the pass it is part of. */
export interface StepContext {
  /** Training (batch statistics, dropout) or evaluation (running statistics, no dropout). */
  readonly training: boolean;
  /** Index in the whole batch of this thread's first sample (batch-norm groups, dropout masks). */
  readonly first: number;
  /** The iteration being trained, and the run's seed (dropout masks). */
  readonly step: number;
  readonly seed: number;
}

/** What the training loop needs of a network, whether one Net or several in parallel. */
export interface Trainable {
  /** All parameters in one allocation, carved into named views (see ModelInfo.params). */
  readonly params: FloatArray;
  /** Non-trained state kept with the weights (batch norm's running statistics). */
  readonly state: FloatArray;
  /**
   * What a checkpoint keeps, by name: params and state, the optimiser's (momentum, and
   * Adam's variance) and the weights' moving average (average, averageState) where used.
   */
  readonly tensors: Readonly<Record<string, FloatArray>>;
  /** The batch's gradients (after computeGradients), one per parameter. */
  readonly grads: FloatArray;
  /** The batch's class labels, written by the caller. */
  readonly labels: Uint8Array;
  /** The predicted class of each sample, written by computeGradients() and evaluate(). */
  readonly predictions: Uint8Array;
  /** [batch][classes]: each sample's softmax, written with the predictions. */
  readonly probabilities: FloatArray;
  /** Copy one image into batch slot `slot`, scaled, `mean[c]` subtracted, maybe augmented. */
  setImage(slot: number, pixels: Uint8Array, offset: number, mean: Float64Array, augment?: Augmentation): void;
  /** Forward, loss and backward over the first n samples of iteration `step` of a run seeded with `seed`: their mean loss. */
  computeGradients(n: number, step: number, seed?: number): number;
  /** Forward (evaluation mode) and loss over the first n samples: their mean loss. */
  evaluate(n: number): number;
  /** The optimiser's update from the gradients, at iteration `iteration` (1, 2, …); then running statistics and the moving average. */
  step(learningRate: number, iteration: number): void;
  /**
   * Evaluate with the weights' moving average (train.ema) or with the weights: swaps them
   * in place. A no-op without a moving average.
   */
  useAverage(on: boolean): void;
  /** wd/2 · Σ w² over the decayed parameters. */
  weightDecayLoss(): number;
  init(normal: () => number): void;
  /** Release threads, if any. */
  close(): Promise<void>;
}

/**
 * A generated Net class. `allocate(regions)` makes memory for several Nets — the parameters
 * once, and one region (gradients, input, activations, labels, predictions; model.chunk
 * samples) a Net — that can be posted to worker threads; `new Net(shared, r)` is region r's
 * Net over it. `new Net()` allocates a private Net.
 */
export interface NetClass<Shared = unknown> {
  new (shared?: Shared, region?: number): TrainableNet;
  allocate(regions: number): Shared;
}

/** One generated network, with its kernels' entry points. */
export interface TrainableNet extends Trainable {
  readonly input: FloatArray;
  /** Sample s's logits are logits[s · logitStride + k] (after forward or evaluate). */
  readonly logits: FloatArray;
  readonly logitStride: number;
  /**
   * Bring parameter-derived data up to date (packed weights); once per step, before any
   * thread's forward. With training false, only what the forward pass reads.
   */
  prepare(training?: boolean): void;
  forward(n: number, ctx: StepContext): void;
  /**
   * Mean cross-entropy over the first n samples; writes predictions and dL/dlogits for a
   * batch of `total` samples (the mean is over the whole batch when it is split).
   */
  loss(n: number, total?: number): number;
  backward(n: number, ctx: StepContext): void;
  /**
   * Where a backend has it (WebAssembly): adds the gradients of the regions after this one,
   * up to `regions` in all, into this one's, region by region.
   */
  sumGradients?(regions: number): void;
}

export interface LayerSummary {
  readonly name: string;
  readonly type: string;
  /** [height, width, channels] */
  readonly outputShape: readonly number[];
  readonly params: number;
}

export interface ParamSummary {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
  /** Parameters only: false where frozen (their gradients are not computed, or not used). */
  readonly trainable?: boolean;
}

export interface ModelInfo {
  readonly name: string;
  readonly dtype: 'float32' | 'float64';
  readonly batch: number;
  /** Samples one Net holds (its share of a batch is worked through this many at a time). */
  readonly chunk: number;
  readonly classes: number;
  readonly paramCount: number;
  /** Values of non-trained state (batch norm's running statistics). */
  readonly stateCount: number;
  /** Elements of the input buffer (the batch, with the zero border the first layer reads). */
  readonly inputLength: number;
  readonly input: { readonly height: number; readonly width: number; readonly channels: number };
  /** Threads split a batch in whole groups of this many samples. */
  readonly splitUnit: number;
  readonly layers: readonly LayerSummary[];
  readonly params: readonly ParamSummary[];
  readonly state: readonly ParamSummary[];
  /** Weights that start as whitening filters computed from the training images (runtime/whiten.ts). */
  readonly whiten: readonly { readonly offset: number; readonly filters: number; readonly channels: number; readonly size: number }[];
}
