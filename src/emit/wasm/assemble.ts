// WebAssembly text → binary, with wabt (the WebAssembly Binary Toolkit, built to wasm).
// An invalid module is a compiler bug: the templates and views made it.
import wabtInit from 'wabt';
import { CompilerBug } from '../../lower/verify.js';

const wabt = await wabtInit();

/** SIMD (relaxed, for fused multiply-adds), shared memory (threads), memory.fill and copy, exported mutable globals. */
const FEATURES = { simd: true, relaxed_simd: true, threads: true, bulk_memory: true, mutable_globals: true };

export function assemble(name: string, text: string): Uint8Array {
  let module: ReturnType<typeof wabt.parseWat> | undefined;
  try {
    module = wabt.parseWat(name, text, FEATURES);
    module.resolveNames();
    // The typings omit it, but validate takes the features too (else shared memory fails).
    (module.validate as (features: typeof FEATURES) => void)(FEATURES);
    return new Uint8Array(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } catch (error) {
    throw new CompilerBug(`the generated WebAssembly does not assemble: ${(error as Error).message}`);
  } finally {
    module?.destroy();
  }
}
