// Winograd's minimal filtering F(m×m, r×r) (Lavin & Gray, 2016) for the WebAssembly
// backend's 3×3 and 5×5 stride-1 passes: each m×m block of outputs comes from an α×α tile of
// inputs (α = m + r − 1) with α² multiplies per input-output channel pair instead of r²m².
// Three forms: F(2×2, 3×3) (16 multiplies for 4 outputs), F(4×4, 3×3) (36 for 16) and
// F(4×4, 5×5) (64 for 16, against 400). A pass runs in three phases over a chunk of samples,
// all through one scratch area of the thread:
//
//   input tiles   V[ξ][row][ci] = (Bᵀ d B)[ξ]   for every tile (a row) and channel
//   α² GEMMs      M[ξ][row][co] = Σ_ci V[ξ][row][ci] · U[ξ][ci][co]   (the conv's micro-kernel)
//   output tiles  y[m×m block]  = Aᵀ M A  (+ bias, or added to y)
//
// U = G g Gᵀ is the kernels' transform, made once a step by prepare() from the packed
// blocks. The transforms are printed from the matrices (winograd-transforms.ts). FLOPs are still
// counted as the direct convolution's (nominally), so throughput figures stay comparable
// with other tools.
import { CompilerBug } from '../../lower/verify.js';
import { F, type WasmBuffer } from '../../emit/wasm/plan.js';
import { columnBlocks, tile, TILE_ROWS } from './gemm.js';
import { F2, F4, F4x5, sandwich, transpose, winogradLocals, type WinogradForm } from './winograd-transforms.js';

export { winogradLocals, type WinogradForm };

/**
 * Bytes of V and M a chunk of samples fills: at least enough rows to read each point's U no
 * more often than V and M themselves, within SCRATCH_MAX; otherwise as many samples as fit
 * SCRATCH_MIN, where all α² planes stay in a core's L2 (half of it; the other thread's core
 * then shares less of the cache below). cifar10-deep (16 → 16 channels, 16 tiles a sample,
 * one thread, min/median ms a training sample): chunks of 8 samples 0.57/0.81, of 2 0.49/
 * 0.72, of 1 0.46/0.66; two processes at once 0.65/0.80 against 0.50/0.67 for chunks of 2.
 * cifar10-resnet's 128 → 128 passes on 7×7 maps (4 tiles a sample) want their 6 samples:
 * 3.51/3.90 ms a sample with chunks of 1 against 3.11/3.86.
 */
const SCRATCH_MIN = 256 * 1024;
const SCRATCH_MAX = 1024 * 1024;

/** Multiplies a form spends on a height × width map: α² a tile, edge tiles counted whole. */
function multiplies(form: WinogradForm, height: number, width: number): number {
  return Math.ceil(height / form.m) * Math.ceil(width / form.m) * form.alpha * form.alpha;
}

/**
 * The form a pass producing `height × width` outputs takes, if any: the one with the fewest
 * multiplies among those spending at most 0.6 of the direct r² an output, so that the
 * transforms' adds are paid for (F(2×2, 3×3) on a tie: its transforms are cheaper).
 * 3×3 kernels on 7×7 maps: F(4×4) 144 against 441; 3×3: 36 against 81; 5×5: neither pays.
 * F(4×4, ·) only where both sides have 16 channels or more: its transforms cost about 2.6×
 * F(2×2)'s an output, which narrow GEMMs do not pay back, and they round more (coefficients
 * up to 8): through 6 → 4 channels, the analytically zero gradient of a bias before batch
 * norm came out 1.25e-6 from TensorFlow.js's. 5×5 kernels: F(4×4, 5×5) only (F(2×2, 5×5)
 * lost to the direct kernel at 16 channels, spending an 8×8 tile's worth of transforms on
 * a quarter of the outputs); measured on cifar10-deep (16 → 16 channels on 16×16 maps,
 * batch 16, one thread, interleaved): 0.75–0.91 ms a training sample direct, 0.60–0.66 by
 * F(4×4, 5×5).
 */
export function winogradForm(k: number, stride: number, height: number, width: number, cin: number, cout: number): WinogradForm | undefined {
  if (stride !== 1 || cin < 4 || cout < 4) return undefined;
  const wide = cin >= 16 && cout >= 16;
  const forms = k === 3 ? (wide ? [F2, F4] : [F2]) : k === 5 && wide ? [F4x5] : [];
  const paying = forms.filter((form) => multiplies(form, height, width) <= 0.6 * height * width * k * k);
  return paying.sort((a, b) => multiplies(a, height, width) - multiplies(b, height, width))[0];
}

