// Data-parallel training on several threads. A batch is cut into regions — one Net's
// memory each, holding at most model.chunk samples, in whole batch-norm groups — and each
// thread works through its regions one after another: with large activations, a thread
// then works on a chunk that stays near its caches rather than on its whole share at once.
// Parameters live in shared memory; gradients are summed in a fixed order (region by
// region), so a run is reproducible for a given number of threads (and, where the chunk
// sets the number of regions, for any). Workers wait on Atomics, not messages: a handoff
// costs microseconds.
import { Worker } from 'node:worker_threads';
import type { Augmentation, FloatArray, ModelInfo, NetClass, Trainable, TrainableNet } from './net.js';
import { COMMAND, CONTROL_SLOTS, runRegions, SLOT, spinWhile, type WorkerData } from './worker-protocol.js';

/** No share of one batch takes this long; a worker silent for longer is gone. */
const STALL_MS = 10 * 60 * 1000;

interface Part {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly loss: Float64Array;
  readonly failure: Uint8Array;
}

/**
 * How many threads `threads` means here: 'auto' is one per core; at most one per share of
 * the batch (`unit` samples: threads split batches in whole groups of batch norm).
 */
export function threadCount(threads: number | 'auto', batch: number, cores: number, unit = 1): number {
  return Math.max(1, Math.min(threads === 'auto' ? cores : threads, Math.ceil(batch / unit)));
}

/**
 * Why threadCount gives fewer threads than `threads` asks for ('auto': one a core), to tell
 * the user; undefined where it gives them all.
 */
export function threadShortfall(threads: number | 'auto', batch: number, cores: number, unit = 1): string | undefined {
  const wanted = threads === 'auto' ? cores : threads;
  const got = threadCount(threads, batch, cores, unit);
  if (got >= wanted) return undefined;
  const why = unit > 1 ? `the batch of ${batch} is ${Math.ceil(batch / unit)} batch-norm groups of ${unit}, and a thread takes whole groups` : `the batch of ${batch} gives each thread a sample at least`;
  return `training on ${got} threads, not ${wanted}${threads === 'auto' ? ' (one a core)' : ''}: ${why}`;
}

/** Regions a batch is cut into on `threads` threads: one a thread at least, and enough that none holds more than model.chunk samples. */
export function regionCount(model: Pick<ModelInfo, 'batch' | 'chunk' | 'splitUnit'>, threads: number): number {
  const groups = Math.ceil(model.batch / model.splitUnit);
  let regions = Math.max(threads, Math.ceil(model.batch / model.chunk));
  while (regions < groups && Math.ceil(groups / regions) * model.splitUnit > model.chunk) regions++;
  return Math.min(regions, groups);
}

/** The samples [start, start + count) of region r among `regions`, of a batch of n (≤ model.batch): whole groups, spread evenly. */
export function regionShare(model: Pick<ModelInfo, 'batch' | 'splitUnit'>, regions: number, r: number, n = model.batch): { start: number; count: number } {
  const unit = model.splitUnit;
  const groups = Math.ceil(model.batch / unit);
  const base = Math.floor(groups / regions);
  const extra = groups % regions;
  const start = Math.min(model.batch, (r * base + Math.min(r, extra)) * unit);
  const end = Math.min(model.batch, start + (base + (r < extra ? 1 : 0)) * unit);
  return { start, count: Math.max(0, Math.min(end - start, n - start)) };
}

/** The regions thread t of `threads` works through: a contiguous run. */
export function regionsOf(regions: number, threads: number, t: number): number[] {
  const from = Math.floor((t * regions) / threads);
  const to = Math.floor(((t + 1) * regions) / threads);
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** The Net to train with on `threads` threads: one plain Net where one region holds the batch, else a ParallelNet. */
export async function createNet<Shared>(model: ModelInfo, Net: NetClass<Shared>, modelUrl: string, threads: number): Promise<Trainable> {
  return threads === 1 && regionCount(model, 1) === 1 ? new Net() : createParallel(model, Net, modelUrl, threads);
}

export async function createParallel<Shared>(model: ModelInfo, Net: NetClass<Shared>, modelUrl: string, threads: number): Promise<Trainable> {
  const regions = regionCount(model, threads);
  const shared = Net.allocate(regions);
  const nets = Array.from({ length: regions }, (_, r) => new Net(shared, r));
  // Each region's share of the current batch: [r][count, first].
  const shares = new Int32Array(new SharedArrayBuffer(regions * 2 * 4));
  const parts: Part[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
      const loss = new Float64Array(new SharedArrayBuffer(8));
      const failure = new Uint8Array(new SharedArrayBuffer(1024));
      const data: WorkerData = { modelUrl, shared, regions: regionsOf(regions, threads, thread), shares, control, loss, failure };
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
      parts.push({ worker, control, loss, failure });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
    }
  } catch (error) {
    await Promise.all(parts.map((p) => p.worker.terminate()));
    throw error;
  }
  return new ParallelNet(model, nets, shares, parts, regionsOf(regions, threads, 0).map((r) => ({ r, net: nets[r]! })));
}

class ParallelNet implements Trainable {
  readonly params: FloatArray;
  readonly state: FloatArray;
  readonly tensors: Readonly<Record<string, FloatArray>>;
  readonly grads: FloatArray;
  readonly labels: Uint8Array;
  readonly predictions: Uint8Array;
  readonly probabilities: Float64Array;
  /** Region 0's Net: the parameters, and the summed gradients step() updates from. */
  private readonly main: TrainableNet;
  private sequence = 0;

