// Aligning two networks' layers. Layers with the same name (and type) are the same layer,
// wherever they stand; the others are aligned as sequences on type and options, keeping as
// much matched as possible — so an inserted layer shows as one insertion, not as every
// later layer changed. Matched layers whose order changed are marked as moved.
import type { Layer } from '../resolve/index.js';

export interface Row {
  /** Index in network a, absent for an added layer. */
  readonly a?: number;
  /** Index in network b, absent for a removed layer. */
  readonly b?: number;
  /** Both sides present, but in another order relative to the other matched layers. */
  readonly moved: boolean;
}

function options(layer: Layer): string {
  const { name: _name, ...rest } = layer;
  return JSON.stringify(rest);
}

/** Rows in b's order, removed layers placed after their predecessor in a. */
export function alignLayers(a: readonly Layer[], b: readonly Layer[]): Row[] {
  const pairs: { a?: number; b?: number }[] = [];
  const byName = new Map(b.map((layer, j) => [layer.name, j]));
  const pairedA = new Set<number>();
  const pairedB = new Set<number>();
  a.forEach((layer, i) => {
    const j = byName.get(layer.name);
    if (j !== undefined && b[j]!.type === layer.type) {
      pairs.push({ a: i, b: j });
      pairedA.add(i);
      pairedB.add(j);
    }
  });
  const restA = a.map((_, i) => i).filter((i) => !pairedA.has(i));
  const restB = b.map((_, j) => j).filter((j) => !pairedB.has(j));
  pairs.push(...alignSequences(restA.map((i) => a[i]!), restB.map((j) => b[j]!)).map((p) => ({ a: p.a === undefined ? undefined : restA[p.a], b: p.b === undefined ? undefined : restB[p.b] })));

  const matched = pairs.filter((p): p is { a: number; b: number } => p.a !== undefined && p.b !== undefined).sort((p, q) => p.b - q.b);
  const inOrder = longestIncreasing(matched.map((p) => p.a));
  const moved = new Set(matched.filter((_, k) => !inOrder.has(k)).map((p) => p.a));
  // Order: by position in b; a layer only in a goes after the nearest earlier layer of a.
  const position = (p: { a?: number; b?: number }): number => {
    if (p.b !== undefined) return p.b;
    for (let i = p.a! - 1; i >= 0; i--) {
      const before = pairs.find((q) => q.a === i && q.b !== undefined);
      if (before) return before.b! + 0.5 + p.a! / (10 * a.length + 10);
    }
    return -1 + p.a! / (10 * a.length + 10);
  };
  return pairs
    .map((p) => ({ ...p, at: position(p) }))
    .sort((p, q) => p.at - q.at)
    .map(({ a: i, b: j }) => ({ ...(i === undefined ? {} : { a: i }), ...(j === undefined ? {} : { b: j }), moved: i !== undefined && moved.has(i) }));
}

/** Sequence alignment on type and options (a gap costs nothing; a pair scores 2 if equal, 1 if only the type is). */
function alignSequences(a: readonly Layer[], b: readonly Layer[]): { a?: number; b?: number }[] {
  const score = (x: Layer, y: Layer) => (x.type !== y.type ? undefined : options(x) === options(y) ? 2 : 1);
  const best = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const s = score(a[i]!, b[j]!);
      best[i]![j] = Math.max(best[i + 1]![j]!, best[i]![j + 1]!, s === undefined ? -Infinity : s + best[i + 1]![j + 1]!);
    }
  }
  const pairs: { a?: number; b?: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const s = i < a.length && j < b.length ? score(a[i]!, b[j]!) : undefined;
    if (s !== undefined && best[i]![j] === s + best[i + 1]![j + 1]!) pairs.push({ a: i++, b: j++ });
    else if (i < a.length && (j === b.length || best[i]![j] === best[i + 1]![j])) pairs.push({ a: i++ });
    else pairs.push({ b: j++ });
  }
  return pairs;
}

/** Indexes (into `values`) of a longest strictly increasing subsequence. */
function longestIncreasing(values: readonly number[]): Set<number> {
  const length = values.map(() => 1);
  const previous = values.map(() => -1);
  values.forEach((v, k) => {
    for (let m = 0; m < k; m++) {
      if (values[m]! < v && length[m]! + 1 > length[k]!) {
        length[k] = length[m]! + 1;
        previous[k] = m;
      }
    }
  });
  const kept = new Set<number>();
  let k = length.indexOf(Math.max(0, ...length));
  while (k >= 0) {
    kept.add(k);
    k = previous[k]!;
  }
  return kept;
}
