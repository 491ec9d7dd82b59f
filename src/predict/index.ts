// predict: a trained run's network on the user's images. The run folder holds everything:
// its trainer (the network's code), its trained weights and the preparation of its inputs
// (pixel scale, channel means, test-time augmentation), so predictions are made exactly as
// the run's test set was measured.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userError } from '../diagnostics.js';
import { readMetrics, readWeights } from '../runs.js';
import { classProbabilities } from '../runtime/evaluate.js';
import type { ModelInfo, NetClass } from '../runtime/net.js';
import type { TrainerSettings } from '../runtime/train-loop.js';
import { decodeImage, IMAGE_EXTENSIONS, toInput } from './images.js';

export interface Prediction {
  readonly file: string;
  /** The classes, most probable first. */
  readonly classes: readonly { readonly label: string; readonly probability: number }[];
}

export interface PredictOptions {
  /** Scale images of another size to the network's (bilinear). */
  readonly resize?: boolean;
}

/** The image files named: files as given, folders as the PNG and JPEG files in them (sorted). */
export function imageFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!existsSync(path)) throw userError(path, 'no such file or folder');
    if (!statSync(path).isDirectory()) return [path];
    const found = readdirSync(path)
      .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
      .sort()
      .map((name) => join(path, name));
    if (found.length === 0) throw userError(path, 'holds no .png, .jpg or .jpeg files');
    return found;
  });
}

interface Trainer {
  readonly MODEL: ModelInfo;
  readonly Net: NetClass;
  readonly SETTINGS: TrainerSettings;
}

export async function predict(runDir: string, paths: readonly string[], options: PredictOptions = {}): Promise<Prediction[]> {
  const metrics = readMetrics(runDir);
  const weights = readWeights(runDir).values;
  const trainerFile = join(runDir, 'trainer', 'train.js');
  if (!existsSync(trainerFile)) throw userError(trainerFile, 'missing: the run folder has no trainer', 'predict with a run folder written by `netc train`');
  const { MODEL, Net, SETTINGS } = (await import(pathToFileURL(trainerFile).href)) as Trainer;
  if (weights.length !== MODEL.paramCount + MODEL.stateCount) {
    throw userError(join(runDir, 'weights.bin'), `holds ${weights.length} values; the run's network has ${MODEL.paramCount + MODEL.stateCount}`, 'the run folder was altered: train again');
  }
  // Decode and check every image before any is predicted: one bad file names itself at once.
  const files = imageFiles(paths);
  const inputs = files.map((file) => toInput(file, decodeImage(file), MODEL.input, options));
  const net = new Net();
  net.params.set(weights.subarray(0, MODEL.paramCount));
  net.state.set(weights.subarray(MODEL.paramCount));
  const imageSize = MODEL.input.height * MODEL.input.width * MODEL.input.channels;
  const classes = metrics.test.classes;
  const mean = Float64Array.from(metrics.data.mean);
  const predictions: Prediction[] = [];
  try {
    for (let first = 0; first < files.length; first += MODEL.chunk) {
      const n = Math.min(MODEL.chunk, files.length - first);
      const images = new Uint8Array(n * imageSize);
      for (let i = 0; i < n; i++) images.set(inputs[first + i]!, i * imageSize);
      const set = { count: n, ...MODEL.input, images, labels: new Uint8Array(n) };
      const probabilities = classProbabilities(net, set, 0, n, mean, imageSize, classes.length, SETTINGS.testAugment);
      for (let i = 0; i < n; i++) {
        const ranked = classes.map((label, k) => ({ label, probability: probabilities[i * classes.length + k]! })).sort((a, b) => b.probability - a.probability);
        predictions.push({ file: files[first + i]!, classes: ranked });
      }
    }
  } finally {
    await net.close();
  }
  return predictions;
}
