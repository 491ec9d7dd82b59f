// The resolved config: every option explicit, defaults filled in. Option names are the
// schema's own (snake_case), so a resolved config written back as YAML is a valid config.
import type { SourcePos } from '../diagnostics.js';
import type { Path } from '../parse/index.js';

export interface InitOptions {
  /** Factor on He initialisation: weights ~ N(0,1)·sqrt(2/fan_in)·scale. */
  readonly scale: number;
  /** Constant initial bias. */
  readonly bias: number;
}

export interface ConvLayer {
  readonly type: 'conv';
  readonly name: string;
  readonly filters: number;
  readonly size: number;
  readonly stride: number;
  readonly padding: number;
  readonly init: InitOptions;
}

export interface ReluLayer {
  readonly type: 'relu';
  readonly name: string;
}

export interface MaxPoolLayer {
  readonly type: 'maxpool';
  readonly name: string;
  readonly size: number;
  readonly stride: number;
}

export interface DenseLayer {
  readonly type: 'dense';
  readonly name: string;
  readonly units: number;
  readonly init: InitOptions;
}

export type Layer = ConvLayer | ReluLayer | MaxPoolLayer | DenseLayer;
export type LayerType = Layer['type'];

export type DatasetName = 'mnist' | 'cifar10';

export interface ResolvedConfig {
  readonly name: string;
  readonly description: string;
  readonly input: { readonly height: number; readonly width: number; readonly channels: number };
  readonly layers: readonly Layer[];
  readonly loss: 'softmax_cross_entropy';
  readonly data: {
    readonly dataset: DatasetName;
    /** As written: relative to the config file. Absent: the dataset's standard location. */
    readonly path?: string;
    readonly validation: number;
    readonly pixels: '0-1' | '0-255';
    readonly mean: 'channel' | 'none';
    readonly augment: { readonly flip: boolean; readonly crop: number };
  };
  readonly train: {
    readonly iterations: number;
    readonly batch_size: number;
    readonly learning_rate: number;
    readonly schedule: 'constant' | 'cosine' | 'linear';
    readonly warmup: number;
    readonly momentum: number;
    readonly weight_decay: number;
    readonly seed: number;
    readonly threads: number | 'auto';
    readonly backend: 'wasm' | 'ts';
  };
  readonly report: {
    readonly every: number;
    readonly smoothing: number;
    readonly validation_batches: number;
  };
}

/**
 * Where a resolved option came from, by its path in the resolved config
 * (`['layers', 3, 'size']`). Missing paths fall back to their nearest ancestor.
 */
export type Locator = (path: Path) => SourcePos;

/** A resolved config with the source of each of its options. */
export interface Resolved {
  readonly config: ResolvedConfig;
  /** The config file it was resolved from, as the user named it. */
  readonly file: string;
  readonly locate: Locator;
}
