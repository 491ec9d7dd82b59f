// Unpacking a dataset archive (.tar.gz) safely: every member must be a plain file or
// folder with a relative path inside the target; the archive is unpacked into a temp
// folder and renamed into place only when complete.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { makeFolder } from '../runtime/atomic.js';
import * as tar from 'tar';
import { DataError } from '../runtime/images.js';

/** Unpack `archive` under `cacheDir` once; returns the folder it was unpacked into. */
export async function unpackOnce(archive: string, cacheDir: string): Promise<string> {
  const info = statSync(archive);
  // Same file (path, size, modification time), same folder: unpacked once, reused after.
  const key = createHash('sha256').update(`${resolve(archive)}\n${info.size}\n${info.mtimeMs}`).digest('hex').slice(0, 16);
  const target = join(cacheDir, `unpacked-${key}`);
  if (existsSync(target)) return target;
  makeFolder(cacheDir);
  const staging = join(cacheDir, `.unpacking-${key}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    await unpack(archive, staging);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process (a parallel sweep's run) unpacked the same archive first: use its copy.
    if (existsSync(target)) return target;
    throw error;
  }
  return target;
}

/** Unpack into an existing empty folder, refusing unsafe members. */
export async function unpack(archive: string, into: string): Promise<void> {
  const refused: string[] = [];
  try {
    await tar.x({
      file: archive,
      cwd: into,
      strict: true,
      preservePaths: false,
      filter: (path, entry) => {
        const problem = unsafeMember(path, 'type' in entry ? String(entry.type) : 'File');
        if (problem) refused.push(`${path} (${problem})`);
        return problem === undefined;
      },
    });
  } catch (error) {
    throw new DataError(archive, `is not a readable .tar.gz archive: ${(error as Error).message}`, 'the file may be truncated or corrupt; download it again');
  }
  if (refused.length > 0) {
    throw new DataError(archive, `holds unsafe members, refused: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ` and ${refused.length - 5} more` : ''}`);
  }
}

function unsafeMember(path: string, type: string): string | undefined {
  if (type !== 'File' && type !== 'OldFile' && type !== 'Directory') return `a ${type}, not a plain file or folder`;
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return 'an absolute path';
  if (path.split(/[\\/]/).includes('..')) return 'a path leading outside with ..';
  return undefined;
}
