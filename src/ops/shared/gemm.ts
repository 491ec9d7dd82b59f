// The register tiles of the WebAssembly GEMM micro-kernels, as lists for templates, and the
// packing of weights in blocks of columns they load.
import { F, type Packing, type WasmBuffer } from '../../emit/wasm/plan.js';
import type { GraphOp } from '../../lower/graph.js';

// A tile computes `mr` rows (output positions, or input channels for dL/dw) × `nv`
// four-lane vectors of columns (output channels) in mr·nv f32x4 accumulators: each step
// loads nv weight vectors, broadcasts one input value per row, and does mr·nv
// multiply-adds (fused, with relaxed SIMD). 4 × 2 tiles keep 8 accumulators, 2 weight
// vectors and a broadcast in 11 of the 16 vector registers.
export const TILE_ROWS = 4;
export const TILE_VECTORS = 2;

/** One tile shape: its rows (with their input offsets) and vectors (with their weight offsets). */
export function tile(mr: number, nv: number, rowStepBytes: number, outRowBytes: number) {
  const vecs = Array.from({ length: nv }, (_, v) => ({ v, w: `$w${v}`, woff: v * 16 }));
  const rows = Array.from({ length: mr }, (_, m) => ({
    m,
    xoff: m * rowStepBytes,
    vecs: vecs.map(({ v, w }) => ({ v, w, acc: `$a${m}_${v}`, yoff: m * outRowBytes + v * 16, boff: v * 16 })),
  }));
  return { mr, nv, rows, vecs, nrBytes: nv * 16 };
}

/** Column blocks over `vectors` four-lane vectors: runs of full blocks, then a narrower one. */
export function columnBlocks(vectors: number, nv = TILE_VECTORS): { count: number; nv: number; first: number }[] {
  const full = Math.floor(vectors / nv);
  const rest = vectors % nv;
  return [...(full > 0 ? [{ count: full, nv, first: 0 }] : []), ...(rest > 0 ? [{ count: 1, nv: rest, first: full * nv }] : [])];
}

/** The vector registers a function needs for its largest tile: accumulators, weights, the broadcast. */
export function tileLocals(mr = TILE_ROWS, nv = TILE_VECTORS): string[] {
  const accs = Array.from({ length: mr * nv }, (_, i) => `$a${Math.floor(i / nv)}_${i % nv}`);
  const weights = Array.from({ length: nv }, (_, v) => `$w${v}`);
  return [...accs, ...weights, '$b'];
}

/** Packs weights [co][ci][taps] into blocks of output channels (or of input channels, swapped): [block][tap][row][lanes], as the tiles load them. */
export function blockPacking(name: string, from: GraphOp['params'][string], to: number, outputs: number, inputs: number, taps: number, vectors: number, flip: boolean, swap: boolean): Packing {
  const widths = columnBlocks(vectors).flatMap((g) => Array.from({ length: g.count }, () => g.nv * 4));
  return { name, from, kind: 'blocks', to, shared: true, outputs, inputs, taps, width: 0, blocks: widths, flip, swap };
}

/** The window a tile sums over in `x`: kh × kw taps of cin channels, and the bytes to skip after a tap's channels and after a window row. */
export function tileWindow(x: WasmBuffer, cin: number, kh: number, kw: number) {
  return { cin, kh, kw, pixelSkip: x.pixelBytes - cin * F, rowSkip: x.rowBytes - kw * x.pixelBytes };
}
