// The shape table as people and machines read it (`netc summary`, run folders).
import { formatShape, type NetworkInfo } from './infer/index.js';

export interface SummaryJson {
  readonly name: string;
  readonly description: string;
  readonly input: [number, number, number];
  readonly layers: readonly {
    readonly name: string;
    readonly type: string;
    readonly output: [number, number, number];
    readonly params: number;
    readonly flops: number;
    /** The layers it reads ('input': the network's input). */
    readonly inputs: readonly string[];
    /** The block use it was expanded from, if any. */
    readonly uses?: readonly { readonly use: string; readonly block: string }[];
  }[];
  /** Whether some layer reads other than the layer before it (the summary then shows inputs). */
  readonly graph: boolean;
  readonly params: number;
  readonly flops: { readonly forward: number; readonly training: number };
  /** Floats of layer outputs per sample. */
  readonly activations: number;
}

export function summaryJson(network: NetworkInfo): SummaryJson {
  const shape = (s: { height: number; width: number; channels: number }): [number, number, number] => [s.height, s.width, s.channels];
  return {
    name: network.config.name,
    description: network.config.description,
    input: shape(network.input),
    layers: network.layers.map((l) => ({ name: l.layer.name, type: l.layer.type, output: shape(l.output), params: l.params, flops: l.flops, inputs: l.layer.inputs, ...(l.layer.uses ? { uses: l.layer.uses } : {}) })),
    graph: !isChain(network),
    params: network.params,
    flops: network.flops,
    activations: network.activations,
  };
}

/** Whether every layer reads just the layer listed before it (the first, the input). */
export function isChain(network: NetworkInfo): boolean {
  return network.layers.every((l, i) => l.layer.inputs.length === 1 && l.layer.inputs[0] === (i === 0 ? 'input' : network.layers[i - 1]!.layer.name));
}

/** A layer's inputs as the summary shows them: blank when it reads the layer just before it. */
export function inputsText(network: NetworkInfo, index: number): string {
  const inputs = network.layers[index]!.layer.inputs;
  const previous = index === 0 ? 'input' : network.layers[index - 1]!.layer.name;
  return inputs.length === 1 && inputs[0] === previous ? '' : inputs.join(', ');
}

export { formatShape };
