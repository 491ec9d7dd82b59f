// CIFAR-10 from the official binary format, unpacked: cifar-10-batches-bin/ with five
// training batches and a test batch of 10000 records, each 1 label byte and 3072 pixel
// bytes (1024 red, 1024 green, 1024 blue; each plane 32×32, row-major).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type Dataset, type ImageSet } from './images.js';

export const CIFAR_FOLDER = 'cifar-10-batches-bin';
export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_TEST_FILE = 'test_batch.bin';
const SIDE = 32;
const CHANNELS = 3;
const PIXELS = SIDE * SIDE * CHANNELS;
const RECORD = 1 + PIXELS;
const RECORDS_PER_FILE = 10000;
const CLASSES = 10;

const HOW_TO_PROVIDE = `pass the folder holding ${CIFAR_FOLDER}/ (or the cifar-10-binary.tar.gz archive, with netc) using --data`;

/** Whether `dir` holds any of the batch files: then it is the batches folder, and a missing one is named. */
export function holdsCifarBatches(dir: string): boolean {
  return [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].some((file) => existsSync(join(dir, file)));
}

/** The folder holding the batch files: `dir` itself, or its cifar-10-batches-bin/. */
export function cifarBatchesDir(dir: string): string {
  return holdsCifarBatches(dir) ? dir : join(dir, CIFAR_FOLDER);
}

export function loadCifar10(dir: string | undefined): Dataset {
  if (dir === undefined) throw new DataError('cifar10', 'no location for the CIFAR-10 files was given', HOW_TO_PROVIDE);
  const batches = cifarBatchesDir(dir);
  if (!existsSync(batches) || !statSync(batches).isDirectory()) {
    throw new DataError(dir, `holds neither ${CIFAR_TEST_FILE} nor a ${CIFAR_FOLDER}/ folder`, HOW_TO_PROVIDE);
  }
  return {
    train: readBatches(CIFAR_TRAIN_FILES.map((f) => join(batches, f))),
    test: readBatches([join(batches, CIFAR_TEST_FILE)]),
  };
}

function readBatches(files: string[]): ImageSet {
  const count = files.length * RECORDS_PER_FILE;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  files.forEach((file, f) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new DataError(file, 'is missing from the CIFAR-10 folder, which should hold data_batch_1.bin … data_batch_5.bin and test_batch.bin', 'unpack cifar-10-binary.tar.gz again (or pass the archive itself with --data)');
      throw new DataError(file, `cannot read (${code})`, HOW_TO_PROVIDE);
    }
    if (bytes.length !== RECORDS_PER_FILE * RECORD) {
      throw new DataError(
        file,
        `is ${bytes.length} bytes; a CIFAR-10 batch is exactly ${RECORDS_PER_FILE * RECORD} (${RECORDS_PER_FILE} records of ${RECORD} bytes)${bytes.length < RECORDS_PER_FILE * RECORD ? ' — truncated?' : ''}`,
      );
    }
    for (let r = 0; r < RECORDS_PER_FILE; r++) {
      const label = bytes[r * RECORD]!;
      if (label >= CLASSES) throw new DataError(file, `record ${r} has label ${label}; expected 0–${CLASSES - 1}`);
      const index = f * RECORDS_PER_FILE + r;
      labels[index] = label;
      images.set(bytes.subarray(r * RECORD + 1, (r + 1) * RECORD), index * PIXELS);
    }
  });
  return { count, height: SIDE, width: SIDE, channels: CHANNELS, images, labels };
}
