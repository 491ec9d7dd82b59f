// IDX files (MNIST's format, also Fashion-MNIST's, KMNIST's and EMNIST's, and the form netc
// caches decoded image folders in): big-endian magic and dimensions, then unsigned bytes.
// A pair of image and label files per split, plain or gzipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError, type Dataset, type ImageSet } from './images.js';

/** Unsigned bytes (0x08), with the number of dimensions in the low byte. */
const UBYTE = 0x0800;

/** Class names, one a line, beside the IDX files (optional: else the labels' numbers). */
export const CLASSES_FILE = 'classes.txt';

/** An IDX file of unsigned bytes with `rank` dimensions (or one of `ranks`). */
export function readIdx(file: string, ranks: readonly number[], hint = 'pass the folder holding the IDX files with --data DIR'): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, hint);
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError(file, `is not a readable .gz file: ${(error as Error).message}`, 'it may be truncated; download it again');
    }
  }
  const rank = bytes.length >= 4 ? bytes.readUInt32BE(0) - UBYTE : -1;
  const expectedMagic = `0x${(UBYTE + ranks[0]!).toString(16).padStart(8, '0')}`;
  if (!ranks.includes(rank)) {
    const found = bytes.length >= 4 ? `0x${bytes.readUInt32BE(0).toString(16).padStart(8, '0')}` : 'none';
    throw new DataError(file, `is not an IDX file of ${ranks[0] === 1 ? 'labels' : 'images'}: magic number ${found}, expected ${expectedMagic}`);
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new DataError(file, `is ${bytes.length} bytes, shorter than its ${header}-byte IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw new DataError(file, `is ${bytes.length} bytes; its header (${dims.join('×')}) needs exactly ${expected}${bytes.length < expected ? ' (truncated?)' : ''}`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, expected - header) };
}

/** Images (count × height × width, or × channels last) and their labels, as channel-planar bytes. */
export function readIdxSet(imagesFile: string, labelsFile: string, classes?: number, hint?: string): ImageSet {
  const images = readIdx(imagesFile, [3, 4], hint);
  const labels = readIdx(labelsFile, [1], hint);
  const [count, height, width, channels = 1] = images.dims as [number, number, number, number?];
  if (labels.dims[0] !== count) throw new DataError(labelsFile, `holds ${labels.dims[0]} labels for ${count} images`);
  if (classes !== undefined) {
    for (let i = 0; i < count; i++) {
      if (labels.data[i]! >= classes) throw new DataError(labelsFile, `label ${i} is ${labels.data[i]}; expected 0–${classes - 1}`);
    }
  }
  return { count, height, width, channels, images: channels === 1 ? images.data : planar(images.data, count, height * width, channels), labels: labels.data };
}

/** Channels-last (H × W × C) images as channel-planar (C × H × W). */
function planar(hwc: Uint8Array, count: number, plane: number, channels: number): Uint8Array {
  const out = new Uint8Array(hwc.length);
  for (let i = 0; i < count; i++) {
    const base = i * plane * channels;
    for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[base + c * plane + p] = hwc[base + p * channels + c]!;
  }
  return out;
}

const SPLITS = {
  trainImages: /^(.*-)?train-images(-idx[34]-ubyte)?(\.gz)?$/,
  trainLabels: /^(.*-)?train-labels(-idx1-ubyte)?(\.gz)?$/,
  testImages: /^(.*-)?(t10k|test)-images(-idx[34]-ubyte)?(\.gz)?$/,
  testLabels: /^(.*-)?(t10k|test)-labels(-idx1-ubyte)?(\.gz)?$/,
};

/**
 * A folder of IDX files: train-images, train-labels, and t10k- or test- images and labels
 * (with the usual -idx3-ubyte endings, a prefix such as emnist-balanced-, plain or .gz).
 * Class names from classes.txt when it is there, else the labels' numbers.
 */
export function loadIdxFolder(dir: string | undefined): Dataset {
  if (dir === undefined) throw new DataError('idx', 'data.dataset idx needs a folder of IDX files', 'set data.path in the config, or pass --data DIR');
  if (!existsSync(dir)) throw new DataError(dir, 'no such folder', 'data.path (or --data) names the folder holding the IDX files');
  const names = readdirSync(dir);
  if (!names.some((n) => SPLITS.trainImages.test(n)) && existsSync(join(dir, 'train'))) {
    // An image folder given to a standalone trainer: netc decodes those, the trainer reads IDX.
    throw new DataError(dir, 'is an image folder (train/, test/); this trainer reads IDX files', 'train it with `netc train CONFIG --data DIR` (which decodes the images into IDX files in its cache), or pass that cache folder with --data');
  }
  const find = (split: keyof typeof SPLITS) => {
    const found = names.filter((n) => SPLITS[split].test(n));
    if (found.length === 1) return join(dir, found[0]!);
    const what = split.replace(/[A-Z]/, (c) => ` ${c.toLowerCase()}`);
    throw new DataError(dir, found.length === 0 ? `holds no ${what} file (e.g. ${split.startsWith('test') ? 't10k' : 'train'}-${split.endsWith('Images') ? 'images-idx3' : 'labels-idx1'}-ubyte[.gz])` : `holds several ${what} files: ${found.join(', ')}`, 'keep one IDX set per folder');
  };
  const names_ = existsSync(join(dir, CLASSES_FILE)) ? readFileSync(join(dir, CLASSES_FILE), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '') : undefined;
  const train = readIdxSet(find('trainImages'), find('trainLabels'), names_?.length);
  const test = readIdxSet(find('testImages'), find('testLabels'), names_?.length);
  if (test.height !== train.height || test.width !== train.width || test.channels !== train.channels) {
    throw new DataError(dir, `the test images are ${test.height}×${test.width}×${test.channels}, the training images ${train.height}×${train.width}×${train.channels}`);
  }
  let top = 0;
  for (const set of [train, test]) for (const label of set.labels) top = Math.max(top, label);
  const classNames = names_ ?? Array.from({ length: top + 1 }, (_, k) => String(k));
  return { train, test, classNames };
}
