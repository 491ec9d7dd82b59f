// The handshake between the training loop's thread and its workers, in shared memory.
import type { TrainableNet } from './net.js';

export const COMMAND = { train: 1, evaluate: 2, exit: 3 } as const;

/** Slots of the Int32 control block. */
export const SLOT = { posted: 0, command: 1, total: 2, done: 3, step: 4, seed: 5 } as const;
export const CONTROL_SLOTS = 6;

/**
 * Polls while control[slot] still holds `value`, for at most 2 ms, before the caller sleeps
 * on Atomics.wait: the next batch (or a worker's answer) usually comes within a millisecond
 * or two, and waking a sleeping thread can cost a good part of that on a virtual machine.
 */
export function spinWhile(control: Int32Array, slot: number, value: number): void {
  const until = performance.now() + 2;
  while (Atomics.load(control, slot) === value && performance.now() < until);
}

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

/**
 * One thread's part of a command: its regions' forward passes (and backward, to train),
 * each on its share from `shares`. Returns the sum of their losses (mean times samples).
 */
export function runRegions(nets: readonly { readonly r: number; readonly net: TrainableNet }[], shares: Int32Array, command: number, total: number, step: number, seed: number): number {
  let lossSum = 0;
  for (const { r, net } of nets) {
    const n = shares[2 * r]!;
    if (n === 0) continue;
    const ctx = { training: command === COMMAND.train, first: shares[2 * r + 1]!, step, seed };
    net.forward(n, ctx);
    lossSum += net.loss(n, total) * n;
    if (command === COMMAND.train) net.backward(n, ctx);
  }
  return lossSum;
}
