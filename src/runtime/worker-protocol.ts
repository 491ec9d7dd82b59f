// The handshake between the training loop's thread and its workers, in shared memory.

export const COMMAND = { train: 1, evaluate: 2, exit: 3 } as const;

/** Slots of the Int32 control block. */
export const SLOT = { posted: 0, command: 1, total: 2, done: 3, step: 4, seed: 5 } as const;
export const CONTROL_SLOTS = 6;

export interface WorkerData {
  /** The generated model module the worker imports its Net from. */
  readonly modelUrl: string;
  /** From Net.allocate(regions). */
  readonly shared: unknown;
  /** The regions this worker works through, in order. */
  readonly regions: readonly number[];
  /** Each region's share of the current batch: [region][sample count, first sample]. */
  readonly shares: Int32Array;
  readonly control: Int32Array;
  /** The sum of the worker's regions' losses (mean times samples), written before it signals done. */
  readonly loss: Float64Array;
  /** [1] when the worker failed, then its error message (UTF-8, zero-terminated). */
  readonly failure: Uint8Array;
}
