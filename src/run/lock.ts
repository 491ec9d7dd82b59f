// One training at a time in a run folder: a lock file naming its owner (pid, the process's
// start time, the host), created exclusively. A lock whose owner is gone is stale and taken
// over; the start time tells a live owner from another process that got the same pid later.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { userError } from '../diagnostics.js';

export const LOCK_FILE = '.lock';

interface Owner {
  readonly pid: number;
  /** When the process started, as the kernel counts it (/proc/<pid>/stat); null where unknown. */
  readonly start: string | null;
  readonly host: string;
}

/** Locks `dir` for this process; returns the function that unlocks it. */
export function lockRunFolder(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, start: processStart(process.pid), host: hostname() };
  try {
    writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = readOwner(file);
    if (owner !== undefined && isRunning(owner)) {
      throw userError(
        dir,
        `another netc (pid ${owner.pid}${owner.host === me.host ? '' : ` on ${owner.host}`}) is training into this run folder`,
        `wait for it to finish, or train into another folder; if no netc is training here, delete ${file}`,
      );
    }
    writeFileSync(file, JSON.stringify(me) + '\n');
  }
  return () => rmSync(file, { force: true });
}

/** The lock's owner; undefined when the file is not a lock netc wrote (it is then stale). */
function readOwner(file: string): Owner | undefined {
  const text = readFileSync(file, 'utf8').trim();
  // Locks of earlier versions hold the pid alone.
  if (/^\d+$/.test(text)) return { pid: Number(text), start: null, host: hostname() };
  try {
    const owner = JSON.parse(text) as Owner;
    return Number.isSafeInteger(owner.pid) && owner.pid > 0 && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(owner: Owner): boolean {
  // Another host's process cannot be asked: its lock stands until removed by hand.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive: the owner itself, unless the pid was reused by a process that started later.
  const start = processStart(owner.pid);
  return owner.start === null || start === null || start === owner.start;
}

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot (Linux). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
