// Loading a dataset by name from where the config or the user says it is.
import { DataError, type Dataset } from './images.js';
import { loadMnist } from './mnist.js';

export function loadDataset(name: 'mnist' | 'cifar10', path: string | undefined): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist(path);
    case 'cifar10':
      throw new DataError(path ?? 'cifar10', 'CIFAR-10 is not supported yet');
  }
}
