// Checkpoints: everything a run needs to continue exactly where it stopped — parameters,
// the optimiser's state, running statistics, the random generator, the data order and
// cursors, the moving averages and the history so far — in one file, checksummed,
// written atomically (temp, fsync, rename).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import type { FloatArray } from './net.js';
import type { RngState } from './rng.js';
import { DataError } from './images.js';

const MAGIC = 'NETCCKPT';
const VERSION = 2;
const DIGEST = 32;

/** The training loop's state after `iteration` iterations. */
export interface CheckpointState {
  readonly configHash: string;
  readonly iteration: number;
  /** Iterations the run is to train in all. */
  readonly iterations: number;
  readonly seed: number;
  readonly rng: RngState;
  readonly samplerCursor: number;
  readonly validationCursor: number;
  readonly lossAverage: number;
  readonly accuracyAverage: number;
  readonly history: unknown[];
  readonly trainSeconds: number;
  readonly validationSeconds: number;
  readonly startedAt: string;
}

export interface Checkpoint {
  readonly state: CheckpointState;
  /** The model's tensors by name: params, momentum, running statistics (all of one dtype). */
  readonly tensors: Readonly<Record<string, FloatArray>>;
  /** The sampler's current epoch order. */
  readonly order: Int32Array;
}

interface Header {
  readonly state: CheckpointState;
  readonly dtype: 'float32' | 'float64';
  readonly tensors: readonly { readonly name: string; readonly length: number }[];
  readonly order: number;
}

export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const arrays = Object.entries(checkpoint.tensors);
  const dtype = arrays[0]?.[1] instanceof Float64Array ? 'float64' : 'float32';
  const header: Header = { state: checkpoint.state, dtype, tensors: arrays.map(([name, a]) => ({ name, length: a.length })), order: checkpoint.order.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil((16 + json.length) / 8) * 8;
  const body = Buffer.alloc(padded + arrays.reduce((n, [, a]) => n + a.byteLength, 0) + checkpoint.order.byteLength);
  body.write(MAGIC, 0, 'ascii');
  body.writeUInt32LE(VERSION, 8);
  body.writeUInt32LE(json.length, 12);
  json.copy(body, 16);
  let at = padded;
  for (const array of [...arrays.map(([, a]) => a), checkpoint.order]) {
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(body, at);
    at += array.byteLength;
  }
  writeFileAtomic(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

/** A checkpoint's state alone, checked (magic, version, checksum), sizes unknown. */
export function readCheckpointState(file: string): CheckpointState {
  return readCheckpoint(file).state;
}

/** A checkpoint, checked: magic, version, checksum, and the sizes when given. */
export function readCheckpoint(file: string, expected?: { tensors?: Readonly<Record<string, number>>; order: number }): Checkpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DataError(file, `cannot read the checkpoint (${(error as NodeJS.ErrnoException).code})`, 'a run can be resumed only from a folder holding checkpoint.bin');
  }
  const refuse = (why: string): never => {
    throw new DataError(file, `is not a usable checkpoint: ${why}`, 'it may be truncated or altered; start the run again');
  };
  if (bytes.length < 16 + DIGEST || bytes.toString('ascii', 0, 8) !== MAGIC) refuse('not a netc checkpoint');
  if (bytes.readUInt32LE(8) !== VERSION) refuse(`version ${bytes.readUInt32LE(8)}, expected ${VERSION}`);
  const body = bytes.subarray(0, bytes.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - DIGEST))) refuse('its checksum does not match its contents');
  const length = bytes.readUInt32LE(12);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 16, 16 + length)) as Header;
  } catch {
    return refuse('its header is not JSON');
  }
  if (!Array.isArray(header.tensors)) refuse('its header lists no tensors');
  for (const [name, length] of Object.entries(expected?.tensors ?? {})) {
    const found = header.tensors.find((t) => t.name === name);
    if (!found) refuse(`it holds no ${name}`);
    if (found!.length !== length) refuse(`it holds ${found!.length} ${name === 'params' ? 'parameters' : `values of ${name}`}; this network has ${length}`);
  }
  if (expected && header.order !== expected.order) refuse(`it orders ${header.order} training images; this run has ${expected.order}`);
  const width = header.dtype === 'float64' ? 8 : 4;
  const padded = Math.ceil((16 + length) / 8) * 8;
  const floatsLength = header.tensors.reduce((n, t) => n + t.length, 0);
  if (body.length !== padded + floatsLength * width + header.order * 4) refuse('its size does not match its header');
  const copy = (at: number, bytesLength: number) => body.buffer.slice(body.byteOffset + at, body.byteOffset + at + bytesLength);
  const tensors: Record<string, FloatArray> = {};
  let at = padded;
  for (const t of header.tensors) {
    tensors[t.name] = width === 8 ? new Float64Array(copy(at, t.length * 8)) : new Float32Array(copy(at, t.length * 4));
    at += t.length * width;
  }
  return { state: header.state, tensors, order: new Int32Array(copy(at, header.order * 4)) };
}
