// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016) for the WebAssembly
// backend's 3×3 stride-1 passes: each 2×2 block of outputs comes from a 4×4 tile of inputs
// with 16 multiplies per input-output channel pair instead of 36. A pass runs in three
// phases over a chunk of samples, all through one scratch area of the thread:
//
//   input tiles   V[ξ][row][ci] = (Bᵀ d B)[ξ]   for every tile (a row) and channel
//   16 GEMMs      M[ξ][row][co] = Σ_ci V[ξ][row][ci] · U[ξ][ci][co]   (the conv's micro-kernel)
//   output tiles  y[2×2 block]  = Aᵀ M A  (+ bias, or added to y)
//
// U = G g Gᵀ is the kernels' transform, made once a step by prepare() from the packed
// blocks. FLOPs are still counted as the direct convolution's (nominally), so throughput
// figures stay comparable with other tools.
import { CompilerBug } from '../../lower/verify.js';
import { F, type WasmBuffer } from '../../emit/wasm/plan.js';
import { columnBlocks, tile, TILE_ROWS } from './gemm.js';

/** Points of the transform: 4 × 4. */
const POINTS = 16;

/** Bytes of V and M a chunk of samples may fill: a few of the 16 planes stay in a core's L2. */
const SCRATCH_BYTES = 1024 * 1024;

/**
 * Whether a pass producing `height × width` outputs is cheaper as F(2×2, 3×3): its
 * multiplies (16 a 2×2 tile, edge tiles counted whole) at most 0.6 of the direct 9 an
 * output, so that the transforms' adds are paid for. Small maps (3×3: 64 against 81) stay direct.
 */
export function winogradPays(k: number, stride: number, height: number, width: number, cin: number, cout: number): boolean {
  if (k !== 3 || stride !== 1 || cin < 4 || cout < 4) return false;
  const tiles = Math.ceil(height / 2) * Math.ceil(width / 2);
  return tiles * POINTS <= 0.6 * height * width * 9;
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

/** Scratch bytes a pass needs: V and M for one chunk of samples. */
export function winogradScratch(x: WasmBuffer, y: WasmBuffer) {
  const tilesH = Math.ceil(y.height / 2);
  const tilesW = Math.ceil(y.width / 2);
  // Rows of a sample in V and M: its tiles, padded to whole micro-kernel tiles.
  const rows = Math.ceil((tilesH * tilesW) / TILE_ROWS) * TILE_ROWS;
  const perSample = POINTS * rows * (x.cp + y.cp) * F;
  const chunk = Math.max(1, Math.floor(SCRATCH_BYTES / perSample));
  return { tilesH, tilesW, rows, chunk, bytes: chunk * perSample };
}

/**
 * How F(2×2, 3×3) tiles the outputs of a pass reading `x` from `pad` pixels before its
 * origin: each tile's input loads (zeros where a tile runs past the buffer's border) and
 * output places (left out past the outputs), and the tile rows and columns as runs for
 * wasm-winograd-tiles.hbs: full ones in a loop, then the edge.
 */
function tiling(label: string, x: WasmBuffer, pad: number, y: WasmBuffer) {
  const tilesH = Math.ceil(y.height / 2);
  const tilesW = Math.ceil(y.width / 2);
  // Input rows a tile may read: from the window's corner (pad before pixel 0) to the last
  // row of the buffer's zero border. Only the last tile row or column can run past it.
  const readable = (tileIndex: number, size: number) => Math.min(4, size - 1 + x.pad - (2 * tileIndex - pad) + 1);
  if (pad > x.pad) throw new CompilerBug(`${label}: a Winograd pass reads ${pad} pixels before its input, whose border is ${x.pad}`);
  const edgeReadRows = readable(tilesH - 1, x.height);
  const edgeReadCols = readable(tilesW - 1, x.width);
  if ((tilesH > 1 && readable(tilesH - 2, x.height) < 4) || (tilesW > 1 && readable(tilesW - 2, x.width) < 4) || edgeReadRows < 1 || edgeReadCols < 1) {
    throw new CompilerBug(`${label}: Winograd tiles of ${y.height}×${y.width} outputs read outside ${x.shape}`);
  }
  const loads = (readRows: number, readCols: number) =>
    Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, c) => ({ d: `$d${r}${c}`, off: r * x.rowBytes + c * x.pixelBytes, zero: r >= readRows || c >= readCols }))).flat();
  /** A tile's 2×2 outputs (or their gradients), and whether each is past the map. */
  const places = (outRows: number, outCols: number) =>
    [0, 1].flatMap((r) => [0, 1].map((c) => ({ d: `$d${r}${c}`, off: r * y.rowBytes + c * y.pixelBytes, skip: r >= outRows || c >= outCols, zero: r >= outRows || c >= outCols })));
  // Tile rows and columns that read 4 pixels and write 2 in full; the last may do less.
  const fullRows = edgeReadRows === 4 && y.height % 2 === 0 ? tilesH : tilesH - 1;
  const fullCols = edgeReadCols === 4 && y.width % 2 === 0 ? tilesW : tilesW - 1;
  const edgeRows = fullRows < tilesH ? { read: edgeReadRows, out: y.height - 2 * fullRows } : undefined;
  const edgeCols = fullCols < tilesW ? { read: edgeReadCols, out: y.width - 2 * fullCols } : undefined;
  /** Tile rows (full ones in a loop, then the edge) of tile columns (the same), each a variant of the tile. */
  const runs = <T>(variant: (rowsIn: number, colsIn: number, rowsOut: number, colsOut: number) => T) => {
    const columns = (rowsIn: number, rowsOut: number) => ({
      full: fullCols > 0 ? { count: fullCols, ...variant(rowsIn, 4, rowsOut, 2) } : undefined,
      edge: edgeCols ? variant(rowsIn, edgeCols.read, rowsOut, edgeCols.out) : undefined,
    });
    return {
      full: fullRows > 0 ? { count: fullRows, ...columns(4, 2) } : undefined,
      edge: edgeRows ? columns(edgeRows.read, edgeRows.out) : undefined,
    };
  };
  return { tilesH, tilesW, tiles: tilesH * tilesW, loads, places, runs, corner: x.originBytes - pad * (x.rowBytes + x.pixelBytes) };
}

