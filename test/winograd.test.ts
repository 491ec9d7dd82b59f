// Winograd's forms (src/ops/shared/winograd-transforms.ts): the Toom–Cook construction against
// the hand-written F(4×4, 3×3), each form's 1-D identity in float64, and the printed tile
// transforms L·D·Lᵀ — even/odd pairs, known zeros, loads and stores interleaved — run as
// WebAssembly against float64.
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/emit/wasm/assemble.js';
import { F2, F4, F4x5, sandwich, toomCook, transpose, winogradLocals, type WinogradForm } from '../src/ops/shared/winograd-transforms.js';
import { Rng } from '../src/runtime/rng.js';

type Matrix = readonly (readonly number[])[];
const multiply = (a: Matrix, b: Matrix) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const FORMS = [F2, F4, F4x5];

describe("Winograd's forms", () => {
  it('builds F(4×4, 3×3) from the points 0, ±1, ±2 entry for entry as Lavin & Gray write it', () => {
    const built = toomCook(4, 3, [0, 1, -1, 2, -2]);
    expect(built.AT).toEqual(F4.AT);
    expect(built.BT).toEqual(F4.BT);
    built.G.forEach((row, j) => row.forEach((v, k) => expect(v).toBeCloseTo(F4.G[j]![k]!, 15)));
  });

  it.each(FORMS.map((f): [string, WinogradForm] => [f.name, f]))('%s: Aᵀ((G g) ⊙ (Bᵀ d)) is the correlation of d with g', (_, form) => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const d = Array.from({ length: form.alpha }, () => [rng.normal()]);
      const g = Array.from({ length: form.r }, () => [rng.normal()]);
      const u = multiply(form.G, g);
      const v = multiply(form.BT, d);
      const y = multiply(form.AT, u.map((row, i) => [row[0]! * v[i]![0]!]));
      for (let i = 0; i < form.m; i++) {
        const direct = g.reduce((s, gk, k) => s + gk[0]! * d[i + k]![0]!, 0);
        expect(Math.abs(y[i]![0]! - direct)).toBeLessThan(1e-12);
      }
    }
  });

  it('refuses a point count that does not fit the form', () => {
    expect(() => toomCook(4, 5, [0, 1, -1])).toThrow(/needs 7 finite points/);
  });
});

/** Runs sandwich(L, …) as WebAssembly on q×q float32 vectors (four lanes each), rows past `rows` / columns past `cols` known zero. */
function printed(L: Matrix, rows: number, cols: number, d: number[][][]): number[][][] {
  const p = L.length;
  const q = L[0]!.length;
  const size = Math.max(p, q);
  const input = (r: number, c: number) => (r < rows && c < cols ? `$d${r}${c}` : undefined);
  const code = sandwich(L, input, (r, c) => `$d${r}${c}`, {
    load: (r, c) => `(local.set $d${r}${c} (v128.load offset=${16 * (r * q + c)} (i32.const 0)))`,
    store: (r, c) => `(v128.store offset=${4096 + 16 * (r * p + c)} (i32.const 0) (local.get $d${r}${c}))`,
  });
  const locals = winogradLocals(size).map((name) => `(local ${name} v128)`).join(' ');
  const text = `(module (memory (export "memory") 1) (func (export "run") ${locals}\n${code.join('\n')}))`;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble('sandwich.wat', text))).exports as { memory: WebAssembly.Memory; run(): void };
  const memory = new Float32Array(instance.memory.buffer);
  d.forEach((row, r) => row.forEach((lanes, c) => memory.set(lanes, 4 * (r * q + c))));
  instance.run();
  return Array.from({ length: p }, (_, r) => Array.from({ length: p }, (_, c) => Array.from(memory.subarray(1024 + 4 * (r * p + c), 1024 + 4 * (r * p + c) + 4))));
}

describe("Winograd's printed tile transforms", () => {
  const cases = FORMS.flatMap((f) => [
    [`${f.name} input tiles Bᵀ d B`, f.BT],
    [`${f.name} output tiles Aᵀ M A`, f.AT],
    [`${f.name} output-gradient tiles A g Aᵀ`, transpose(f.AT)],
    [`${f.name} kernels G g Gᵀ`, f.G],
  ] as [string, Matrix][]);
  it.each(cases)('%s, whole and with its last row and column known zero, matches float64', (_, L) => {
    const q = L[0]!.length;
    const rng = new Rng(3);
    for (const [rows, cols] of [[q, q], [q - 1, q - 2]] as const) {
      const d = Array.from({ length: q }, (_, r) => Array.from({ length: q }, (_, c) => Array.from({ length: 4 }, () => (r < rows && c < cols ? Math.fround(rng.normal()) : 0))));
      const actual = printed(L, rows, cols, d);
      for (let lane = 0; lane < 4; lane++) {
        const D = d.map((row) => row.map((lanes) => lanes[lane]!));
        const expected = multiply(multiply(L, D), transpose(L));
        const scale = Math.max(1, ...expected.flat().map(Math.abs));
        expected.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(actual[r]![c]![lane]! - v)).toBeLessThan(1e-5 * scale)));
      }
    }
  });
});
