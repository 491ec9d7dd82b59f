// Weights in the layouts the WebAssembly kernels want, and gradients back. Parameters are
// kept in one canonical layout — w[output][input][tap], as both backends, checkpoints and
// weights.bin have them — and the generated glue (model-wasm.ts) repacks them once per step
// and unpacks the gradients each thread computes.

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
 * 'blocks': [block][tap][row][lane], columns in blocks of `widths` lanes (zero beyond the
 * last column) — what a GEMM micro-kernel loads as whole vectors. 'rows': [tap][row][column]
 * with `width` columns (zero-padded), or, swapped, [tap][output][row].
 */
export function pack(w: ArrayLike<number>, to: Float32Array, layout: Layout): void {
  const { outputs, inputs, taps } = layout;
  if (layout.kind === 'rows') {
    to.fill(0);
    const rows = layout.packedInputs ?? inputs;
    for (let o = 0; o < outputs; o++) {
      for (let i = 0; i < inputs; i++) {
        for (let t = 0; t < taps; t++) {
          const at = layout.swap ? (t * outputs + o) * layout.width + row(layout, i) : (t * rows + row(layout, i)) * layout.width + o;
          to[at] = w[(o * inputs + i) * taps + (layout.flip ? taps - 1 - t : t)]!;
        }
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
      const tap = layout.flip ? taps - 1 - t : t;
      for (let r = 0; r < rows; r++) {
        for (let lane = 0; lane < width; lane++) {
          const column = first + lane;
          if (column >= columns) {
            to[p++] = 0;
            continue;
          }
          const [o, i] = layout.swap ? [r, column] : [column, r];
          to[p++] = w[(o * inputs + i) * taps + tap]!;
        }
      }
    }
    first += width;
  }
}

/** The inverse of pack() for 'rows' layouts: gradients back into the canonical layout. */
export function unpack(from: Float32Array, grads: Float32Array | Float64Array, layout: Layout): void {
  const { outputs, inputs, taps } = layout;
  const rows = layout.packedInputs ?? inputs;
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      for (let t = 0; t < taps; t++) grads[(o * inputs + i) * taps + t] = from[(t * rows + row(layout, i)) * layout.width + o]!;
    }
  }
}
