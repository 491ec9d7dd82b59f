// The resolved config: every option explicit, defaults filled in. Option names are the
// schema's own (snake_case), so a resolved config written back as YAML is a valid config.
import type { SourcePos } from '../diagnostics.js';
import type { Path } from '../parse/index.js';

export type { Layer, BlockOrigin } from '../ops/types.js';
export type { InitOptions } from '../ops/common.js';
import type { Layer } from '../ops/types.js';

/** A top-level item of `layers` as the resolved config writes it back. */
export type LayerItem =
  /** An op layer: the resolved layer of that name (every option explicit). */
  | { readonly kind: 'layer'; readonly name: string }
  /** A use of a block, with all its parameters' values. */
  | { readonly kind: 'use'; readonly block: string; readonly name: string; readonly params: Readonly<Record<string, unknown>>; readonly inputs?: readonly string[] };

export type DatasetName = 'mnist' | 'cifar10' | 'idx' | 'folder';

export interface ResolvedConfig {
  readonly name: string;
  readonly description: string;
  readonly input: { readonly height: number; readonly width: number; readonly channels: number };
  /**
   * The network's layers, block uses expanded in place: each names the layers it reads
   * (`inputs`), so together they form the graph.
   */
  readonly layers: readonly Layer[];
  /** The blocks as written (written back by `netc resolve`, with `items`). */
  readonly blocks: Readonly<Record<string, unknown>>;
  /** The top-level items of `layers`. */
  readonly items: readonly LayerItem[];
  readonly loss: 'softmax_cross_entropy';
  readonly data: {
    readonly dataset: DatasetName;
    /** As written: relative to the config file. Absent: the dataset's standard location. */
    readonly path?: string;
    readonly validation: number;
    readonly pixels: '0-1' | '0-255';
    readonly mean: 'channel' | 'none';
    readonly augment: { readonly flip: boolean | 'alternate'; readonly crop: number; readonly test: 'none' | 'flip' | 'flip_shift' };
  };
  readonly train: {
    readonly iterations: number;
    readonly batch_size: number;
    readonly learning_rate: number;
    readonly schedule: 'constant' | 'cosine' | 'linear' | 'piecewise';
    readonly warmup: number;
    readonly schedule_points: readonly (readonly [number, number])[];
    readonly momentum: number;
    readonly optimizer: 'sgd' | 'adam' | 'adamw';
    readonly nesterov: boolean;
    readonly beta2: number;
    readonly epsilon: number;
    readonly weight_decay: number;
    readonly decay: 'all' | 'weights';
    readonly label_smoothing: number;
    readonly ema: number;
    readonly lookahead: number;
    readonly lookahead_every: number;
    readonly seed: number;
    readonly threads: number | 'auto';
    readonly backend: 'wasm' | 'ts' | 'pytorch';
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