  constructor(
    private readonly model: ModelInfo,
    /** Every region's Net, seen from this thread (inputs, labels, outputs, gradients). */
    private readonly nets: readonly TrainableNet[],
    private readonly shares: Int32Array,
    private readonly parts: readonly Part[],
    /** The regions this thread works through itself. */
    private readonly own: readonly { readonly r: number; readonly net: TrainableNet }[],
  ) {
    this.main = nets[0]!;
    this.params = this.main.params;
    this.state = this.main.state;
    this.tensors = this.main.tensors;
    this.grads = this.main.grads;
    this.labels = new Uint8Array(model.batch);
    this.predictions = new Uint8Array(model.batch);
    this.probabilities = new Float64Array(model.batch * model.classes);
  }

  private share(r: number, n?: number): { start: number; count: number } {
    return regionShare(this.model, this.nets.length, r, n);
  }

  setImage(slot: number, pixels: Uint8Array, offset: number, mean: Float64Array, augment?: Augmentation): void {
    for (let r = this.nets.length - 1; r >= 0; r--) {
      const { start } = this.share(r);
      if (slot >= start) {
        this.nets[r]!.setImage(slot - start, pixels, offset, mean, augment);
        return;
      }
    }
  }

  /**
   * Evaluating fewer samples than a batch, the regions that hold them (the first ones) would
   * leave the other threads idle: they are spread evenly over all regions instead (evaluation
   * treats samples one by one, so where each is computed does not matter).
   */
  private evenShare(r: number, n: number): { start: number; count: number } {
    const regions = this.nets.length;
    const base = Math.floor(n / regions);
    const extra = n % regions;
    return { start: r * base + Math.min(r, extra), count: base + (r < extra ? 1 : 0) };
  }

  /**
   * Moves the first n samples' inputs between where setImage put them (`from`) and their
   * even shares (`to`), or back.
   */
  private moveInputs(n: number, from: (r: number) => { start: number; count: number }, to: (r: number) => { start: number; count: number }): void {
    const sampleFloats = this.main.input.length / this.model.chunk;
    const staged = this.main.input instanceof Float64Array ? new Float64Array(n * sampleFloats) : new Float32Array(n * sampleFloats);
    this.nets.forEach((net, r) => {
      const { start, count } = from(r);
      if (count > 0) staged.set(net.input.subarray(0, count * sampleFloats), start * sampleFloats);
    });
    this.nets.forEach((net, r) => {
      const { start, count } = to(r);
      net.input.set(staged.subarray(start * sampleFloats, (start + count) * sampleFloats));
    });
  }

  private run(command: number, n: number, step: number, seed: number): number {
    const sequence = ++this.sequence;
    // Packed weights and the like, made once for every thread.
    this.main.prepare(command === COMMAND.train);
    const spread = command === COMMAND.evaluate && n < this.model.batch;
    const placed = (r: number) => this.share(r, n);
    const even = (r: number) => this.evenShare(r, n);
    // Put back afterwards, so that the inputs stay where setImage put them.
    if (spread) this.moveInputs(n, placed, even);
    const shareOf = spread ? even : placed;
    this.nets.forEach((net, r) => {
      const { start, count } = shareOf(r);
      net.labels.set(this.labels.subarray(start, start + count));
      this.shares[2 * r] = count;
      this.shares[2 * r + 1] = start;
    });
    for (const part of this.parts) {
      Atomics.store(part.control, SLOT.command, command);
      Atomics.store(part.control, SLOT.total, n);
      Atomics.store(part.control, SLOT.step, step);
      Atomics.store(part.control, SLOT.seed, seed | 0);
      Atomics.store(part.control, SLOT.posted, sequence);
      Atomics.notify(part.control, SLOT.posted);
    }
    let lossSum = runRegions(this.own, this.shares, command, n, step, seed);
    this.parts.forEach((part, k) => {
      const deadline = Date.now() + STALL_MS;
      spinWhile(part.control, SLOT.done, sequence - 1);
      while (Atomics.load(part.control, SLOT.done) !== sequence) {
        Atomics.wait(part.control, SLOT.done, sequence - 1, 1000);
        if (part.failure[0] !== 0) throw new Error(`a training thread failed: ${new TextDecoder().decode(part.failure.subarray(1, part.failure.indexOf(0, 1)))}`);
        // A worker that died without a word (killed, out of memory) would leave us waiting.
        if (Date.now() > deadline) throw new Error(`training thread ${k + 1} has not answered for ${STALL_MS / 60000} minutes; it may have died`);
      }
      lossSum += part.loss[0]!;
    });
    if (spread) this.moveInputs(n, even, placed);
    // Outputs gathered, gradients summed into region 0's in a fixed order: region by region
    // (the regions that had samples come first).
    let used = 0;
    this.nets.forEach((net, r) => {
      const { start, count } = shareOf(r);
      if (count === 0) return;
      used = r + 1;
      this.predictions.set(net.predictions.subarray(0, count), start);
      this.probabilities.set(net.probabilities.subarray(0, count * this.model.classes), start * this.model.classes);
    });
    if (command === COMMAND.train) this.sumGradients(used);
    return lossSum / n;
  }

  private sumGradients(regions: number): void {
    if (this.main.sumGradients) return this.main.sumGradients(regions);
    const grads = this.main.grads;
    for (let r = 1; r < regions; r++) {
      const other = this.nets[r]!.grads;
      for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + other[i]!;
    }
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
