// The datasets netc knows: image shape, classes and their names. Shared by the compiler
// (to check a config against its dataset) and the generated trainers (to label reports).

export interface DatasetInfo {
  readonly name: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classNames: readonly string[];
  /** Images in the training set (before data.validation holds some out). */
  readonly trainImages: number;
}

export const DATASETS = {
  mnist: {
    name: 'mnist',
    height: 28,
    width: 28,
    channels: 1,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainImages: 60000,
  },
  cifar10: {
    name: 'cifar10',
    height: 32,
    width: 32,
    channels: 3,
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    trainImages: 50000,
  },
} as const satisfies Record<string, DatasetInfo>;

export type DatasetName = keyof typeof DATASETS;
