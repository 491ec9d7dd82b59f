// Loading a dataset by name from where the config or the user says it is.
import { loadCifar10 } from './cifar.js';
import type { Dataset } from './images.js';
import { loadMnist } from './mnist.js';

export function loadDataset(name: 'mnist' | 'cifar10', path: string | undefined): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist(path);
    case 'cifar10':
      return loadCifar10(path);
  }
}
