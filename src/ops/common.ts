// Pieces several ops share: option schemas, window arithmetic, initialisation rules.
import type { Shape } from '../infer/shape.js';
import type { InferContext, JsonSchema, ParamInit } from './types.js';

/** `init:` of layers with weights (its schema lives in the base schema's $defs). */
export const INIT_OPTION: JsonSchema = { $ref: '#/$defs/init' };

export interface InitOptions {
  /** Factor on He initialisation: weights ~ N(0,1)·sqrt(2/fan_in)·scale. */
  readonly scale: number;
  /** Constant initial bias. */
  readonly bias: number;
  /** Filters that pass their input channel through (conv only). */
  readonly identity: boolean;
  /** Filters that whiten the input's patches, computed from the training images (conv only). */
  readonly whiten: boolean;
}

/** `trainable:` of layers with parameters. */
export const TRAINABLE_OPTION = { description: 'Whether the layer\'s parameters are trained; false keeps them as initialised (frozen).', type: 'boolean', default: true } as const;

/** How weights with `fanIn` inputs per output start. */
export function weightInit(init: InitOptions, fanIn: number): ParamInit {
  const std = init.scale * Math.sqrt(2 / fanIn);
  if (init.whiten) return { kind: 'whiten' };
  return init.identity ? { kind: 'identity', std } : { kind: 'normal', std };
}

/** How many windows of `size` fit in `extent` stepping by `stride` (0 when none does). */
export function windows(extent: number, size: number, stride: number): number {
  return extent < size ? 0 : Math.floor((extent - size) / stride) + 1;
}

/**
 * The output shape of a size×size window sliding with `stride` over `input` bordered by
 * `padding`, or a located error naming the layer and where its input came from.
 */
export function windowedShape(input: Shape, size: number, stride: number, padding: number, channels: number, what: string, ctx: InferContext, name: string): Shape {
  const height = windows(input.height + 2 * padding, size, stride);
  const width = windows(input.width + 2 * padding, size, stride);
  if (height < 1 || width < 1) {
    const smaller = Math.min(input.height, input.width);
    const needed = Math.ceil((size - smaller) / 2);
    const pad = padding > 0 || what === 'kernel' ? ` with padding ${padding}` : '';
    ctx.fail(
      'size',
      `${name}: a ${size}×${size} ${what} does not fit its ${input.height}×${input.width} input${pad}; the input is ${ctx.from(0)}`,
      what === 'kernel' ? `use size ≤ ${smaller + 2 * padding}, padding ≥ ${needed}, or downsample less before ${name}` : `use size ≤ ${smaller}, or remove ${name}`,
    );
  }
  return { height, width, channels };
}

/** "3×3" and ", stride 2" where it is not the default. */
export function windowText(size: number, stride: number, defaultStride: number): string {
  return `${size}×${size}${stride !== defaultStride ? `, stride ${stride}` : ''}`;
}

export function elements(shape: Shape): number {
  return shape.height * shape.width * shape.channels;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.height === b.height && a.width === b.width && a.channels === b.channels;
}
