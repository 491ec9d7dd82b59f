// Data-parallel training on several threads: each thread runs the same generated Net on
// its share of the batch; parameters live in shared memory; gradients are summed in a
// fixed order (this thread's, then each worker's), so a run is reproducible for a given
// number of threads. Workers wait on Atomics, not messages: a handoff costs microseconds.
import { Worker } from 'node:worker_threads';
import type { Augmentation, FloatArray, ModelInfo, NetClass, Trainable, TrainableNet } from './net.js';
import { COMMAND, CONTROL_SLOTS, SLOT, type WorkerData } from './worker-protocol.js';

/** No share of one batch takes this long; a worker silent for longer is gone. */
const STALL_MS = 10 * 60 * 1000;

interface Part {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly loss: Float64Array;
  /** The worker's Net seen from this thread: its input, labels, predictions, gradients. */
  readonly view: TrainableNet;
  readonly failure: Uint8Array;
}

/**
 * How many threads `threads` means here: 'auto' is one per core; at most one per share of
 * the batch (`unit` samples: threads split batches in whole groups of batch norm).
 */
export function threadCount(threads: number | 'auto', batch: number, cores: number, unit = 1): number {
  return Math.max(1, Math.min(threads === 'auto' ? cores : threads, Math.ceil(batch / unit)));
}

export async function createParallel<Shared>(model: ModelInfo, Net: NetClass<Shared>, modelUrl: string, threads: number): Promise<Trainable> {
  const shared = Net.allocate(threads);
  const main = new Net(shared, 0);
  const parts: Part[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
      const loss = new Float64Array(new SharedArrayBuffer(8));
      const failure = new Uint8Array(new SharedArrayBuffer(1024));
      const data: WorkerData = { modelUrl, shared, thread, control, loss, failure };
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
      parts.push({ worker, control, loss, failure, view: new Net(shared, thread) });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
    }
  } catch (error) {
    await Promise.all(parts.map((p) => p.worker.terminate()));
    throw error;
  }
  return new ParallelNet(model, main, parts);
}

class ParallelNet implements Trainable {
  readonly params: FloatArray;
  readonly state: FloatArray;
  readonly tensors: Readonly<Record<string, FloatArray>>;
  readonly grads: FloatArray;
  readonly labels: Uint8Array;
  readonly predictions: Uint8Array;
  private sequence = 0;

  constructor(
    private readonly model: ModelInfo,
    private readonly main: TrainableNet,
    private readonly parts: readonly Part[],
  ) {
    this.params = main.params;
    this.state = main.state;
    this.tensors = main.tensors;
    this.grads = main.grads;
    this.labels = new Uint8Array(model.batch);
    this.predictions = new Uint8Array(model.batch);
  }

  /**
   * The batch slots part p (0 is this thread) computes: [start, start + size) of a full
   * batch, in whole groups of model.splitUnit samples; of a shorter one (n samples), those
   * below n.
   */
  private share(p: number, n = this.model.batch): { start: number; count: number } {
    const threads = this.parts.length + 1;
    const unit = this.model.splitUnit;
    const groups = Math.ceil(this.model.batch / unit);
    const base = Math.floor(groups / threads);
    const extra = groups % threads;
    const start = Math.min(this.model.batch, (p * base + Math.min(p, extra)) * unit);
    const end = Math.min(this.model.batch, start + (base + (p < extra ? 1 : 0)) * unit);
    return { start, count: Math.max(0, Math.min(end - start, n - start)) };
  }

  private net(p: number): TrainableNet {
    return p === 0 ? this.main : this.parts[p - 1]!.view;
  }

  setImage(slot: number, pixels: Uint8Array, offset: number, mean: Float64Array, augment?: Augmentation): void {
    for (let p = this.parts.length; p >= 0; p--) {
      const { start } = this.share(p);
      if (slot >= start) {
        this.net(p).setImage(slot - start, pixels, offset, mean, augment);
        return;
      }
    }
  }

  private run(command: number, n: number, step: number, seed: number): number {
    const sequence = ++this.sequence;
    // Packed weights and the like, made once for every thread.
    this.main.prepare();
    this.parts.forEach((part, k) => {
      const { start, count } = this.share(k + 1, n);
      part.view.labels.set(this.labels.subarray(start, start + count));
      Atomics.store(part.control, SLOT.command, command);
      Atomics.store(part.control, SLOT.n, count);
      Atomics.store(part.control, SLOT.total, n);
      Atomics.store(part.control, SLOT.first, start);
      Atomics.store(part.control, SLOT.step, step);
      Atomics.store(part.control, SLOT.seed, seed | 0);
      Atomics.store(part.control, SLOT.posted, sequence);
      Atomics.notify(part.control, SLOT.posted);
    });
    const own = this.share(0, n).count;
    const ctx = { training: command === COMMAND.train, first: 0, step, seed };
    this.main.labels.set(this.labels.subarray(0, own));
    this.main.forward(own, ctx);
    let lossSum = this.main.loss(own, n) * own;
    if (command === COMMAND.train) this.main.backward(own, ctx);
    this.predictions.set(this.main.predictions.subarray(0, own), 0);
    this.parts.forEach((part, k) => {
      const deadline = Date.now() + STALL_MS;
      while (Atomics.load(part.control, SLOT.done) !== sequence) {
        Atomics.wait(part.control, SLOT.done, sequence - 1, 1000);
        if (part.failure[0] !== 0) throw new Error(`a training thread failed: ${new TextDecoder().decode(part.failure.subarray(1, part.failure.indexOf(0, 1)))}`);
        // A worker that died without a word (killed, out of memory) would leave us waiting.
        if (Date.now() > deadline) throw new Error(`training thread ${k + 1} has not answered for ${STALL_MS / 60000} minutes; it may have died`);
      }
      const { start, count } = this.share(k + 1, n);
      if (count === 0) return;
      lossSum += part.loss[0]! * count;
      this.predictions.set(part.view.predictions.subarray(0, count), start);
      // Gradients summed in a fixed order: this thread's, then each worker's in turn.
      if (command === COMMAND.train) {
        const grads = this.main.grads;
        const other = part.view.grads;
        for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + other[i]!;
      }
    });
    return lossSum / n;
  }

  computeGradients(n: number, step: number, seed = 0): number {
    return this.run(COMMAND.train, n, step, seed);
  }

  evaluate(n: number): number {
    return this.run(COMMAND.evaluate, n, 0, 0);
  }

  step(learningRate: number, iteration: number): void {
    this.main.step(learningRate, iteration);
  }

  useAverage(on: boolean): void {
    this.main.useAverage(on);
  }

  weightDecayLoss(): number {
    return this.main.weightDecayLoss();
  }

  init(normal: () => number): void {
    this.main.init(normal);
  }

  async close(): Promise<void> {
    for (const part of this.parts) {
      Atomics.store(part.control, SLOT.command, COMMAND.exit);
      Atomics.store(part.control, SLOT.posted, ++this.sequence);
      Atomics.notify(part.control, SLOT.posted);
    }
    await Promise.all(this.parts.map((part) => part.worker.terminate()));
  }
}
