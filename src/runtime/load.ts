// Loading a dataset by name from where the config or the user says it is.
import { loadCifar10 } from './cifar.js';
import { loadIdxFolder } from './idx.js';
import type { Dataset } from './images.js';
import { loadMnist } from './mnist.js';

/** The datasets a trainer reads. An image folder reaches it decoded by netc, as IDX files. */
export type DatasetKind = 'mnist' | 'cifar10' | 'idx' | 'folder';

export function loadDataset(name: DatasetKind, path: string | undefined): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist(path);
    case 'cifar10':
      return loadCifar10(path);
    case 'idx':
    case 'folder':
      return loadIdxFolder(path);
  }
}
