// emit: the graph → a standalone trainer, as a map of relative path → file text. Each
// backend plans the graph its own way (ts/, wasm/); Handlebars writes the code text;
// ts-morph assembles the modules, formats and type-checks them (any diagnostic is a
// compiler bug) and emits the JavaScript beside them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileContents } from '../files.js';
import type { Graph } from '../lower/graph.js';
import { runtimeDir } from '../paths.js';
import { literal, type SourceInfo } from './common.js';
import { cachedBuild } from './cache.js';
import { buildProject } from './project.js';
import { template } from './templates.js';
import { tsModelView } from './ts/index.js';
import { MAX_UNROLLED_TAPS, type DType } from './ts/plan.js';
import { emitWasm } from './wasm/index.js';
import { emitPytorch } from './pytorch/index.js';

export type { SourceInfo } from './common.js';
export type { DType } from './ts/plan.js';

export interface EmitOptions {
  readonly source: SourceInfo;
  /** float32 for training; float64 for gradient checks against finite differences. */
  readonly dtype?: DType;
  /** The config's description (the PyTorch model's docstring) and its resolved YAML (train.py writes it into run folders). */
  readonly config?: { readonly description: string; readonly yaml: string };
}

export interface UnrollReport {
  readonly op: string;
  readonly taps: number;
  readonly mode: 'full' | 'row';
}

export interface Emitted {
  /** Relative path (with /) → contents, sorted by path. */
  readonly files: ReadonlyMap<string, FileContents>;
  readonly stats: {
    readonly unrolled: readonly UnrollReport[];
    /** Lines of generated (not copied) TypeScript and WebAssembly text. */
    readonly generatedLines: number;
    readonly totalLines: number;
    readonly bytes: number;
    /** Size of model.wasm (0 without the WebAssembly backend). */
    readonly wasmBytes: number;
  };
}

export function emit(graph: Graph, options: EmitOptions): Emitted {
  const dtype = options.dtype ?? 'float32';
  // The source path goes into comments: no character of it may end the comment.
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?');
  const source: SourceInfo = { ...options.source, file: clean(options.source.file), command: clean(options.source.command) };
  const view = tsModelView(graph, dtype, source);
  // The WebAssembly backend is float32 only; float64 models exist for gradient checks.
  const wasm = dtype === 'float32' ? emitWasm(graph, source) : undefined;
  const generated = new Map<string, string>([
    ['model.ts', template('model')(view)],
    ['train.ts', template('train')({ settings: literal({ ...graph.trainer, configHash: source.hash }), wasm: wasm !== undefined })],
    ...(wasm ? ([['model-wasm.ts', wasm.glue]] as const) : []),
  ]);
  const copied = new Map(runtimeSources().map(([name, text]) => [`runtime/${name}`, `// Copied from netc's src/runtime/${name}.\n//\n${text}`]));
  const header = template('header')(source);
  const typescript = cachedBuild([generated, copied], header, () => buildProject(generated, copied, header));
  const files = new Map<string, FileContents>([
    ...typescript,
    ...(wasm ? ([['model.wat', wasm.wat], ['model.wasm', wasm.wasm], ['model-simd.wasm', wasm.simd]] as const) : []),
    // The same network for PyTorch (its own backend, plain text: nothing to type-check).
    ...emitPytorch(graph, source, options.config ?? { description: '', yaml: '' }),
    ['package.json', JSON.stringify({ name: `netc-trainer-${graph.name}`, private: true, type: 'module', description: `netc-generated trainer for ${graph.name}` }, null, 2) + '\n'],
  ]);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lines = (contents: FileContents) => (typeof contents === 'string' ? contents.split('\n').length - 1 : 0);
  return {
    files: sorted,
    stats: {
      unrolled: unrollReport(graph),
      generatedLines: [...generated.keys(), ...(wasm ? ['model.wat'] : [])].reduce((n, path) => n + lines(sorted.get(path)!), 0),
      totalLines: [...sorted.values()].reduce((n, contents) => n + lines(contents), 0),
      bytes: [...sorted.values()].reduce((n, contents) => n + (typeof contents === 'string' ? Buffer.byteLength(contents) : contents.length), 0),
      wasmBytes: wasm?.wasm.length ?? 0,
    },
  };
}

/** The windowed ops (conv, pooling) and how far the TypeScript backend unrolls them. */
function unrollReport(graph: Graph): UnrollReport[] {
  return graph.ops.flatMap((op) => {
    const size = op.layer.size;
    if (typeof size !== 'number') return [];
    const taps = size * size;
    return [{ op: op.name, taps, mode: taps <= MAX_UNROLLED_TAPS ? 'full' : 'row' } as const];
  });
}

/** The runtime modules every trainer carries, as [file name, text], in a stable order. */
function runtimeSources(): [string, string][] {
  return readdirSync(runtimeDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => [f, readFileSync(join(runtimeDir, f), 'utf8')]);
}
