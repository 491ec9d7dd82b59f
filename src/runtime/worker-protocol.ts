// The handshake between the training loop's thread and its workers, in shared memory.

export const COMMAND = { train: 1, evaluate: 2, exit: 3 } as const;

/** Slots of the Int32 control block. */
export const SLOT = { posted: 0, command: 1, n: 2, total: 3, done: 4, first: 5, step: 6, seed: 7 } as const;
export const CONTROL_SLOTS = 8;

export interface WorkerData {
  /** The generated model module the worker imports its Net from. */
  readonly modelUrl: string;
  /** From Net.allocate(threads). */
  readonly shared: unknown;
  /** This worker's thread index (0 is the training loop's own). */
  readonly thread: number;
  readonly control: Int32Array;
  /** The worker's mean loss over its share, written before it signals done. */
  readonly loss: Float64Array;
  /** [1] when the worker failed, then its error message (UTF-8, zero-terminated). */
  readonly failure: Uint8Array;
}
