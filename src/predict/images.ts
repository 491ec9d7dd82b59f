// Users' images for `netc predict`: PNG or JPEG, decoded (pngjs, jpeg-js), checked against
// the network's input, and laid out as the trainers hold images (C × H × W bytes).
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../runtime/images.js';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, RGBA. */
  readonly rgba: Uint8Array;
}

/** The image files netc reads: PNG and JPEG. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg']);

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

export function decodeImage(file: string): DecodedImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const starts = (magic: number[]) => magic.every((b, i) => bytes[i] === b);
  try {
    if (starts(PNG_MAGIC)) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    if (starts(JPEG_MAGIC)) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: image.width, height: image.height, rgba: image.data };
    }
  } catch (error) {
    throw new DataError(file, `cannot be decoded: ${(error as Error).message}`, 'the file may be truncated or damaged');
  }
  throw new DataError(file, 'is not a PNG or JPEG image (its first bytes say neither)', 'convert it to PNG or JPEG');
}

export interface InputShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * The image as the network's input: channel-planar bytes. A colour image for a grayscale
 * network is refused (unless all its pixels are gray); a grayscale one for a colour network
 * is repeated in each channel. Another size is refused, or resized (bilinear) when asked.
 */
export function toInput(file: string, image: DecodedImage, input: InputShape, options: { resize?: boolean } = {}): Uint8Array {
  let source = image;
  if (image.width !== input.width || image.height !== input.height) {
    if (!options.resize) {
      throw new DataError(file, `is ${image.width}×${image.height} pixels; the network takes ${input.width}×${input.height}`, `resize it, or pass --resize to scale it to ${input.width}×${input.height}`);
    }
    source = resizeBilinear(image, input.width, input.height);
  }
  const plane = input.width * input.height;
  const out = new Uint8Array(plane * input.channels);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [source.rgba[p * 4]!, source.rgba[p * 4 + 1]!, source.rgba[p * 4 + 2]!];
    if (input.channels === 1) {
      if (r !== g || g !== b) throw new DataError(file, 'is a colour image; the network takes grayscale images (1 channel)', 'convert it to grayscale');
      out[p] = r;
    } else {
      out[p] = r;
      out[plane + p] = g;
      out[2 * plane + p] = b;
    }
  }
  return out;
}

/** Bilinear resampling (pixel centres aligned), RGBA in and out. */
export function resizeBilinear(image: DecodedImage, width: number, height: number): DecodedImage {
  const rgba = new Uint8Array(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      for (let c = 0; c < 4; c++) {
        const at = (xx: number, yy: number) => image.rgba[(yy * image.width + xx) * 4 + c]!;
        const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * (fx - x0);
        const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * (fx - x0);
        rgba[(y * width + x) * 4 + c] = Math.round(top + (bottom - top) * (fy - y0));
      }
    }
  }
  return { width, height, rgba };
}
