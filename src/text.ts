// Small text helpers shared by the messages of several stages.
import { distance } from 'fastest-levenshtein';
import type { Shape } from './infer/shape.js';
import { opOf } from './ops/index.js';
import type { Layer } from './ops/types.js';

/** The candidate closest to `word`, when it is close enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** Right-aligns numeric columns; the first row is the header. */
export function table(rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat(widths[column]! - [...cell].length);
        return numeric[column] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** 9.46 M, 627.2 K: FLOPs and other large counts, readable at a glance. */
export function humanCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} K`;
  return String(value);
}

/** A layer's options in a few words: "5×5, 3→16, pad 2" (its op's own description). */
export function describeLayer(layer: Layer, inputs: readonly Shape[]): string {
  const op = opOf(layer.type);
  return op ? op.describe(layer as never, inputs) : '';
}
