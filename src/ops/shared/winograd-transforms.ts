// Winograd's minimal filtering (see winograd.ts): the forms F(m×m, 3×3) as their matrices,
// and the printer that turns a transform out = L·D·Lᵀ into WebAssembly statements over
// v128 locals, so every form shares the same templates.

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

export const transpose = (m: readonly (readonly number[])[]) => m[0]!.map((_, c) => m.map((row) => row[c]!));

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
