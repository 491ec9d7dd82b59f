// One training at a time in a run folder: a lock file holding the owner's pid, created
// exclusively. A lock whose process is gone is stale and taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userError } from '../diagnostics.js';

export const LOCK_FILE = '.lock';

/** Locks `dir` for this process; returns the function that unlocks it. */
export function lockRunFolder(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(file, 'utf8'));
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
      throw userError(dir, `another netc (pid ${owner}) is training into this run folder`, 'wait for it to finish, or train into another folder');
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
