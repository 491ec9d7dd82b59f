// Finished builds kept on disk by a hash of their inputs: the same generated code — a
// config trained again, a resumed run, a sweep over seeds — is formatted, type-checked and
// emitted once per netc version, not once per process (about 10 s of a cold start).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../cache.js';
import { version } from '../paths.js';
import { makeFolder, writeFileAtomic } from '../runtime/atomic.js';

/** Builds kept; the oldest go beyond this. */
const KEPT = 200;

export function cachedBuild(inputs: readonly ReadonlyMap<string, string>[], header: string, build: () => Map<string, string>): Map<string, string> {
  if (process.env.NETC_BUILD_CACHE === '0') return build();
  const hash = createHash('sha256').update(`netc ${version}\n${header}\n`);
  for (const files of inputs) for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${path}\n${text.length}\n${text}`);
  const folder = join(cacheDir(), 'builds');
  const file = join(folder, `${hash.digest('hex').slice(0, 32)}.json`);
  try {
    return new Map(JSON.parse(readFileSync(file, 'utf8')) as [string, string][]);
  } catch {
    // Not built yet, or unreadable: build it.
  }
  const built = build();
  try {
    makeFolder(folder);
    writeFileAtomic(file, JSON.stringify([...built]));
    prune(folder);
  } catch {
    // A cache that cannot be written (read-only home, a full disk) only costs time.
  }
  return built;
}

function prune(folder: string): void {
  const entries = readdirSync(folder).filter((n) => n.endsWith('.json'));
  if (entries.length <= KEPT) return;
  const byAge = entries.map((name) => ({ name, time: statSync(join(folder, name)).mtimeMs })).sort((a, b) => a.time - b.time);
  for (const { name } of byAge.slice(0, entries.length - KEPT)) rmSync(join(folder, name), { force: true });
}
