// Fault injection for tests: `node --import ./test/faults/inject.mjs …` makes chosen file
// system calls fail the way a full, read-only or failing disk makes them fail. NETC_FAULTS
// holds a JSON list of {call, match, code, after}: `call` (open, write, mkdir, rename,
// writeFile) on a path containing `match` succeeds `after` times (default 0), then always
// fails with `code` (ENOSPC, EACCES, EIO…). Node's own fs functions are replaced, and the
// ES module bindings (`import { writeSync } from 'node:fs'`) are synced to them.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';

const faults = JSON.parse(process.env.NETC_FAULTS ?? '[]').map((f) => ({ after: 0, ...f, seen: 0 }));
const paths = new Map(); // fd → path, for calls made on descriptors

function check(call, path) {
  for (const fault of faults) {
    if (fault.call !== call || !String(path).includes(fault.match)) continue;
    if (fault.seen++ < fault.after) continue;
    const error = new Error(`${fault.code}: injected fault, ${call} '${path}'`);
    Object.assign(error, { code: fault.code, errno: -constants.errno[fault.code], syscall: call === 'writeFile' ? 'open' : call });
    if (call !== 'write') error.path = String(path);
    throw error;
  }
}

const { openSync, writeSync, closeSync, mkdirSync, renameSync, writeFileSync } = fs;
fs.openSync = function (path, ...rest) {
  check('open', path);
  const fd = openSync.call(this, path, ...rest);
  paths.set(fd, String(path));
  return fd;
};
fs.writeSync = function (fd, ...rest) {
  check('write', paths.get(fd) ?? '');
  return writeSync.call(this, fd, ...rest);
};
fs.closeSync = function (fd) {
  paths.delete(fd);
  return closeSync.call(this, fd);
};
fs.mkdirSync = function (path, ...rest) {
  check('mkdir', path);
  return mkdirSync.call(this, path, ...rest);
};
fs.renameSync = function (from, to) {
  check('rename', to);
  return renameSync.call(this, from, to);
};
fs.writeFileSync = function (path, ...rest) {
  check('writeFile', path);
  return writeFileSync.call(this, path, ...rest);
};
syncBuiltinESMExports();