/** The 16 points' locals and their planes' offsets in the scratch. */
function pointsOf(vPlane: number, mPlane: number) {
  return Array.from({ length: POINTS }, (_, i) => ({ i, d: `$d${i >> 2}${i & 3}`, vOff: i * vPlane, mOff: i * mPlane }));
}

/** The template's view of one Winograd pass (wasm-winograd.hbs). */
export function winogradPass(o: WinogradOptions) {
  const { x, y, cin } = o;
  const { rows, chunk } = winogradScratch(x, y);
  const { tilesH, tilesW, loads, places, runs, corner } = tiling(o.label, x, o.pad, y);
  const vRow = x.cp * F;
  const mRow = y.cp * F;
  const vPlane = chunk * rows * vRow;
  const mPlane = chunk * rows * mRow;
  const v = o.scratch;
  const m = o.scratch + POINTS * vPlane;
  const points = pointsOf(vPlane, mPlane);
  const groups = columnBlocks(y.cp / 4);
  let uOffset = 0;
  return {
    label: o.label,
    chunk,
    tiles: `${tilesH}×${tilesW}`,
    rows,
    input: {
      what: 'input tiles V = Bᵀ d B',
      scratch: v,
      start: o.xAt + corner,
      sample: x.sampleBytes,
      tileRow: 2 * x.rowBytes,
      scratchSample: rows * vRow,
      rowRuns: runs((readRows, readCols) => ({ readRows, readCols, loads: loads(readRows, readCols), points, cinBytes: x.cp * F, xTile: 2 * x.pixelBytes, scratchChannel: 16, scratchTile: vRow })),
    },
    output: {
      what: 'output tiles y = Aᵀ M A',
      scratch: m,
      start: o.yAt + y.originBytes,
      sample: y.sampleBytes,
      tileRow: 2 * y.rowBytes,
      scratchSample: rows * mRow,
      rowRuns: runs((_rowsIn, _colsIn, outRows, outCols) => ({
        outRows,
        outCols,
        stores: places(outRows, outCols),
        points,
        coutBytes: y.cp * F,
        yTile: 2 * y.pixelBytes,
        mRow,
        bias: o.bias !== undefined,
        biasAt: o.bias ?? 0,
        accumulate: o.accumulate,
      })),
    },
    v,
    m,
    vPlane,
    mPlane,
    u: o.u,
    uPlane: cin * y.cp * F,
    groups: groups.map((g) => {
      const blockBytes = cin * g.nv * 16;
      const micro = tile(TILE_ROWS, g.nv, vRow, mRow);
      const group = { ...g, uStart: uOffset, blockBytes, mColumn: g.first * 16, chanStep: g.nv * 16, tile: { ...micro, rowsBytes: TILE_ROWS * vRow, outBytes: TILE_ROWS * mRow, bias: false, accumulate: false, cin, k: 1, pixelSkip: 0, rowSkip: 0 } };
      uOffset += blockBytes * g.count;
      return group;
    }),
    transform: {
      name: o.transform,
      taps: Array.from({ length: 9 }, (_, t) => ({ g: `$g${t}` })),
      // Per block: 9 taps of [ci][lanes] (a slab each) in, one slab a point out.
      groups: (() => {
        let from = o.blocks;
        let to = o.u;
        const uPlane = cin * y.cp * F;
        return groups.map((g) => {
          const slab = cin * g.nv * 16;
          const group = {
            count: g.count,
            from,
            to,
            slab,
            blockBytes: 9 * slab,
            taps: Array.from({ length: 9 }, (_, t) => ({ g: `$g${t}`, off: t * slab })),
            rows: [0, 1, 2, 3].map((r) => ({ a0: `$w${r}0`, a1: `$w${r}1`, a2: `$w${r}2`, p0: (4 * r) * uPlane, p1: (4 * r + 1) * uPlane, p2: (4 * r + 2) * uPlane, p3: (4 * r + 3) * uPlane })),
          };
          from += 9 * slab * g.count;
          to += slab * g.count;
          return group;
        });
      })(),
    },
  };
}

