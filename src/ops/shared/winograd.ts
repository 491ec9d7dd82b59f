// Winograd's minimal filtering F(m×m, 3×3) (Lavin & Gray, 2016) for the WebAssembly
// backend's 3×3 stride-1 passes: each m×m block of outputs comes from an α×α tile of inputs
// (α = m + 2) with α² multiplies per input-output channel pair instead of 9m². Two forms:
// F(2×2, 3×3) (16 multiplies for 4 outputs) and F(4×4, 3×3) (36 for 16). A pass runs in
// three phases over a chunk of samples, all through one scratch area of the thread:
//
//   input tiles   V[ξ][row][ci] = (Bᵀ d B)[ξ]   for every tile (a row) and channel
//   α² GEMMs      M[ξ][row][co] = Σ_ci V[ξ][row][ci] · U[ξ][ci][co]   (the conv's micro-kernel)
//   output tiles  y[m×m block]  = Aᵀ M A  (+ bias, or added to y)
//
// U = G g Gᵀ is the kernels' transform, made once a step by prepare() from the packed
// blocks. The transforms are printed from the matrices (sandwich below). FLOPs are still
// counted as the direct convolution's (nominally), so throughput figures stay comparable
// with other tools.
import { CompilerBug } from '../../lower/verify.js';
import { F, type WasmBuffer } from '../../emit/wasm/plan.js';
import { columnBlocks, tile, TILE_ROWS } from './gemm.js';

/** A form F(m×m, 3×3): its output tile m, input tile α = m + 2, and transforms Bᵀ (α×α), G (α×3), Aᵀ (m×α). */
export interface WinogradForm {
  readonly name: string;
  readonly m: number;
  readonly alpha: number;
  readonly BT: readonly (readonly number[])[];
  readonly G: readonly (readonly number[])[];
  readonly AT: readonly (readonly number[])[];
}

