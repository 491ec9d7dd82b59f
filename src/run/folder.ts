// Image folders (torchvision's ImageFolder layout): train/ and test/, each with one folder of
// PNG or JPEG images per class. netc decodes them once into IDX files in its cache — keyed by
// every file's path, size and time, and the network's input — so the trainers read IDX alone
// and a second run starts at once.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { decodeImage, IMAGE_EXTENSIONS, toInput, type InputShape } from '../predict/images.js';
import { makeFolder } from '../runtime/atomic.js';
import { CLASSES_FILE } from '../runtime/idx.js';
import { DataError } from '../runtime/images.js';

const SPLITS = [
  ['train', 'train'],
  ['test', 't10k'],
] as const;

/** The images of a folder dataset, split by split: each class's files, sorted. */
function scan(root: string): { classes: string[]; files: Map<string, [file: string, label: number][]> } {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DataError(root, 'is not a folder', 'data.path (or --data) names a folder holding train/ and test/, each with one folder of images per class');
  const files = new Map<string, [string, number][]>();
  let classes: string[] | undefined;
  for (const [split] of SPLITS) {
    const dir = join(root, split);
    if (!existsSync(dir)) throw new DataError(dir, 'is missing', `an image folder dataset holds train/ and test/, each with one folder per class`);
    const found = readdirSync(dir).filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory()).sort();
    if (found.length < 2) throw new DataError(dir, `holds ${found.length} class folder${found.length === 1 ? '' : 's'}; a classifier needs at least 2`);
    if (found.length > 255) throw new DataError(dir, `holds ${found.length} class folders; at most 255`);
    if (classes && found.join('\n') !== classes.join('\n')) {
      throw new DataError(dir, `its classes (${found.join(', ')}) are not train/'s (${classes.join(', ')})`, 'train/ and test/ need the same class folders');
    }
    classes = found;
    const list: [string, number][] = [];
    found.forEach((name, label) => {
      const images = readdirSync(join(dir, name)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
      if (images.length === 0) throw new DataError(join(dir, name), 'holds no .png, .jpg or .jpeg images');
      for (const image of images) list.push([join(dir, name, image), label]);
    });
    files.set(split, list);
  }
  return { classes: classes!, files };
}

/** The IDX folder netc decoded `root` into (decoding it now if it changed since). */
export function decodeImageFolder(root: string, input: InputShape, cacheDir: string): string {
  const { classes, files } = scan(resolve(root));
  const key = createHash('sha256');
  key.update(JSON.stringify(input));
  for (const list of files.values()) {
    for (const [file, label] of list) {
      const { size, mtimeMs } = statSync(file);
      key.update(`${file}\n${size}\n${mtimeMs}\n${label}\n`);
    }
  }
  const target = join(cacheDir, 'folders', key.digest('hex').slice(0, 16));
  if (existsSync(target)) return target;
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  makeFolder(staging);
  try {
    const plane = input.height * input.width;
    for (const [split, prefix] of SPLITS) {
      const list = files.get(split)!;
      // Every image checked (decodable, its size, its channels), naming the file; stored as
      // IDX, channels last (one channel: the plain count × height × width of MNIST).
      const dims = input.channels === 1 ? [list.length, input.height, input.width] : [list.length, input.height, input.width, input.channels];
      const header = 4 + 4 * dims.length;
      const images = Buffer.alloc(header + list.length * plane * input.channels);
      images.writeUInt32BE(0x800 + dims.length, 0);
      dims.forEach((d, i) => images.writeUInt32BE(d, 4 + 4 * i));
      list.forEach(([file], i) => {
        const pixels = toInput(file, decodeImage(file), input);
        const base = header + i * plane * input.channels;
        for (let p = 0; p < plane; p++) for (let c = 0; c < input.channels; c++) images[base + p * input.channels + c] = pixels[c * plane + p]!;
      });
      writeFileSync(join(staging, `${prefix}-images-idx${dims.length}-ubyte`), images);
      const labels = Buffer.alloc(8 + list.length);
      labels.writeUInt32BE(0x801, 0);
      labels.writeUInt32BE(list.length, 4);
      list.forEach(([, label], i) => (labels[8 + i] = label));
      writeFileSync(join(staging, `${prefix}-labels-idx1-ubyte`), labels);
    }
    writeFileSync(join(staging, CLASSES_FILE), classes.join('\n') + '\n');
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(target)) return target; // decoded meanwhile by another run
    throw error;
  }
  return target;
}
