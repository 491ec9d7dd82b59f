// Winograd's minimal filtering (see winograd.ts): the forms F(m×m, r×r) as their matrices,
// and the printer that turns a transform out = L·D·Lᵀ into WebAssembly statements over
// v128 locals, so every form shares the same templates.

/** A form F(m×m, r×r): its output tile m, kernel r, input tile α = m + r − 1, and transforms Bᵀ (α×α), G (α×r), Aᵀ (m×α). */
export interface WinogradForm {
  readonly name: string;
  readonly m: number;
  readonly r: number;
  readonly alpha: number;
  readonly BT: readonly (readonly number[])[];
  readonly G: readonly (readonly number[])[];
  readonly AT: readonly (readonly number[])[];
}

/** Interpolation points 0, ±1 and ∞. */
export const F2: WinogradForm = {
  name: 'F(2×2, 3×3)',
  m: 2,
  r: 3,
  alpha: 4,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

/** Interpolation points 0, ±1, ±2 and ∞ (Lavin & Gray's choice, accurate enough in float32). */
export const F4: WinogradForm = {
  name: 'F(4×4, 3×3)',
  m: 4,
  r: 3,
  alpha: 6,
  BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
  G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

/**
 * The Toom–Cook form F(m×m, r×r) from α − 1 finite interpolation points and ∞ (α = m + r − 1):
 * Aᵀ[i][j] = p_j^i; G[j][k] = p_j^k / Π_{l≠j}(p_j − p_l); row j of Bᵀ holds the coefficients of
 * Π_{l≠j}(x − p_l), lowest power first — and for ∞: Aᵀ's last column and G's last row pick the
 * highest power, Bᵀ's last row is Π_l(x − p_l). With 0, ±1, ±2 and r = 3 this is F4 above,
 * entry for entry.
 */
export function toomCook(m: number, r: number, points: readonly number[]): WinogradForm {
  const alpha = m + r - 1;
  if (points.length !== alpha - 1) throw new Error(`F(${m}, ${r}) needs ${alpha - 1} finite points, not ${points.length}`);
  /** Ascending coefficients of Π (x − root) over `roots`, padded to α. */
  const product = (roots: readonly number[]) => {
    let coefficients = [1];
    for (const root of roots) coefficients = [...coefficients, 0].map((c, i) => (i > 0 ? coefficients[i - 1]! : 0) - root * c);
    return [...coefficients, ...Array(alpha - coefficients.length).fill(0)];
  };
  const others = (j: number) => points.filter((_, l) => l !== j);
  const last = (i: number, size: number) => (i === size - 1 ? 1 : 0);
  return {
    name: `F(${m}×${m}, ${r}×${r})`,
    m,
    r,
    alpha,
    AT: Array.from({ length: m }, (_, i) => [...points.map((p) => p ** i), last(i, m)]),
    G: [...points.map((p, j) => Array.from({ length: r }, (_, k) => p ** k / others(j).reduce((n, q) => n * (p - q), 1))), Array.from({ length: r }, (_, k) => last(k, r))],
    BT: [...points.map((_, j) => product(others(j))), product(points)],
  };
}

/** F(4×4, 5×5) through the points 0, ±1, ±2, ±½ and ∞ (the input tile and points of the usual F(6×6, 3×3)). */
export const F4x5: WinogradForm = toomCook(4, 5, [0, 1, -1, 2, -2, 0.5, -0.5]);

export const transpose = (m: readonly (readonly number[])[]) => m[0]!.map((_, c) => m.map((row) => row[c]!));

/** The v128 locals of a tile: $d (α×α, in and out), $t (the sandwich's middle) and $u (a 1-D transform's scratch). */
export function winogradLocals(alpha: number): string[] {
  const grid = Array.from({ length: alpha * alpha }, (_, i) => [`$d${Math.floor(i / alpha)}${i % alpha}`, `$t${Math.floor(i / alpha)}${i % alpha}`]).flat();
  return [...grid, ...Array.from({ length: alpha + 2 }, (_, n) => `$u${n}`)];
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
 * out = L·x for one vector x of locals (`input(k)`, undefined where known to be zero): statements
 * setting `output(i)` (left out where undefined). Interpolation points come in pairs ±p, and
 * the matrices carry them as pairs of rows or columns equal up to the sign of odd powers; each
 * pair is computed once from its even and odd parts (E ± O), which about halves the adds of an
 * 8-point transform. `temp(n)` names scratch locals (n < 2 + the number of inputs).
 */
function transform1d(L: readonly (readonly number[])[], input: (k: number) => string | undefined, output: (i: number) => string | undefined, temp: (n: number) => string): string[] {
  const p = L.length;
  const q = L[0]!.length;
  const code: string[] = [];
  const set = (target: string, expr: string | undefined) => code.push(`(local.set ${target} ${expr ?? '(v128.const i32x4 0 0 0 0)'})`);
  const sign = (k: number) => (k % 2 === 0 ? 1 : -1);
  // Columns k < k′ with L[i][k′] = (−1)^i·L[i][k] (Aᵀ's points ±p): x_k ± x_k′ once, shared by every row.
  const sources: { local: string; column: (i: number) => number }[] = [];
  const paired = new Set<number>();
  for (let k = 0; k < q; k++) {
    if (paired.has(k) || input(k) === undefined || L.every((row) => row[k] === 0)) continue;
    const partner = Array.from({ length: q }, (_, j) => j).find((j) => j > k && !paired.has(j) && input(j) !== undefined && L.every((row, i) => row[j] === sign(i) * row[k]!));
    if (partner === undefined) continue;
    paired.add(k).add(partner);
    const [sum, difference] = [temp(2 + sources.length), temp(3 + sources.length)];
    code.push(`(local.set ${sum} (f32x4.add (local.get ${input(k)}) (local.get ${input(partner)})))`, `(local.set ${difference} (f32x4.sub (local.get ${input(k)}) (local.get ${input(partner)})))`);
    sources.push({ local: sum, column: (i) => (i % 2 === 0 ? L[i]![k]! : 0) }, { local: difference, column: (i) => (i % 2 === 0 ? 0 : L[i]![k]!) });
  }
  for (let k = 0; k < q; k++) {
    const local = input(k);
    if (!paired.has(k) && local !== undefined) sources.push({ local, column: (i) => L[i]![k]! });
  }
  const row = (i: number, keep: (k: number) => boolean = () => true) => combination(sources.filter((_, k) => keep(k)).map((src) => ({ coef: src.column(i), local: src.local })));
  // Rows i < i′ with L[i′][k] = ±(−1)^k·L[i][k] (Bᵀ's and A's points ±p), where no columns paired: E ± O.
  const done = new Set<number>();
  if (paired.size === 0) {
    // With no columns paired, sources[k] is column k of the inputs that are not zero: parity by column.
    const columnOf = Array.from({ length: q }, (_, k) => k).filter((k) => input(k) !== undefined);
    for (let i = 0; i < p; i++) {
      if (done.has(i) || output(i) === undefined) continue;
      for (let j = i + 1; j < p; j++) {
        if (done.has(j) || output(j) === undefined) continue;
        const overall = [1, -1].find((o) => L[j]!.every((c, k) => c === o * sign(k) * L[i]![k]!));
        if (overall === undefined || L[i]!.every((c) => c === 0)) continue;
        const even = row(i, (n) => sign(columnOf[n]!) === 1);
        const odd = row(i, (n) => sign(columnOf[n]!) === -1);
        if (even === undefined || odd === undefined) break;
        set(temp(0), even);
        set(temp(1), odd);
        set(output(i)!, `(f32x4.add (local.get ${temp(0)}) (local.get ${temp(1)}))`);
        set(output(j)!, overall === 1 ? `(f32x4.sub (local.get ${temp(0)}) (local.get ${temp(1)}))` : `(f32x4.sub (local.get ${temp(1)}) (local.get ${temp(0)}))`);
        done.add(i).add(j);
        break;
      }
    }
  }
  for (let i = 0; i < p; i++) if (!done.has(i) && output(i) !== undefined) set(output(i)!, row(i));
  return code;
}

/** Statements a sandwich interleaves with its arithmetic: a point's load before its column is used, an output's store once its row is made. */
export interface TileIo {
  load?(r: number, c: number): string | undefined;
  store?(r: number, c: number): string | undefined;
}

/**
 * out = L · D · Lᵀ for a q×q grid of v128 locals D (`input(r, c)`, undefined where known to
 * be zero) and L of p×q: statements setting $t = L · D column by column, then out
 * (`output(r, c)`, p×p; left out where undefined) = $t · Lᵀ row by row (transform1d each).
 * With `io`, column c's loads come just before its column is used and row r's stores just
 * after it is made: an 8×8 tile's 64 values then need not all be live at once.
 */
export function sandwich(L: readonly (readonly number[])[], input: (r: number, c: number) => string | undefined, output: (r: number, c: number) => string | undefined, io: TileIo = {}): string[] {
  const p = L.length;
  const q = L[0]!.length;
  const temp = (n: number) => `$u${n}`;
  const code: string[] = [];
  const defined = (s: string | undefined): s is string => s !== undefined;
  // A column of $t is known zero where its column of D is.
  const live = Array.from({ length: q }, (_, j) => Array.from({ length: q }, (_, k) => input(k, j)).some((local) => local !== undefined));
  for (let j = 0; j < q; j++) {
    if (!live[j]) continue;
    if (io.load) code.push(...Array.from({ length: q }, (_, k) => (input(k, j) === undefined ? undefined : io.load!(k, j))).filter(defined));
    code.push(...transform1d(L, (k) => input(k, j), (i) => `$t${i}${j}`, temp));
  }
  for (let i = 0; i < p; i++) {
    code.push(...transform1d(L, (k) => (live[k] ? `$t${i}${k}` : undefined), (j) => output(i, j), temp));
    if (io.store) code.push(...Array.from({ length: p }, (_, j) => (output(i, j) === undefined ? undefined : io.store!(i, j))).filter(defined));
  }
  return code;
}
