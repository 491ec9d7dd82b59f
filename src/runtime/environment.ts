// Faults of the machine rather than of netc or the config: a full disk, a folder that may not
// be written, a path that is a file. They reach the user as errors about a path, with what to
// do — never as "internal error" with a stack trace. Shared by netc and the standalone trainers.
import { DataError, isDataError } from './images.js';

/** What each system error means for a path, and what the user can do about it. */
const ENVIRONMENT_FAULTS: Readonly<Record<string, readonly [what: string, hint: string]>> = {
  ENOSPC: ['no space left on the device', 'free some space, or train into a folder on another disk (--out); a run stopped this way resumes from its last checkpoint with --resume'],
  EDQUOT: ['the disk quota is used up', 'free some space, or train into a folder on another disk (--out); a run stopped this way resumes with --resume'],
  EFBIG: ['the file is larger than this system allows (ulimit -f?)', 'raise the file size limit, or write to another file system'],
  EACCES: ['permission denied', 'choose a folder you may write to (--out), or change its permissions'],
  EPERM: ['operation not permitted', 'choose a folder you may write to (--out), or change its permissions'],
  EROFS: ['the file system is read-only', 'choose a folder on a writable disk (--out)'],
  EIO: ['input/output error from the disk', 'the disk or its connection is failing; check it, then resume the run with --resume'],
  ENOTDIR: ['is not a folder, or a part of its path is a file', 'name a folder, and a path whose parents are folders'],
  EISDIR: ['is a folder, where a file was expected', 'name a file'],
  EEXIST: ['already exists', 'choose another path'],
  ENOENT: ['no such file or folder', 'check the path'],
  ELOOP: ['too many levels of symbolic links (a link that points to itself?)', 'fix or remove the link'],
  ENAMETOOLONG: ['the path is too long', 'choose a shorter path'],
  EMFILE: ['too many open files', 'close other programs, or raise the limit (ulimit -n)'],
  ENFILE: ['too many open files on this system', 'close other programs, then try again'],
  ENXIO: ['is a special file with nothing behind it (a FIFO without a writer?)', 'name a regular file'],
  EBUSY: ['the file or device is busy', 'try again when it is free'],
};

/** A system error about a path, as a DataError (path, what, hint); undefined for anything else. */
export function environmentError(error: unknown): DataError | undefined {
  if (!(error instanceof Error) || isDataError(error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  const fault = code === undefined ? undefined : ENVIRONMENT_FAULTS[code];
  if (fault === undefined) return undefined;
  return new DataError(path ?? `(${syscall ?? 'file system'})`, `${fault[0]} (${code}${syscall ? ` in ${syscall}` : ''})`, fault[1]);
}
