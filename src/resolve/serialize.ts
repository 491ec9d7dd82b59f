// A resolved config back as YAML: every option explicit, in the config's own vocabulary,
// so it can be read by people and compiled again.
import { stringify } from 'yaml';
import type { Layer, ResolvedConfig } from './types.js';

export function toConfigData(config: ResolvedConfig): Record<string, unknown> {
  return {
    name: config.name,
    description: config.description,
    input: config.input,
    layers: config.layers.map(layerItem),
    loss: config.loss,
    data: config.data,
    train: config.train,
    report: config.report,
  };
}

function layerItem(layer: Layer): Record<string, unknown> {
  const { type, ...options } = layer;
  return { [type]: options };
}

export function toConfigYaml(config: ResolvedConfig): string {
  return stringify(toConfigData(config), { lineWidth: 0 });
}
