// emit: the IR → a standalone trainer, as a map of relative path → file text. Handlebars
// writes the code text; ts-morph assembles the module, formats it, type-checks it (any
// diagnostic is a compiler bug) and emits the JavaScript beside it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileContents } from '../files.js';
import type { Program } from '../lower/index.js';
import { runtimeDir } from '../paths.js';
import { buildProject } from './project.js';
import { template } from './templates.js';
import { emitWasm } from './wasm/index.js';
import { modelView, unrollReport, type DType, type SourceInfo, type UnrollReport } from './views.js';

export type { DType, SourceInfo, UnrollReport } from './views.js';

export interface EmitOptions {
  readonly source: SourceInfo;
  /** float32 for training; float64 for gradient checks against finite differences. */
  readonly dtype?: DType;
}

export interface Emitted {
  /** Relative path (with /) → contents, sorted by path. */
  readonly files: ReadonlyMap<string, FileContents>;
  readonly stats: {
    readonly unrolled: readonly UnrollReport[];
    /** Lines of generated (not copied) TypeScript. */
    readonly generatedLines: number;
    readonly totalLines: number;
    readonly bytes: number;
    /** Size of model.wasm (0 without the WebAssembly backend). */
    readonly wasmBytes: number;
  };
}

export function emit(program: Program, options: EmitOptions): Emitted {
  const dtype = options.dtype ?? 'float32';
  // The source path goes into comments: no character of it may end the comment.
  options = { ...options, source: { ...options.source, file: options.source.file.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?'), command: options.source.command.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?') } };
  const view = modelView(program, dtype, options.source);
  // The WebAssembly backend is float32 only; float64 models exist for gradient checks.
  const wasm = dtype === 'float32' ? emitWasm(program, options.source) : undefined;
  const generated = new Map<string, string>([
    ['model.ts', template('model')(view)],
    ['train.ts', template('train')({ ...view, wasm: wasm !== undefined })],
    ...(wasm ? ([['model-wasm.ts', wasm.glue]] as const) : []),
  ]);
  const copied = new Map(runtimeSources().map(([name, text]) => [`runtime/${name}`, `// Copied from netc's src/runtime/${name}.\n//\n${text}`]));
  const typescript = buildProject(new Map([...generated, ...copied]), template('header')(options.source));
  const files = new Map<string, FileContents>([
    ...typescript,
    ...(wasm ? ([['model.wat', wasm.wat], ['model.wasm', wasm.wasm]] as const) : []),
    ['package.json', JSON.stringify({ name: `netc-trainer-${program.name}`, private: true, type: 'module', description: `netc-generated trainer for ${program.name}` }, null, 2) + '\n'],
  ]);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lines = (contents: FileContents) => (typeof contents === 'string' ? contents.split('\n').length - 1 : 0);
  return {
    files: sorted,
    stats: {
      unrolled: unrollReport(program),
      generatedLines: [...generated.keys(), ...(wasm ? ['model.wat'] : [])].reduce((n, path) => n + lines(sorted.get(path)!), 0),
      totalLines: [...sorted.values()].reduce((n, contents) => n + lines(contents), 0),
      bytes: [...sorted.values()].reduce((n, contents) => n + (typeof contents === 'string' ? Buffer.byteLength(contents) : contents.length), 0),
      wasmBytes: wasm?.wasm.length ?? 0,
    },
  };
}

/** The runtime modules every trainer carries, as [file name, text], in a stable order. */
function runtimeSources(): [string, string][] {
  return readdirSync(runtimeDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => [f, readFileSync(join(runtimeDir, f), 'utf8')]);
}
