// Writes that are never half done: write a temp file beside the target, flush it to disk,
// then rename it over the target (rename is atomic within a file system).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

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
