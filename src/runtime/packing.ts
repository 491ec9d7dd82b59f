// Weights in the layouts the WebAssembly kernels want, and gradients back. Parameters are
// kept in one canonical layout — w[output][input][tap], as both backends, checkpoints and
// weights.bin have them — and the kernels repack them once per step and unpack the
// gradients each thread computes. Both are plain gathers through index tables written here
// once per memory: a layout's arithmetic (blocks, flips, HWC rows) done in JavaScript for
// every element of every step cost more than a small net's whole forward pass.

/** Where a packed layout puts element (output o, input i, tap t) of a canonical tensor. */
export interface Layout {
  readonly outputs: number;
  readonly inputs: number;
  readonly taps: number;
  /** 'blocks': the widths of successive blocks of columns; 'rows': the row width. */
  readonly kind: 'blocks' | 'rows';
  readonly widths?: readonly number[];
  readonly width: number;
  /** Taps reversed (dL/dx of a convolution correlates with the flipped kernel). */
  readonly flip: boolean;
  /** Columns are the canonical inputs, and rows the outputs (dL/dx). */
  readonly swap: boolean;
  /** Inputs are a C×H×W image read pixel by pixel: input c·pixels + p goes to row p·cp + c. */
  readonly hwc?: { readonly channels: number; readonly pixels: number; readonly cp: number };
  /** Rows per tap ('rows'); at least `inputs`. */
  readonly packedInputs?: number;
}

function row(layout: Layout, i: number): number {
  const hwc = layout.hwc;
  return hwc ? (i % hwc.pixels) * hwc.cp + Math.floor(i / hwc.pixels) : i;
}

/**
 * Calls place(packed index, canonical index) for every element of the packed layout that
 * holds a weight. 'blocks': [block][tap][row][lane], columns in blocks of `widths` lanes
 * (zero beyond the last column) — what a GEMM micro-kernel loads as whole vectors. 'rows':
 * [tap][row][column] with `width` columns (zero-padded), or, swapped, [tap][output][row].
 */
function placements(layout: Layout, place: (packed: number, canonical: number) => void): void {
  const { outputs, inputs, taps } = layout;
  const canonical = (o: number, i: number, tap: number) => (o * inputs + i) * taps + (layout.flip ? taps - 1 - tap : tap);
  if (layout.kind === 'rows') {
    const rows = layout.packedInputs ?? inputs;
    for (let o = 0; o < outputs; o++) {
      for (let i = 0; i < inputs; i++) {
        for (let t = 0; t < taps; t++) place(layout.swap ? (t * outputs + o) * layout.width + row(layout, i) : (t * rows + row(layout, i)) * layout.width + o, canonical(o, i, t));
      }
    }
    return;
  }
  // Columns are outputs (or, swapped, inputs); each block's rows run over the other kind.
  const [columns, rows] = layout.swap ? [inputs, outputs] : [outputs, inputs];
  let p = 0;
  let first = 0;
  for (const width of layout.widths ?? []) {
    for (let t = 0; t < taps; t++) {
      for (let r = 0; r < rows; r++) {
        for (let lane = 0; lane < width; lane++, p++) {
          const column = first + lane;
          if (column < columns) place(p, layout.swap ? canonical(r, column, t) : canonical(column, r, t));
        }
      }
    }
    first += width;
  }
}

/**
 * The table a packing gathers through: for each of the `length` packed elements, the byte
 * address of the weight it holds (the tensor starts at `fromAt`), or `zeroAt`, a zero.
 */
export function packTable(memory: ArrayBufferLike, at: number, layout: Layout, length: number, fromAt: number, zeroAt: number): void {
  const table = new Int32Array(memory, at, length).fill(zeroAt);
  placements(layout, (packed, canonical) => {
    table[packed] = fromAt + canonical * 4;
  });
}

/** The table an unpacking gathers through: for each canonical gradient, its packed value's address (the packing starts at `packedAt`). */
export function unpackTable(memory: ArrayBufferLike, at: number, layout: Layout, packedAt: number): void {
  const table = new Int32Array(memory, at, layout.outputs * layout.inputs * layout.taps);
  placements(layout, (packed, canonical) => {
    table[canonical] = packedAt + packed * 4;
  });
}
