// Checkpoints: everything a run needs to continue exactly where it stopped — parameters,
// momentum, the random generator, the data order and cursors, the moving averages and the
// history so far — in one file, checksummed, written atomically (temp, fsync, rename).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import type { FloatArray } from './net.js';
import type { RngState } from './rng.js';
import { DataError } from './images.js';

const MAGIC = 'NETCCKPT';
const VERSION = 1;
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
  readonly params: FloatArray;
  readonly momentum: FloatArray;
  /** The sampler's current epoch order. */
  readonly order: Int32Array;
}

interface Header {
  readonly state: CheckpointState;
  readonly dtype: 'float32' | 'float64';
  readonly params: number;
  readonly order: number;
}

export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const dtype = checkpoint.params instanceof Float64Array ? 'float64' : 'float32';
  const header: Header = { state: checkpoint.state, dtype, params: checkpoint.params.length, order: checkpoint.order.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil((16 + json.length) / 8) * 8;
  const body = Buffer.alloc(padded + checkpoint.params.byteLength * 2 + checkpoint.order.byteLength);
  body.write(MAGIC, 0, 'ascii');
  body.writeUInt32LE(VERSION, 8);
  body.writeUInt32LE(json.length, 12);
  json.copy(body, 16);
  let at = padded;
  for (const array of [checkpoint.params, checkpoint.momentum, checkpoint.order]) {
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
export function readCheckpoint(file: string, expected?: { params: number; order: number }): Checkpoint {
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
  if (expected && header.params !== expected.params) refuse(`it holds ${header.params} parameters; this network has ${expected.params}`);
  if (expected && header.order !== expected.order) refuse(`it orders ${header.order} training images; this run has ${expected.order}`);
  const width = header.dtype === 'float64' ? 8 : 4;
  const padded = Math.ceil((16 + length) / 8) * 8;
  if (body.length !== padded + header.params * width * 2 + header.order * 4) refuse('its size does not match its header');
  const copy = (at: number, bytesLength: number) => body.buffer.slice(body.byteOffset + at, body.byteOffset + at + bytesLength);
  const floats = (at: number) => (width === 8 ? new Float64Array(copy(at, header.params * 8)) : new Float32Array(copy(at, header.params * 4)));
  return {
    state: header.state,
    params: floats(padded),
    momentum: floats(padded + header.params * width),
    order: new Int32Array(copy(padded + header.params * width * 2, header.order * 4)),
  };
}
