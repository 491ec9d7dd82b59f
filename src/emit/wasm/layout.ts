// The WebAssembly backend's memory: one linear memory, shared by all threads. Parameters
// and momentum come first, once; then one region a thread holds its gradients, input,
// activations (each with its gradient twin), argmax indexes, labels and predictions.
// Every array starts on a 16-byte boundary, so SIMD loads of whole rows stay aligned.
import type { Program } from '../../lower/index.js';

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

export interface WasmLayout {
  /** Absolute byte offsets. */
  readonly params: number;
  readonly momentum: number;
  readonly sharedBytes: number;
  /** Byte offsets within a thread's region; regions follow the shared part. */
  readonly grads: number;
  readonly input: number;
  readonly labels: number;
  readonly predictions: number;
  /** Activation buffer (and its gradient, d<name>) and argmax offsets by name. */
  readonly buffers: ReadonlyMap<string, number>;
  readonly regionBytes: number;
}

export function layoutMemory(program: Program): WasmLayout {
  const floats = (count: number) => align(count * 4);
  let shared = 0;
  const params = shared;
  shared += floats(program.paramCount);
  const momentum = shared;
  shared += floats(program.paramCount);
  const sharedBytes = align(shared);

  let region = 0;
  const take = (bytes: number) => {
    const at = region;
    region += align(bytes);
    return at;
  };
  const grads = take(program.paramCount * 4);
  const input = take(program.input.sampleStride * program.batch * 4);
  const buffers = new Map<string, number>();
  for (const buffer of program.buffers) {
    buffers.set(buffer.name, take(buffer.sampleStride * program.batch * 4));
    buffers.set(`d${buffer.name}`, take(buffer.sampleStride * program.batch * 4));
  }
  for (const op of program.ops) {
    if (op.kind === 'maxpool') buffers.set(op.argmax, take(op.y.sampleStride * program.batch * 4));
  }
  // Scratch buffers start zeroed; only their interiors are ever written, so borders stay zero.
  for (const buffer of program.scratch) buffers.set(buffer.name, take(buffer.sampleStride * program.batch * 4));
  const labels = take(program.batch);
  const predictions = take(program.batch);
  return { params, momentum, sharedBytes, grads, input, labels, predictions, buffers, regionBytes: align(region) };
}