export interface WinogradOptions {
  label: string;
  /** The name of the weight transform this pass's U comes from (a function of the op). */
  transform: string;
  x: WasmBuffer;
  xAt: number;
  pad: number;
  cin: number;
  y: WasmBuffer;
  yAt: number;
  /** Shared: the packed kernels ([block][tap][ci][lanes]), and their transform U ([ξ][block][ci][lanes]). */
  blocks: number;
  u: number;
  bias?: number;
  accumulate: boolean;
  /** Region-relative scratch for V and M, and its size (from winogradScratch). */
  scratch: number;
}

/**
 * Scratch bytes a pass by `form` needs: V and M for one chunk of samples, the chunk's tiles
 * one row each (samples one after another), padded to whole micro-kernel tiles at its end.
 */
export function winogradScratch(form: WinogradForm, x: WasmBuffer, y: WasmBuffer) {
  const tilesH = Math.ceil(y.height / form.m);
  const tilesW = Math.ceil(y.width / form.m);
  const tiles = tilesH * tilesW;
  const points = form.alpha * form.alpha;
  const perSample = points * tiles * (x.cp + y.cp) * F;
  const fit = (bytes: number) => Math.max(1, Math.floor(bytes / perSample));
  // A point's GEMM reads U (cin·cout) once per chunk, and V and M (cin + cout a row) once.
  const amortise = Math.ceil((x.cp * y.cp) / (x.cp + y.cp) / tiles);
  const chunk = Math.min(fit(SCRATCH_MAX), Math.max(fit(SCRATCH_MIN), amortise));
  const rows = Math.ceil((chunk * tiles) / TILE_ROWS) * TILE_ROWS;
  return { tilesH, tilesW, tiles, rows, chunk, bytes: points * rows * (x.cp + y.cp) * F };
}

/**
 * How `form` tiles the outputs of a pass reading `x` from `pad` pixels before its origin:
 * each tile's input loads (zeros where a tile runs past the buffer's border) and output
 * places (left out past the outputs), and the tile rows and columns as runs for
 * wasm-winograd-tiles.hbs: full ones in a loop, then the edge.
 */
function tiling(form: WinogradForm, label: string, x: WasmBuffer, pad: number, y: WasmBuffer) {
  const { m, alpha } = form;
  const tilesH = Math.ceil(y.height / m);
  const tilesW = Math.ceil(y.width / m);
  // Input rows a tile may read: from the window's corner (pad before pixel 0) to the last
  // row of the buffer's zero border. Only the last tile row or column can run past it.
  const readable = (tileIndex: number, size: number) => Math.min(alpha, size - 1 + x.pad - (m * tileIndex - pad) + 1);
  if (pad > x.pad) throw new CompilerBug(`${label}: a Winograd pass reads ${pad} pixels before its input, whose border is ${x.pad}`);
  const edgeReadRows = readable(tilesH - 1, x.height);
  const edgeReadCols = readable(tilesW - 1, x.width);
  if ((tilesH > 1 && readable(tilesH - 2, x.height) < alpha) || (tilesW > 1 && readable(tilesW - 2, x.width) < alpha) || edgeReadRows < 1 || edgeReadCols < 1) {
    throw new CompilerBug(`${label}: Winograd tiles of ${y.height}×${y.width} outputs read outside ${x.shape}`);
  }
  const grid = (size: number) => Array.from({ length: size * size }, (_, i) => ({ r: Math.floor(i / size), c: i % size }));
  const loads = (readRows: number, readCols: number) =>
    grid(alpha).map(({ r, c }) => ({ d: `$d${r}${c}`, off: r * x.rowBytes + c * x.pixelBytes, zero: r >= readRows || c >= readCols }));
  /** A tile's m×m outputs (or their gradients), and whether each is past the map. */
  const places = (outRows: number, outCols: number) =>
    grid(m).map(({ r, c }) => ({ d: `$d${r}${c}`, off: r * y.rowBytes + c * y.pixelBytes, skip: r >= outRows || c >= outCols, zero: r >= outRows || c >= outCols }));
  // Tile rows and columns that read α pixels and write m in full; the last may do less.
  const fullRows = edgeReadRows === alpha && y.height % m === 0 ? tilesH : tilesH - 1;
  const fullCols = edgeReadCols === alpha && y.width % m === 0 ? tilesW : tilesW - 1;
  const edgeRows = fullRows < tilesH ? { read: edgeReadRows, out: y.height - m * fullRows } : undefined;
  const edgeCols = fullCols < tilesW ? { read: edgeReadCols, out: y.width - m * fullCols } : undefined;
  /** Tile rows (full ones in a loop, then the edge) of tile columns (the same), each a variant of the tile. */
  const runs = <T>(variant: (rowsIn: number, colsIn: number, rowsOut: number, colsOut: number) => T) => {
    const columns = (rowsIn: number, rowsOut: number) => ({
      full: fullCols > 0 ? { count: fullCols, ...variant(rowsIn, alpha, rowsOut, m) } : undefined,
      edge: edgeCols ? variant(rowsIn, edgeCols.read, rowsOut, edgeCols.out) : undefined,
    });
    return {
      full: fullRows > 0 ? { count: fullRows, ...columns(alpha, m) } : undefined,
      edge: edgeRows ? columns(edgeRows.read, edgeRows.out) : undefined,
    };
  };
  return { tilesH, tilesW, tiles: tilesH * tilesW, loads, places, runs, corner: x.originBytes - pad * (x.rowBytes + x.pixelBytes) };
}

