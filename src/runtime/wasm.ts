// Loading a trainer's WebAssembly kernels: the fused multiply-add build (relaxed SIMD)
// where the runtime has it, else the plain SIMD build. Node 20 has relaxed SIMD behind a
// V8 flag, which is turned on here (before anything is compiled; later Node versions have
// it on by default); NETC_WASM=simd forces the plain build.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

export interface Kernels {
  readonly module: WebAssembly.Module;
  /** Whether the fused multiply-add build runs. */
  readonly fma: boolean;
}

export function loadKernels(fma: URL, simd: URL): Kernels {
  if (process.env.NETC_WASM !== 'simd') {
    const bytes = readFileSync(fma);
    if (!WebAssembly.validate(bytes)) {
      try {
        setFlagsFromString('--experimental-wasm-relaxed-simd');
      } catch {
        // Not every runtime lets flags be set; the plain build runs everywhere.
      }
    }
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), fma: true };
  }
  return { module: new WebAssembly.Module(readFileSync(simd)), fma: false };
}