/** Interpolation points 0, ±1 and ∞. */
export const F2: WinogradForm = {
  name: 'F(2×2, 3×3)',
  m: 2,
  alpha: 4,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

/** Interpolation points 0, ±1, ±2 and ∞ (Lavin & Gray's choice, accurate enough in float32). */
export const F4: WinogradForm = {
  name: 'F(4×4, 3×3)',
  m: 4,
  alpha: 6,
  BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
  G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

const transpose = (m: readonly (readonly number[])[]) => m[0]!.map((_, c) => m.map((row) => row[c]!));

/** Bytes of V and M a chunk of samples may fill: a few of the planes stay in a core's L2. */
const SCRATCH_BYTES = 1024 * 1024;

/** Multiplies a form spends on a height × width map: α² a tile, edge tiles counted whole. */
function multiplies(form: WinogradForm, height: number, width: number): number {
  return Math.ceil(height / form.m) * Math.ceil(width / form.m) * form.alpha * form.alpha;
}

/**
 * The form a pass producing `height × width` outputs takes, if any: the one with the fewest
 * multiplies among those spending at most 0.6 of the direct 9 an output, so that the
 * transforms' adds are paid for (F(2×2, 3×3) on a tie: its transforms are cheaper).
 * 7×7 maps: F(4×4) 144 against 441; 3×3: 36 against 81; 5×5: neither pays. F(4×4) only
 * where both sides have 16 channels or more: its transforms cost about 2.6× F(2×2)'s an
 * output, which narrow GEMMs do not pay back, and they round more (coefficients up to 8):
 * through 6 → 4 channels, the analytically zero gradient of a bias before batch norm came
 * out 1.25e-6 from TensorFlow.js's.
 */
export function winogradForm(k: number, stride: number, height: number, width: number, cin: number, cout: number): WinogradForm | undefined {
  if (k !== 3 || stride !== 1 || cin < 4 || cout < 4) return undefined;
  const forms = cin >= 16 && cout >= 16 ? [F2, F4] : [F2];
  const paying = forms.filter((form) => multiplies(form, height, width) <= 0.6 * height * width * 9);
  return paying.sort((a, b) => multiplies(a, height, width) - multiplies(b, height, width))[0];
}

/** The v128 locals of a tile: $d (α×α, in and out) and $t (the sandwich's middle). */
export function winogradLocals(alpha: number): string[] {
  return Array.from({ length: alpha * alpha }, (_, i) => [`$d${Math.floor(i / alpha)}${i % alpha}`, `$t${Math.floor(i / alpha)}${i % alpha}`]).flat();
}

/** A float as the text format reads it (float32). */
const f32 = (value: number) => String(Math.fround(value));

/**
 * Σ coef·local as one expression: terms of equal |coef| summed first (one multiply a
 * magnitude), ±1 as adds and subtracts. Undefined where every term is zero.
 */
function combination(terms: { coef: number; local: string }[]): string | undefined {
  const live = terms.filter((t) => t.coef !== 0);
  if (live.length === 0) return undefined;
  // Signed sums: a list of [sign, expression]; the result starts from a positive one if any.
  const fold = (parts: { negative: boolean; expr: string }[]) => {
    const first = parts.find((p) => !p.negative);
    let expr = first ? first.expr : `(f32x4.neg ${parts[0]!.expr})`;
    for (const p of parts) if (p !== (first ?? parts[0])) expr = `(f32x4.${p.negative ? 'sub' : 'add'} ${expr} ${p.expr})`;
    return expr;
  };
  const magnitudes = [...new Set(live.map((t) => Math.abs(t.coef)))];
  const groups = magnitudes.map((magnitude) => {
    const members = live.filter((t) => Math.abs(t.coef) === magnitude).map((t) => ({ negative: t.coef < 0, expr: `(local.get ${t.local})` }));
    // Mostly negative: sum the opposites, and subtract the group.
    const negative = members.every((m) => m.negative);
    const sum = fold(negative ? members.map((m) => ({ ...m, negative: false })) : members);
    return { negative, expr: magnitude === 1 ? sum : `(f32x4.mul (v128.const f32x4 ${Array(4).fill(f32(magnitude)).join(' ')}) ${sum})` };
  });
  return fold(groups);
}

/**
 * out = L · D · Lᵀ for a q×q grid of v128 locals D (`input(r, c)`, undefined where known to
 * be zero) and L of p×q: statements setting $t = L · D, then out (`output(r, c)`, p×p; left
 * out where undefined) = $t · Lᵀ.
 */
export function sandwich(L: readonly (readonly number[])[], input: (r: number, c: number) => string | undefined, output: (r: number, c: number) => string | undefined): string[] {
  const p = L.length;
  const q = L[0]!.length;
  const code: string[] = [];
  const t: (string | undefined)[][] = [];
  for (let i = 0; i < p; i++) {
    t.push([]);
    for (let j = 0; j < q; j++) {
      const expr = combination(L[i]!.map((coef, k) => ({ coef, local: input(k, j) })).filter((term): term is { coef: number; local: string } => term.local !== undefined));
      if (expr === undefined) t[i]!.push(undefined);
      else {
        code.push(`(local.set $t${i}${j} ${expr})`);
        t[i]!.push(`$t${i}${j}`);
      }
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const target = output(i, j);
      if (target === undefined) continue;
      const expr = combination(L[j]!.map((coef, k) => ({ coef, local: t[i]![k] })).filter((term): term is { coef: number; local: string } => term.local !== undefined));
      code.push(`(local.set ${target} ${expr ?? '(v128.const i32x4 0 0 0 0)'})`);
    }
  }
  return code;
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
  const chunk = Math.max(1, Math.floor(SCRATCH_BYTES / perSample));
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

/** The input transform V = Bᵀ d B of a tile variant: $d in (zero where `zero`), $d out. */
function inputTransform(form: WinogradForm, loads: { d: string; zero: boolean }[]): string[] {
  const zero = new Set(loads.filter((l) => l.zero).map((l) => l.d));
  return sandwich(form.BT, (r, c) => (zero.has(`$d${r}${c}`) ? undefined : `$d${r}${c}`), (r, c) => `$d${r}${c}`);
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
        return { readRows, readCols, loads: tileLoads, code: inputTransform(form, tileLoads), points, cinBytes: x.cp * F, xTile: size * x.pixelBytes, scratchChannel: 16, scratchTile: vRow };
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
        const stores = places(outRows, outCols);
        const used = new Set(stores.filter((p) => !p.skip).map((p) => p.d));
        return {
          outRows,
          outCols,
          stores,
          // Outputs past the map are not computed (their stores are left out).
          code: sandwich(form.AT, (r, c) => `$d${r}${c}`, (r, c) => (used.has(`$d${r}${c}`) ? `$d${r}${c}` : undefined)),
          points,
          coutBytes: y.cp * F,
          yTile: size * y.pixelBytes,
          mRow,
          bias: o.bias !== undefined,
          biasAt: o.bias ?? 0,
          accumulate: o.accumulate,
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
      const group = { ...g, uStart: uOffset, blockBytes, mColumn: g.first * 16, chanStep: g.nv * 16, tile: { ...micro, rowsBytes: TILE_ROWS * vRow, outBytes: TILE_ROWS * mRow, bias: false, accumulate: false, cin, k: 1, pixelSkip: 0, rowSkip: 0 } };
      uOffset += blockBytes * g.count;
      return group;
    }),
    transform: {
      name: o.transform,
      form: form.name,
      taps: Array.from({ length: 9 }, (_, t) => ({ g: `$g${t}` })),
      locals: winogradLocals(alpha),
      // U = G g Gᵀ into $d, one local a point.
      code: sandwich(form.G, (r, c) => `$g${3 * r + c}`, (r, c) => `$d${r}${c}`),
      stores: pointsOf(alpha, uPlane, 0).map((p) => ({ d: p.d, off: p.vOff })),
      // Per block: 9 taps of [ci][lanes] (a slab each) in, one slab a point out.
      groups: (() => {
        let from = o.blocks;
        let to = o.u;
        return groups.map((g) => {
          const slab = cin * g.nv * 16;
          const group = { count: g.count, from, to, slab, blockBytes: 9 * slab, taps: Array.from({ length: 9 }, (_, t) => ({ g: `$g${t}`, off: t * slab })) };
          from += 9 * slab * g.count;
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
export function winogradGradForm(k: number, stride: number, height: number, width: number, cin: number, cout: number): WinogradForm | undefined {
  const form = winogradForm(k, stride, height, width, cin, cout);
  return form && cin >= 16 && cout >= 16 ? form : undefined;
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
        return { readRows, readCols, loads, code: inputTransform(form, loads), points, cinBytes: x.cp * F, xTile: size * x.pixelBytes, scratchChannel: panel, scratchTile: 16 };
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
        const loads = t.places(outRows, outCols);
        const zero = new Set(loads.filter((l) => l.zero).map((l) => l.d));
        return { outRows, outCols, loads, code: sandwich(A, (r, c) => (zero.has(`$d${r}${c}`) ? undefined : `$d${r}${c}`), (r, c) => `$d${r}${c}`), points, coutBytes: y.cp * F, yTile: size * y.pixelBytes, scratchChannel: panel, scratchTile: 16 };
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
    // dw = Gᵀ dU G into $d (3×3), stored tap by tap.
    final: sandwich(transpose(form.G), (r, c) => `$d${r}${c}`, (r, c) => `$d${r}${c}`),
    taps: Array.from({ length: 9 }, (_, tap) => ({ d: `$d${Math.floor(tap / 3)}${tap % 3}`, off: tap * duPlane })),
  };
}
