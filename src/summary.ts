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
  }[];
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
    layers: network.layers.map((l) => ({ name: l.layer.name, type: l.layer.type, output: shape(l.output), params: l.params, flops: l.flops })),
    params: network.params,
    flops: network.flops,
    activations: network.activations,
  };
}

export { formatShape };
