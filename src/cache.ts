// netc's cache folder: unpacked archives, decoded image folders, finished builds.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** $NETC_CACHE, else $XDG_CACHE_HOME/netc, else ~/.cache/netc. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETC_CACHE) return resolve(env.NETC_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'netc');
}
