// The one writer: a tree of files appears complete or not at all. Files are staged in a
// sibling folder, then swapped in with renames; a failure midway leaves the target as it was.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { makeFolder } from '../runtime/atomic.js';
import { sameContents, type FileTree } from '../files.js';

/** Replace folder `dir` with exactly `files` (relative path → contents). */
export function writeTree(dir: string, files: FileTree): void {
  const target = resolve(dir);
  for (const path of files.keys()) assertContained(target, path);
  makeFolder(dirname(target));
  const staging = `${target}.staging-${process.pid}`;
  const previous = `${target}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, text] of files) {
      const file = join(staging, path);
      makeFolder(dirname(file));
      writeFileSync(file, text);
    }
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(target)) renameSync(previous, target);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}

export interface Drift {
  readonly changed: string[];
  readonly missing: string[];
  readonly extra: string[];
}

/** How folder `dir` differs from `files`; all lists empty when it is up to date. */
export function compareTree(dir: string, files: FileTree): Drift {
  const target = resolve(dir);
  const onDisk = existsSync(target) ? listFiles(target) : [];
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, text] of files) {
    const file = join(target, path);
    if (!existsSync(file)) missing.push(path);
    else if (!sameContents(text, readFileSync(file))) changed.push(path);
  }
  const extra = onDisk.filter((path) => !files.has(path));
  return { changed, missing, extra };
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path).split(sep).join('/')];
  });
}

/** Generated paths are relative and stay inside their folder. */
function assertContained(target: string, path: string): void {
  const file = resolve(target, path);
  if (!file.startsWith(target + sep)) throw new Error(`netc: refusing to write ${path} outside ${target}`);
}
