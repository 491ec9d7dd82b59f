// Per-class precision and recall from a confusion matrix (rows: true class, columns:
// predicted class), as MATLAB's confusionchart summarises them.

export interface ClassStats {
  /** Of the images predicted as this class, the fraction that were (NaN when none were). */
  readonly precision: number;
  /** Of the images of this class, the fraction predicted as it (NaN when there were none). */
  readonly recall: number;
  /** Images of this class. */
  readonly support: number;
  /** Images predicted as this class. */
  readonly predicted: number;
}

export function classStats(confusion: readonly (readonly number[])[]): ClassStats[] {
  return confusion.map((row, k) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, r) => sum + r[k]!, 0);
    const correct = row[k]!;
    return { precision: predicted === 0 ? NaN : correct / predicted, recall: support === 0 ? NaN : correct / support, support, predicted };
  });
}
