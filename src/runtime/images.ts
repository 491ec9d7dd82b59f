// Image sets as the trainers hold them: bytes, channel-planar (C × H × W per image).

export interface ImageSet {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** count × channels × height × width bytes. */
  readonly images: Uint8Array;
  /** count class indexes. */
  readonly labels: Uint8Array;
}

export interface Dataset {
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** The classes' names, where the data says them (image folders, classes.txt); else the config's dataset does. */
  readonly classNames?: readonly string[];
}

/** A dataset file that is missing, truncated or malformed: the message says which and why. */
export class DataError extends Error {
  readonly file: string;
  readonly hint?: string;
  /** 'not-found' when the dataset is nowhere to be found (and could be downloaded). */
  readonly code?: 'not-found';
  constructor(file: string, message: string, hint?: string, code?: 'not-found') {
    super(`${file}: ${message}`);
    this.name = 'DataError';
    this.file = file;
    this.hint = hint;
    this.code = code;
  }
}

/**
 * Whether `error` is a DataError, from this copy of the runtime or another one (each
 * generated trainer carries its own copy, so instanceof is not enough).
 */
export function isDataError(error: unknown): error is DataError {
  return error instanceof Error && error.name === 'DataError' && typeof (error as DataError).file === 'string';
}