/** The α² points' locals and their planes' offsets in the scratch. */
function pointsOf(alpha: number, vPlane: number, mPlane: number) {
  return Array.from({ length: alpha * alpha }, (_, i) => ({ i, d: `$d${Math.floor(i / alpha)}${i % alpha}`, vOff: i * vPlane, mOff: i * mPlane }));
}

/**
 * A tile transform L·D·Lᵀ as one statement list: D's points loaded from `pointer` (known
 * zeros, `zero`, left out), and the points `stores` names stored through `target` — by
 * `store` where given — the others not computed (outputs past the map).
 */
function tileTransform(L: readonly (readonly number[])[], loads: readonly { d: string; off: number; zero?: boolean }[], pointer: string, stores: readonly { d: string; off: number }[], target: string, store?: (d: string, off: number) => string): string[] {
  const from = new Map(loads.filter((l) => !l.zero).map((l) => [l.d, l.off]));
  const to = new Map(stores.map((s) => [s.d, s.off]));
  const point = (r: number, c: number) => `$d${r}${c}`;
  return sandwich(L, (r, c) => (from.has(point(r, c)) ? point(r, c) : undefined), (r, c) => (to.has(point(r, c)) ? point(r, c) : undefined), {
    load: (r, c) => `(local.set ${point(r, c)} (v128.load offset=${from.get(point(r, c))} (local.get ${pointer})))`,
    store: (r, c) => {
      const off = to.get(point(r, c))!;
      return store ? store(point(r, c), off) : `(v128.store offset=${off} (local.get ${target}) (local.get ${point(r, c)}))`;
    },
  });
}

/** The input transform V = Bᵀ d B of a tile variant: $d loaded from $p (zero where `zero`), V stored through $cs. */
function inputTransform(form: WinogradForm, loads: { d: string; off: number; zero: boolean }[], points: readonly { d: string; vOff: number }[]): string[] {
  return tileTransform(form.BT, loads, '$p', points.map((p) => ({ d: p.d, off: p.vOff })), '$cs');
}

