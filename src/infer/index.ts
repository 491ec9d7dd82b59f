// infer: the shape of every layer's output, its parameters and its FLOPs, computed once as
// a table that summary, lowering, diff and tests all read. Impossible shapes are located
// errors naming the layer and where its input came from.
import { NetcError, type Diagnostic } from '../diagnostics.js';
import type { Path } from '../parse/index.js';
import type { Layer, Resolved, ResolvedConfig } from '../resolve/index.js';
import { DATASETS } from '../runtime/datasets.js';
import { checkBudgets } from './budgets.js';
import { formatShape, type Shape } from './shape.js';

export { formatShape, type Shape } from './shape.js';

export interface LayerInfo {
  readonly index: number;
  readonly layer: Layer;
  readonly input: Shape;
  readonly output: Shape;
  readonly weights: number;
  readonly biases: number;
  readonly params: number;
  /** Inputs each output sums over (the He-initialisation fan-in); 0 without weights. */
  readonly fanIn: number;
  /** Forward floating-point operations per sample, counted as 2 per multiply-add. */
  readonly flops: number;
}

export interface NetworkInfo {
  readonly config: ResolvedConfig;
  readonly input: Shape;
  readonly classes: number;
  readonly layers: readonly LayerInfo[];
  readonly params: number;
  /** Per sample: forward, and a training step (forward + two backward products ≈ 3×). */
  readonly flops: { readonly forward: number; readonly training: number };
  /** Floats of all layer outputs for one sample (activation memory). */
  readonly activations: number;
}

export function infer(resolved: Resolved): NetworkInfo {
  const { config, locate } = resolved;
  const dataset = DATASETS[config.data.dataset];
  const input: Shape = { ...config.input };
  const fail = (path: Path, message: string, hint?: string): never => {
    throw new NetcError([{ ...locate(path), message, hint } satisfies Diagnostic]);
  };
  if (input.height !== dataset.height || input.width !== dataset.width || input.channels !== dataset.channels) {
    fail(
      ['input'],
      `the input is ${formatShape(input)} but ${dataset.name} images are ${formatShape(dataset)}`,
      `set input to { height: ${dataset.height}, width: ${dataset.width}, channels: ${dataset.channels} }`,
    );
  }
  const layers: LayerInfo[] = [];
  let shape = input;
  config.layers.forEach((layer, index) => {
    const from = index === 0 ? 'the network input' : `the output of ${config.layers[index - 1]!.name}`;
    const info = inferLayer(layer, index, shape, from, fail);
    layers.push(info);
    shape = info.output;
  });
  const classes = dataset.classNames.length;
  const last = layers[layers.length - 1]!;
  if (last.output.height !== 1 || last.output.width !== 1 || last.output.channels !== classes) {
    const size = last.output.height * last.output.width * last.output.channels;
    fail(
      last.layer.type === 'dense' ? ['layers', last.index, 'units'] : ['layers', last.index],
      `the last layer, ${last.layer.name}, outputs ${formatShape(last.output)} = ${size} values; ${config.loss} needs ${classes}, one per class of ${dataset.name}`,
      last.layer.type === 'dense' ? `set units: ${classes}` : `end the network with \`- dense: {units: ${classes}}\``,
    );
  }
  const sum = (values: number[]): number => {
    const total = values.reduce((t, v) => t + v, 0);
    return Number.isSafeInteger(total) ? total : fail(['layers'], `the network's sizes overflow exact arithmetic (${total}); it is far too large`);
  };
  const params = sum(layers.map((l) => l.params));
  const forward = sum(layers.map((l) => l.flops));
  const activations = sum(layers.map((l) => l.output.height * l.output.width * l.output.channels));
  const network: NetworkInfo = { config, input, classes, layers, params, flops: { forward, training: 3 * forward }, activations };
  checkBudgets(network, locate);
  return network;
}

type Fail = (path: Path, message: string, hint?: string) => never;

function inferLayer(layer: Layer, index: number, input: Shape, from: string, fail: Fail): LayerInfo {
  const base = { index, layer, input };
  const name = layer.name;
  // Sizes stay exact integers, so an absurd config is refused rather than rounded.
  const checked = (value: number): number =>
    Number.isSafeInteger(value) ? value : fail(['layers', index], `${name}: its sizes overflow exact arithmetic (${value}); the layer is far too large`);
  switch (layer.type) {
    case 'conv': {
      const { size, stride, padding, filters } = layer;
      if (padding >= size) {
        fail(['layers', index, 'padding'], `${name}: padding ${padding} is not smaller than the kernel size ${size}; the extra rows and columns would see only zeros`, `use padding ≤ ${size - 1}`);
      }
      const height = windows(input.height + 2 * padding, size, stride);
      const width = windows(input.width + 2 * padding, size, stride);
      if (height < 1 || width < 1) {
        const needed = Math.ceil((size - Math.min(input.height, input.width)) / 2);
        fail(
          ['layers', index, 'size'],
          `${name}: a ${size}×${size} kernel does not fit its ${input.height}×${input.width} input with padding ${padding}; the input is ${from} (${formatShape(input)})`,
          `use size ≤ ${Math.min(input.height, input.width) + 2 * padding}, padding ≥ ${needed}, or downsample less before ${name}`,
        );
      }
      const fanIn = checked(size * size * input.channels);
      const weights = checked(fanIn * filters);
      const output = { height, width, channels: filters };
      const outputs = checked(height * width * filters);
      return { ...base, output, weights, biases: filters, params: weights + filters, fanIn, flops: checked(2 * outputs * fanIn) };
    }
    case 'maxpool': {
      const { size, stride } = layer;
      const height = windows(input.height, size, stride);
      const width = windows(input.width, size, stride);
      if (height < 1 || width < 1) {
        fail(
          ['layers', index, 'size'],
          `${name}: a ${size}×${size} pooling window does not fit its ${input.height}×${input.width} input; the input is ${from} (${formatShape(input)})`,
          `use size ≤ ${Math.min(input.height, input.width)}, or remove ${name}`,
        );
      }
      return { ...base, output: { height, width, channels: input.channels }, weights: 0, biases: 0, params: 0, fanIn: 0, flops: 0 };
    }
    case 'relu':
      return { ...base, output: input, weights: 0, biases: 0, params: 0, fanIn: 0, flops: 0 };
    case 'dense': {
      const fanIn = checked(input.height * input.width * input.channels);
      const weights = checked(fanIn * layer.units);
      return {
        ...base,
        output: { height: 1, width: 1, channels: layer.units },
        weights,
        biases: layer.units,
        params: checked(weights + layer.units),
        fanIn,
        flops: checked(2 * weights),
      };
    }
  }
}

/** How many windows of `size` fit in `extent` stepping by `stride` (0 when none does). */
function windows(extent: number, size: number, stride: number): number {
  return extent < size ? 0 : Math.floor((extent - size) / stride) + 1;
}
