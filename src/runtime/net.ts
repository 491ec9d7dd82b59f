// What a generated model module provides to the training loop.

export type FloatArray = Float32Array | Float64Array;

export interface TrainableNet {
  /** All parameters in one allocation, carved into named views (see ModelInfo.params). */
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly momentum: FloatArray;
  /** The batch's class labels, written by the caller. */
  readonly labels: Uint8Array;
  /** The predicted class of each sample, written by loss(). */
  readonly predictions: Uint8Array;
  /** Copy one image into batch slot `slot`, scaled and with `mean[c]` subtracted. */
  setImage(slot: number, pixels: Uint8Array, offset: number, mean: Float64Array): void;
  forward(n: number): void;
  /** Mean cross-entropy over the first n samples; also sets predictions and dL/dlogits. */
  loss(n: number): number;
  backward(n: number): void;
  step(learningRate: number): void;
  /** wd/2 · Σ w² over all parameters. */
  weightDecayLoss(): number;
  init(normal: () => number): void;
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
}

export interface ModelInfo {
  readonly name: string;
  readonly batch: number;
  readonly classes: number;
  readonly paramCount: number;
  readonly input: { readonly height: number; readonly width: number; readonly channels: number };
  readonly layers: readonly LayerSummary[];
  readonly params: readonly ParamSummary[];
}