/**
 * Whether dL/dw of a pass where F(2×2, 3×3) pays goes by it too: it transforms x and dy for
 * every chunk, so it needs many channels to win — measured on cifar10-resnet (one thread,
 * batch 32), 128 → 128 channels at 7×7: 18.3 → 16.1 ms a backward pass, but 24 → 32 at 31×31:
 * 11.0 → 15.9 ms, and 32 → 128 at 15×15 no faster.
 */
export function winogradGradPays(cin: number, cout: number): boolean {
  return cin >= 64 && cout >= 64;
}

export interface WinogradGradOptions {
  label: string;
  x: WasmBuffer;
  pad: number;
  y: WasmBuffer;
  /** Region-relative: dw's packed rows [tap][ci][co], and dU ([ξ][ci][co], summed over chunks). */
  dw: number;
  du: number;
  /** Region-relative scratch, as for the passes (winogradScratch(x, y)). */
  scratch: number;
}

/** Bytes of dU, the weight gradient in the transformed domain. */
export function winogradGradBytes(x: WasmBuffer, y: WasmBuffer): number {
  return POINTS * x.cp * y.cp * F;
}

/**
 * The template's view of dL/dw by F(2×2, 3×3) (wasm-winograd-dw.hbs): the input tiles V as in
 * the forward pass and the output gradients' tiles dM = A dY Aᵀ, both in panels of four
 * channels ([ξ][channels / 4][tile][4]), so that each of the 16 GEMMs dU[ξ] += V[ξ]ᵀ·dM[ξ]
 * runs over the chunk's tiles on two contiguous streams; then dw = Gᵀ dU G.
 */
export function winogradWeightGrad(o: WinogradGradOptions) {
  const { x, y } = o;
  const { rows, chunk } = winogradScratch(x, y);
  const t = tiling(o.label, x, o.pad, y);
  // A panel holds one vector of four channels for every tile of a chunk.
  const panel = chunk * rows * 16;
  const vPlane = (x.cp / 4) * panel;
  const mPlane = (y.cp / 4) * panel;
  const v = o.scratch;
  const m = o.scratch + POINTS * vPlane;
  const points = pointsOf(vPlane, mPlane);
  const duPlane = x.cp * y.cp * F;
  return {
    label: o.label,
    chunk,
    tiles: `${t.tilesH}×${t.tilesW}`,
    tileCount: t.tiles,
    du: o.du,
    duBytes: POINTS * duPlane,
    dw: o.dw,
    input: {
      what: 'input tiles V = Bᵀ d B, in panels',
      scratch: v,
      start: x.at + t.corner,
      sample: x.sampleBytes,
      tileRow: 2 * x.rowBytes,
      scratchSample: t.tiles * 16,
      rowRuns: t.runs((readRows, readCols) => ({ readRows, readCols, loads: t.loads(readRows, readCols), points, cinBytes: x.cp * F, xTile: 2 * x.pixelBytes, scratchChannel: panel, scratchTile: 16 })),
    },
    grad: {
      what: 'output-gradient tiles dM = A g Aᵀ, in panels',
      scratch: m,
      start: y.gradAt + y.originBytes,
      sample: y.sampleBytes,
      tileRow: 2 * y.rowBytes,
      scratchSample: t.tiles * 16,
      rowRuns: t.runs((_rowsIn, _colsIn, outRows, outCols) => ({ outRows, outCols, loads: t.places(outRows, outCols), points, coutBytes: y.cp * F, yTile: 2 * y.pixelBytes, scratchChannel: panel, scratchTile: 16 })),
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
    duPoints: Array.from({ length: POINTS }, (_, i) => ({ d: `$d${i >> 2}${i & 3}`, off: i * duPlane })),
    taps: Array.from({ length: 9 }, (_, tap) => ({ d: `$d${Math.floor(tap / 3)}${tap % 3}`, off: tap * duPlane })),
  };
}