/** The template's view of one Winograd pass (wasm-winograd.hbs). */
export function winogradPass(form: WinogradForm, o: WinogradOptions) {
  const { x, y, cin } = o;
  const { m: size, alpha } = form;
  const { rows, chunk, tiles } = winogradScratch(form, x, y);
  const { tilesH, tilesW, loads, places, runs, corner } = tiling(form, o.label, x, o.pad, y);
  const vRow = x.cp * F;
  const mRow = y.cp * F;
  const vPlane = rows * vRow;
  const mPlane = rows * mRow;
  const v = o.scratch;
  const m = o.scratch + alpha * alpha * vPlane;
  const points = pointsOf(alpha, vPlane, mPlane);
  const groups = columnBlocks(y.cp / 4);
  const uPlane = cin * y.cp * F;
  let uOffset = 0;
  return {
    label: o.label,
    form: form.name,
    pointCount: alpha * alpha,
    chunk,
    tiles: `${tilesH}×${tilesW}`,
    tileCount: tiles,
    rows,
    rowsRound: TILE_ROWS - 1,
    rowsMask: -TILE_ROWS,
    input: {
      what: 'input tiles V = Bᵀ d B',
      scratch: v,
      start: o.xAt + corner,
      sample: x.sampleBytes,
      tileRow: size * x.rowBytes,
      scratchSample: tiles * vRow,
      rowRuns: runs((readRows, readCols) => {
        const tileLoads = loads(readRows, readCols);
        return { readRows, readCols, code: inputTransform(form, tileLoads, points), cinBytes: x.cp * F, xTile: size * x.pixelBytes, scratchChannel: 16, scratchTile: vRow };
      }),
    },
    output: {
      what: 'output tiles y = Aᵀ M A',
      scratch: m,
      start: o.yAt + y.originBytes,
      sample: y.sampleBytes,
      tileRow: size * y.rowBytes,
      scratchSample: tiles * mRow,
      rowRuns: runs((_rowsIn, _colsIn, outRows, outCols) => {
        const bias = o.bias !== undefined;
        // Outputs past the map are neither computed nor stored.
        const stores = places(outRows, outCols).filter((p) => !p.skip);
        const code = tileTransform(form.AT, points.map((p) => ({ d: p.d, off: p.mOff })), '$p', stores, '$cs', (d, off) => {
          const value = bias ? `(f32x4.add (local.get $e) (local.get ${d}))` : `(local.get ${d})`;
          return `(v128.store offset=${off} (local.get $cs) ${o.accumulate ? `(f32x4.add (v128.load offset=${off} (local.get $cs)) ${value})` : value})`;
        });
        return {
          outRows,
          outCols,
          code,
          coutBytes: y.cp * F,
          yTile: size * y.pixelBytes,
          mRow,
          bias,
          biasAt: o.bias ?? 0,
        };
      }),
    },
    v,
    m,
    vPlane,
    mPlane,
    u: o.u,
    uPlane,
    groups: groups.map((g) => {
      const blockBytes = cin * g.nv * 16;
      const micro = tile(TILE_ROWS, g.nv, vRow, mRow);
      const group = { ...g, uStart: uOffset, blockBytes, mColumn: g.first * 16, chanStep: g.nv * 16, tile: { ...micro, rowsBytes: TILE_ROWS * vRow, outBytes: TILE_ROWS * mRow, bias: false, accumulate: false, cin, kh: 1, kw: 1, pixelSkip: 0, rowSkip: 0 } };
      uOffset += blockBytes * g.count;
      return group;
    }),
    transform: {
      name: o.transform,
      form: form.name,
      taps: Array.from({ length: form.r * form.r }, (_, t) => ({ g: `$g${t}` })),
      locals: winogradLocals(alpha),
      // U = G g Gᵀ into $d, one local a point.
      code: sandwich(form.G, (r, c) => `$g${form.r * r + c}`, (r, c) => `$d${r}${c}`),
      stores: pointsOf(alpha, uPlane, 0).map((p) => ({ d: p.d, off: p.vOff })),
      // Per block: r² taps of [ci][lanes] (a slab each) in, one slab a point out.
      groups: (() => {
        let from = o.blocks;
        let to = o.u;
        return groups.map((g) => {
          const slab = cin * g.nv * 16;
          const taps = form.r * form.r;
          const group = { count: g.count, from, to, slab, blockBytes: taps * slab, taps: Array.from({ length: taps }, (_, t) => ({ g: `$g${t}`, off: t * slab })) };
          from += taps * slab * g.count;
          to += slab * g.count;
          return group;
        });
      })(),
    },
  };
}

/**
 * The form dL/dw of a pass takes, if any: the forward pass's, where both sides have 16
 * channels or more — it transforms x and dy for every chunk, so it needs channels to win.
 * Measured on cifar10-resnet (one thread, 64 samples, backward passes whose dL/dx is
 * already by F(4×4)): 24 → 32 channels at 31×31 22.8 → 17.7 ms, 32 → 128 at 15×15 48.1 →
 * 33.6 ms; 128 → 128 at 7×7 28.4 → 20.6 ms (by F(2×2) it was 34.6).
 */
export function winogradGradForm(forward: WinogradForm | undefined, cin: number, cout: number): WinogradForm | undefined {
  return cin >= 16 && cout >= 16 ? forward : undefined;
}

