// Image grids: the first convolution's kernels and the misclassified test images, as SVG
// (each image an embedded PNG, each caption text) that renders to PNG and inlines in HTML.
import { escapeXml, FONT, planarToRgb, rgbToPng } from './render.js';

export interface GridCell {
  /** Interleaved RGB bytes. */
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly caption: readonly string[];
}

export interface GridOptions {
  readonly title: string;
  readonly columns: number;
  /** Each image pixel is drawn as scale × scale. */
  readonly scale: number;
}

const PAD = 10;
const LINE = 14;

export function gridSvg(cells: readonly GridCell[], options: GridOptions): string {
  const first = cells[0];
  const imageWidth = (first?.width ?? 1) * options.scale;
  const imageHeight = (first?.height ?? 1) * options.scale;
  const lines = Math.max(0, ...cells.map((c) => c.caption.length));
  const cellWidth = Math.max(imageWidth, 92) + PAD;
  const cellHeight = imageHeight + lines * LINE + PAD + 4;
  const rows = Math.ceil(cells.length / options.columns);
  const width = PAD + options.columns * cellWidth;
  const height = 34 + rows * cellHeight + PAD;
  const parts = cells.map((cell, i) => {
    const x = PAD + (i % options.columns) * cellWidth;
    const y = 34 + Math.floor(i / options.columns) * cellHeight;
    const png = rgbToPng(cell.rgb, cell.width, cell.height, options.scale).toString('base64');
    const left = x + (cellWidth - PAD - imageWidth) / 2;
    const captions = cell.caption.map(
      (text, k) => `<text x="${x + (cellWidth - PAD) / 2}" y="${y + imageHeight + 14 + k * LINE}" text-anchor="middle" font-size="11">${escapeXml(text)}</text>`,
    );
    return `<image x="${left}" y="${y}" width="${imageWidth}" height="${imageHeight}" href="data:image/png;base64,${png}"/>${captions.join('')}`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PAD}" y="22" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/**
 * The kernels of a conv layer, weights [filters][channels][size][size], one cell each,
 * normalised to the full grey or colour range per kernel (so each one's pattern shows).
 */
export function kernelCells(weights: Float32Array, filters: number, channels: number, size: number): GridCell[] {
  const per = channels * size * size;
  return Array.from({ length: filters }, (_, f) => {
    const kernel = weights.subarray(f * per, (f + 1) * per);
    let min = Infinity;
    let max = -Infinity;
    for (const w of kernel) {
      min = Math.min(min, w);
      max = Math.max(max, w);
    }
    const range = max - min || 1;
    const bytes = Uint8Array.from(kernel, (w) => Math.round((255 * (w - min)) / range));
    return { rgb: planarToRgb(bytes, size, size, channels === 3 ? 3 : 1), width: size, height: size, caption: [`${f + 1}`] };
  });
}
