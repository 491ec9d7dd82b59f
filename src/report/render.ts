// Rendering: Vega-Lite specs to SVG (vega, server-side), SVG to PNG (resvg, with the
// bundled DejaVu fonts so text renders the same on every machine), pixels to PNG (pngjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const FONT = 'DejaVu Sans';

const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(fontDir, f));

export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** An SVG's width and height (from its root element), rounded: the <img> sizes of a page. */
export function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/.exec(svg);
  return { width: Math.round(Number(match?.[1] ?? 0)), height: Math.round(Number(match?.[2] ?? 0)) };
}

/** An SVG as PNG, at `scale` times its size. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** RGB pixels (row-major, 3 bytes a pixel) as a PNG, each pixel drawn as scale×scale. */
export function rgbToPng(rgb: Uint8Array, width: number, height: number, scale: number): Buffer {
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3;
      const to = (y * width * scale + x) * 4;
      png.data[to] = rgb[from]!;
      png.data[to + 1] = rgb[from + 1]!;
      png.data[to + 2] = rgb[from + 2]!;
      png.data[to + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Channel-planar bytes (C × H × W, 1 or 3 channels) as interleaved RGB. */
export function planarToRgb(planar: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const plane = width * height;
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = planar[(channels === 1 ? 0 : c) * plane + p]!;
  }
  return rgb;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