export interface WinogradGradOptions {
  label: string;
  x: WasmBuffer;
  pad: number;
  y: WasmBuffer;
  /** Region-relative: dw's packed rows [tap][ci][co], and dU ([ξ][ci][co], summed over chunks). */
  dw: number;
  du: number;
  /** Region-relative scratch, as for the passes (winogradScratch(form, x, y)). */
  scratch: number;
}

/** Bytes of dU, the weight gradient in the transformed domain. */
export function winogradGradBytes(form: WinogradForm, x: WasmBuffer, y: WasmBuffer): number {
  return form.alpha * form.alpha * x.cp * y.cp * F;
}

/**
 * The template's view of dL/dw by `form` (wasm-winograd-dw.hbs): the input tiles V as in
 * the forward pass and the output gradients' tiles dM = A dY Aᵀ, both in panels of four
 * channels ([ξ][channels / 4][tile][4]), so that each of the α² GEMMs dU[ξ] += V[ξ]ᵀ·dM[ξ]
 * runs over the chunk's tiles on two contiguous streams; then dw = Gᵀ dU G.
 */
export function winogradWeightGrad(form: WinogradForm, o: WinogradGradOptions) {
  const { x, y } = o;
  const { m: size, alpha } = form;
  const { chunk } = winogradScratch(form, x, y);
  const t = tiling(form, o.label, x, o.pad, y);
  // A panel holds one vector of four channels for every tile of a chunk.
  const panel = chunk * t.tiles * 16;
  const vPlane = (x.cp / 4) * panel;
  const mPlane = (y.cp / 4) * panel;
  const v = o.scratch;
  const m = o.scratch + alpha * alpha * vPlane;
  const points = pointsOf(alpha, vPlane, mPlane);
  const duPlane = x.cp * y.cp * F;
  const A = transpose(form.AT);
  return {
    label: o.label,
    form: form.name,
    pointCount: alpha * alpha,
    chunk,
    tiles: `${t.tilesH}×${t.tilesW}`,
    tileCount: t.tiles,
    du: o.du,
    duBytes: alpha * alpha * duPlane,
    dw: o.dw,
    input: {
      what: 'input tiles V = Bᵀ d B, in panels',
      scratch: v,
      start: x.at + t.corner,
      sample: x.sampleBytes,
      tileRow: size * x.rowBytes,
      scratchSample: t.tiles * 16,
      rowRuns: t.runs((readRows, readCols) => {
        const loads = t.loads(readRows, readCols);
        return { readRows, readCols, code: inputTransform(form, loads, points), cinBytes: x.cp * F, xTile: size * x.pixelBytes, scratchChannel: panel, scratchTile: 16 };
      }),
    },
    grad: {
      what: 'output-gradient tiles dM = A g Aᵀ, in panels',
      scratch: m,
      start: y.gradAt + y.originBytes,
      sample: y.sampleBytes,
      tileRow: size * y.rowBytes,
      scratchSample: t.tiles * 16,
      rowRuns: t.runs((_rowsIn, _colsIn, outRows, outCols) => {
        const code = tileTransform(A, t.places(outRows, outCols), '$p', points.map((p) => ({ d: p.d, off: p.mOff })), '$cs');
        return { outRows, outCols, code, coutBytes: y.cp * F, yTile: size * y.pixelBytes, scratchChannel: panel, scratchTile: 16 };
      }),
    },
    v,
    m,
    vPlane,
    mPlane,
    panel,
    ciBlocks: x.cp / 4,
    ciBlockBytes: 4 * y.cp * F,
    duPlane,
    groups: columnBlocks(y.cp / 4).map((g) => {
      const micro = tile(TILE_ROWS, g.nv, F, y.cp * F);
      // The output channels' vectors come from panels a panel apart.
      return { ...g, first16: g.first * 16, mFirst: g.first * panel, chanStep: g.nv * 16, blockPanels: g.nv * panel, tile: { ...micro, vecs: micro.vecs.map((vec) => ({ ...vec, woff: vec.v * panel })) } };
    }),
    duPoints: pointsOf(alpha, duPlane, 0).map((p) => ({ d: p.d, off: p.vOff })),
    // dw = Gᵀ dU G into $d (r×r), stored tap by tap.
    final: sandwich(transpose(form.G), (r, c) => `$d${r}${c}`, (r, c) => `$d${r}${c}`),
    taps: Array.from({ length: form.r * form.r }, (_, tap) => ({ d: `$d${Math.floor(tap / form.r)}${tap % form.r}`, off: tap * duPlane })),
  };
}
