// Writes that are never half done: write a temp file beside the target, flush it to disk,
// then rename it over the target (rename is atomic within a file system).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from './images.js';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  try {
    writeThenRename(file, data);
  } catch (error) {
    // write and fsync fail on a descriptor: name the file the user knows (ENOSPC, EIO).
    const failure = error as NodeJS.ErrnoException;
    if (failure.code !== undefined) failure.path = file;
    throw error;
  }
}

function writeThenRename(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(temp, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
}

/**
 * mkdir -p. Node's own (`recursive: true`) never returns where a parent exists but refuses
 * children with ENOENT (/proc/x); this one creates each missing parent once, then fails.
 */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return existingFolder(dir);
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeFolder(parent);
    try {
      mkdirSync(dir);
    } catch (again) {
      // Another process may have made it meanwhile.
      if ((again as NodeJS.ErrnoException).code === 'EEXIST') return existingFolder(dir);
      throw again;
    }
  }
}

function existingFolder(dir: string): void {
  if (!statSync(dir).isDirectory()) throw new DataError(dir, 'is a file, where a folder is needed', 'choose a path that is not a file (or move the file away)');
}
