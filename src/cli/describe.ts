import type { Layer } from '../resolve/index.js';

/** A layer's options in a few words: "5×5, 16 filters, pad 2". */
export function describeLayer(layer: Layer): string {
  switch (layer.type) {
    case 'conv':
      return `${layer.size}×${layer.size}, ${layer.filters} filters${layer.stride !== 1 ? `, stride ${layer.stride}` : ''}${layer.padding ? `, pad ${layer.padding}` : ''}`;
    case 'maxpool':
      return `${layer.size}×${layer.size}${layer.stride !== layer.size ? `, stride ${layer.stride}` : ''}`;
    case 'dense':
      return `${layer.units} units`;
    case 'relu':
      return '';
  }
}
