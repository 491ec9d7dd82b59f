// export: a finished run folder → its trained network in a standard format (ONNX), for
// inference outside netc. The network is rebuilt from the run's own config.yaml (the config
// as trained) and filled with its weights.bin, whose layout must be that network's.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { userError } from '../diagnostics.js';
import { lower, type Graph } from '../lower/index.js';
import { version } from '../paths.js';
import { check, configHash } from '../pipeline.js';
import { readMetrics, readWeights, type RunWeights } from '../runs.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { INPUT, LOGITS, PROBABILITIES, toOnnx } from './onnx.js';

export interface ExportOptions {
  /** Default: model.onnx in the run folder. */
  readonly out?: string;
}

export interface Exported {
  readonly file: string;
  readonly bytes: number;
  /** The size of the run's weights.bin, for comparison. */
  readonly weightBytes: number;
}

export function exportOnnx(runDir: string, options: ExportOptions = {}): Exported {
  const metrics = readMetrics(runDir);
  const weights = readWeights(runDir);
  const configFile = join(runDir, 'config.yaml');
  if (!existsSync(configFile)) throw userError(configFile, 'missing: the run folder has no config.yaml, so its network is unknown', 'export a run folder written by `netc train`');
  const checked = check(configFile);
  const graph = lower(checked.network);
  checkLayout(runDir, graph, weights);
  const { testAugment, pixelScale } = graph.trainer;
  const [height, width, channels] = metrics.data.image;
  const metadata: Record<string, string> = {
    'netc.input': `${INPUT}: float32 [batch, ${channels}, ${height}, ${width}], pixel values 0–255 as in the image files (${channels === 3 ? 'R, G, B' : channels === 1 ? 'grey' : `${channels} channels`}); the model scales them by ${pixelScale} and subtracts the training mean ${JSON.stringify(metrics.data.mean.map((m) => +m.toPrecision(6)))}`,
    'netc.outputs': `${LOGITS} and ${PROBABILITIES} (softmax of the logits): float32 [batch, ${graph.classes}], classes in the order of netc.classes`,
    'netc.classes': JSON.stringify(metrics.test.classes),
    'netc.config_sha256': configHash(checked),
    'netc.run': basename(resolve(runDir)),
  };
  if (metrics.status === 'completed') metadata['netc.test_accuracy'] = String(metrics.test.accuracy);
  if (testAugment !== 'none') {
    metadata['netc.test_augment'] = `${testAugment}: netc's test accuracy averages the probabilities of ${testAugment === 'flip' ? 'each image and its mirror' : 'each image, its mirror and copies shifted by one pixel'}; this model computes one view`;
  }
  const description = checked.resolved.config.description ?? '';
  const bytes = toOnnx(graph, weights.values, { pixelScale, mean: metrics.data.mean }, { description, producerVersion: version, metadata });
  const file = options.out ?? join(runDir, 'model.onnx');
  writeFileAtomic(file, bytes);
  return { file, bytes: bytes.length, weightBytes: weights.values.length * 4 };
}

/** weights.json must lay out the network config.yaml describes: the same tensors at the same places. */
function checkLayout(runDir: string, graph: Graph, weights: RunWeights): void {
  const file = join(runDir, 'weights.json');
  const hint = 'the run folder was altered, or written by another version of netc: train the run again';
  const expect = (views: readonly { name: string; offset: number; size: number }[], listed: RunWeights['params'], base: number) => {
    const byName = new Map(listed.map((p) => [p.name, p]));
    for (const view of views) {
      const found = byName.get(view.name);
      if (!found) throw userError(file, `has no tensor ${view.name}, which the network of config.yaml has`, hint);
      if (found.offset !== base + view.offset || found.size !== view.size) {
        throw userError(file, `lays out ${view.name} as ${found.size} values at ${found.offset}; the network of config.yaml has ${view.size} at ${base + view.offset}`, hint);
      }
    }
  };
  expect(graph.params, weights.params, 0);
  expect(graph.state, weights.state, graph.paramCount);
  if (weights.values.length !== graph.paramCount + graph.stateCount) {
    throw userError(file, `lays out ${weights.values.length} values; the network of config.yaml has ${graph.paramCount + graph.stateCount}`, hint);
  }
}
