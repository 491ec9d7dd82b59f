// The WebAssembly backend: model.wat (the SIMD kernels), model.wasm (assembled), and
// model-wasm.ts, the glue that gives them the same Net interface as the TypeScript model.
import type { Program } from '../../lower/index.js';
import { template } from '../templates.js';
import { modelView, type SourceInfo } from '../views.js';
import { assemble } from './assemble.js';
import { layoutMemory } from './layout.js';
import { wasmView } from './views.js';

export interface WasmFiles {
  readonly wat: string;
  readonly wasm: Uint8Array;
  /** The TypeScript glue, for the type-check and emit with the rest. */
  readonly glue: string;
}

export function emitWasm(program: Program, source: SourceInfo): WasmFiles {
  const layout = layoutMemory(program);
  const body = template('model-wat')(wasmView(program, layout));
  const header = template('header')(source).replace(/^\/\/ ?/gm, ';; ');
  const wat = `${header};;\n;; The kernels of the WebAssembly backend (see model-wasm.ts), in the text format.\n${body}`;
  const logits = layout.buffers.get(program.loss.logits.name)!;
  const glue = template('model-wasm')({
    ...modelView(program, 'float32', source),
    layout,
    logitsAt: logits,
    dlogitsAt: layout.buffers.get(`d${program.loss.logits.name}`)!,
    logitsLength: program.batch * program.classes,
  });
  return { wat, wasm: assemble('model.wat', wat), glue };
}
