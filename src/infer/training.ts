// The training options the schema cannot check alone: a piecewise schedule's corners,
// options that belong to another optimiser than the one chosen, and the hold-out and batch
// against the dataset's size.
import { NetcError, type Diagnostic } from '../diagnostics.js';
import type { Locator, ResolvedConfig } from '../resolve/index.js';
import { DATASETS } from '../runtime/datasets.js';

export function checkTraining(config: ResolvedConfig, locate: Locator): void {
  const { train } = config;
  const diagnostics: Diagnostic[] = [];
  const problem = (path: (string | number)[], message: string, hint?: string) => diagnostics.push({ ...locate(path), message, hint });
  if (train.schedule === 'piecewise') {
    const points = train.schedule_points;
    if (points[0]![0] !== 0 || points[points.length - 1]![0] !== 1) {
      problem(['train', 'schedule_points'], `the corners of a piecewise schedule run from fraction 0 to fraction 1 of training; found ${points[0]![0]} to ${points[points.length - 1]![0]}`, 'e.g. [[0, 0], [0.25, 1], [1, 0]]');
    }
    // Equal fractions make a step (the learning rate divided at once).
    points.forEach(([at], i) => {
      if (i > 0 && at < points[i - 1]![0]) problem(['train', 'schedule_points', i], `the corners' fractions must not fall: ${points[i - 1]![0]} then ${at}`);
    });
    if (train.warmup > 0) problem(['train', 'warmup'], 'a piecewise schedule has no separate warm-up', 'rise from 0 in schedule_points instead, and set warmup: 0');
  }
  if (train.nesterov && train.optimizer !== 'sgd') problem(['train', 'nesterov'], `nesterov is an option of sgd; the optimizer is ${train.optimizer}`, 'remove nesterov, or use optimizer: sgd');
  // Users' own data is counted when it is read (the trainer checks the hold-out then).
  if (config.data.dataset === 'idx' || config.data.dataset === 'folder') {
    if (diagnostics.length > 0) throw new NetcError(diagnostics);
    return;
  }
  const { name, trainImages } = DATASETS[config.data.dataset];
  const left = trainImages - config.data.validation;
  if (left < 1) {
    problem(['data', 'validation'], `data.validation holds out ${config.data.validation} images, but ${name}'s training set has only ${trainImages}`, `hold out fewer, e.g. validation: ${Math.round(trainImages / 10)}`);
  } else if (train.batch_size > left) {
    problem(['train', 'batch_size'], `train.batch_size is ${train.batch_size}, more than the ${left} training images (${name}'s ${trainImages}${config.data.validation ? ` less ${config.data.validation} held out` : ''}): a batch would hold some twice`, `at most ${left}`);
  }
  if (diagnostics.length > 0) throw new NetcError(diagnostics);
}
