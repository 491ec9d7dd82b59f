// The machine's faults are the user's to fix, not netc's bugs: a full disk, a folder that may
// not be written, a failing disk. Each ends in exit 1 with the path and what to do, leaves
// what was written before intact, and leaves a folder that resumes (or was never touched).
// The faults are injected into the CLI's file system calls (test/faults/inject.mjs), and a
// full disk is also made for real, in a small tmpfs, where this machine lets a test mount one.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointState } from '../src/runtime/checkpoint.js';
import { CHECKPOINT_FILE } from '../src/runtime/train-loop.js';
import { tempDir } from './helpers.js';

interface Fault {
  readonly call: 'open' | 'write' | 'mkdir' | 'rename' | 'writeFile';
  readonly match: string;
  readonly code: string;
  readonly after?: number;
}

interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** netc's CLI in its own process, with `faults` injected into its file system calls. */
function netc(args: readonly string[], faults: readonly Fault[] = []): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', './test/faults/inject.mjs', 'dist/cli/bin.js', ...args], { env: { ...process.env, NETC_FAULTS: JSON.stringify(faults), NO_COLOR: '1' } }, (error, out, err) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
}

/** A user error, not a bug: exit 1, no "internal error", no stack trace. */
function expectUserError(ran: Ran): void {
  expect(ran.err).not.toMatch(/internal error|\n\s+at /);
  expect(ran.code).toBe(1);
}

const TRAIN = ['train', 'configs/example.yaml', '--iterations', '60', '--set', 'report.every=10'];

/** The files in `dir`, less the lock (which must be gone) and temp files (which must be too). */
function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** A run folder's size in tmpfs pages, and its checkpoint's size. */
function sizesOf(dir: string): { pages: number; checkpoint: number } {
  const pages = (folder: string): number =>
    readdirSync(folder).reduce((n, name) => {
      const stat = statSync(join(folder, name));
      return n + (stat.isDirectory() ? 4096 + pages(join(folder, name)) : Math.ceil(stat.size / 4096) * 4096);
    }, 0);
  return { pages: pages(dir), checkpoint: statSync(join(dir, CHECKPOINT_FILE)).size };
}

/** The first test's run folder, stopped by a full disk after its first checkpoint: the tmpfs is sized by it. */
let stoppedAtFirstCheckpoint: { pages: number; checkpoint: number } | undefined;

describe('environment faults while training', () => {
  it('a full disk (ENOSPC) at the second checkpoint: exit 1 naming the file, the first checkpoint intact, the run resumes', async () => {
    const out = join(tempDir(), 'run');
    const ran = await netc([...TRAIN, '--out', out], [{ call: 'write', match: CHECKPOINT_FILE, code: 'ENOSPC', after: 1 }]);
    expectUserError(ran);
    expect(ran.err).toContain(`${join(out, CHECKPOINT_FILE)}: error: no space left on the device (ENOSPC in write)`);
    expect(ran.err).toContain('hint: free some space');
    expect(filesIn(out)).toEqual(['checkpoint.bin', 'config.yaml', 'trainer']);
    expect(readCheckpointState(join(out, CHECKPOINT_FILE)).iteration).toBe(10);
    stoppedAtFirstCheckpoint = sizesOf(out);
    const resumed = await netc([...TRAIN, '--resume', out]);
    expect(resumed.err).toContain('resuming after iteration 10');
    expect(resumed.code).toBe(0);
    expect(existsSync(join(out, 'metrics.json'))).toBe(true);
  });

  it('a disk error (EIO) writing the results: the final checkpoint stays, and --resume writes the results', async () => {
    const out = join(tempDir(), 'run');
    const ran = await netc([...TRAIN, '--out', out], [{ call: 'write', match: 'metrics.json', code: 'EIO' }]);
    expectUserError(ran);
    expect(ran.err).toContain(`${join(out, 'metrics.json')}: error: input/output error from the disk (EIO in write)`);
    expect(readCheckpointState(join(out, CHECKPOINT_FILE)).iteration).toBe(60);
    expect(filesIn(out).filter((f) => f.endsWith('.tmp') || f === '.lock')).toEqual([]);
    const resumed = await netc([...TRAIN, '--resume', out]);
    expect(resumed.code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, CHECKPOINT_FILE))).toBe(false);
  });

  it('a run folder that may not be written (EACCES): exit 1 naming it; nothing is created', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    const ran = await netc([...TRAIN, '--out', out], [{ call: 'mkdir', match: out, code: 'EACCES' }]);
    expectUserError(ran);
    expect(ran.err).toContain(`${out}: error: permission denied (EACCES in mkdir)`);
    expect(ran.err).toContain('choose a folder you may write to (--out)');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a failed start (the trainer cannot be written) leaves --out as it was: absent, or empty', async () => {
    const parent = tempDir();
    const out = join(parent, 'run');
    const ran = await netc([...TRAIN, '--out', out], [{ call: 'writeFile', match: 'model.js', code: 'EACCES' }]);
    expectUserError(ran);
    expect(ran.err).toMatch(/model\.js: error: permission denied \(EACCES in open\)/);
    expect(readdirSync(parent)).toEqual([]);
    // An empty folder given as --out stays, empty; the same command then works.
    execFileSync('mkdir', [out]);
    expectUserError(await netc([...TRAIN, '--out', out], [{ call: 'write', match: CHECKPOINT_FILE, code: 'ENOSPC' }]));
    expect(readdirSync(out)).toEqual([]);
    expect((await netc([...TRAIN, '--out', out])).code).toBe(0);
  });
});

/** Whether this machine lets an unprivileged test mount a tmpfs (a user and mount namespace). */
function canMountTmpfs(): boolean {
  try {
    execFileSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const TMPFS = canMountTmpfs();
if (!TMPFS) console.warn('the real full-disk test did not run: this machine lets no test mount a tmpfs (unshare -rm); the injected ENOSPC above stands in');

describe('a real full disk', () => {
  it.skipIf(!TMPFS)('a tmpfs with room for one checkpoint: the second fails with ENOSPC, the first stays and resumes (needs unshare -rm)', async () => {
    // Sizes from a run that stopped after its first checkpoint (injected, as above).
    if (stoppedAtFirstCheckpoint === undefined) {
      const probe = join(tempDir(), 'run');
      await netc([...TRAIN, '--out', probe], [{ call: 'write', match: CHECKPOINT_FILE, code: 'ENOSPC', after: 1 }]);
      stoppedAtFirstCheckpoint = sizesOf(probe);
    }
    const { pages, checkpoint } = stoppedAtFirstCheckpoint;
    // Room for everything of that run plus half a checkpoint: the second one's temp file does not fit.
    const size = Math.ceil((pages + checkpoint / 2) / 1024);
    const results = tempDir();
    const mount = tempDir();
    const script = [
      `mount -t tmpfs -o size=${size}k tmpfs "$MNT"`,
      `NO_COLOR=1 "$NODE" dist/cli/bin.js ${TRAIN.join(' ')} --out "$MNT/run" 2> "$RES/first.err"; echo $? > "$RES/first.code"`,
      `ls -a "$MNT/run" > "$RES/files"`,
      `cp "$MNT/run/${CHECKPOINT_FILE}" "$RES/"`,
      `mount -o remount,size=64m "$MNT"`,
      `"$NODE" dist/cli/bin.js ${TRAIN.join(' ')} --resume "$MNT/run" 2> "$RES/second.err"; echo $? > "$RES/second.code"`,
      `ls "$MNT/run" > "$RES/finished"`,
    ].join('\n');
    execFileSync('unshare', ['-rm', 'sh', '-c', script], { env: { ...process.env, MNT: mount, RES: results, NODE: process.execPath } });
    const { readFileSync } = await import('node:fs');
    const read = (name: string) => readFileSync(join(results, name), 'utf8');
    expect(read('first.err')).toContain(`${join(mount, 'run', CHECKPOINT_FILE)}: error: no space left on the device (ENOSPC in write)`);
    expect(read('first.err')).not.toMatch(/internal error|\n\s+at /);
    expect(read('first.code').trim()).toBe('1');
    expect(read('files').split('\n').filter((f) => f.endsWith('.tmp') || f === '.lock')).toEqual([]);
    expect(readCheckpointState(join(results, CHECKPOINT_FILE)).iteration).toBe(10);
    expect(read('second.code').trim()).toBe('0');
    expect(read('finished')).toContain('report.html');
  });
});

describe('no user input or environment fault is a netc bug', () => {
  it('each of these ends in exit 1 or 2 with a message: never exit 70, never a stack trace', async () => {
    const { mkdirSync, symlinkSync, writeFileSync, cpSync, truncateSync } = await import('node:fs');
    const { runCli } = await import('./helpers.js');
    const dir = tempDir();
    const at = (name: string) => join(dir, name);
    const example = 'configs/example.yaml';
    execFileSync('mkfifo', [at('fifo.yaml')]);
    writeFileSync(at('nul.yaml'), 'name: a\u0000b\n');
    writeFileSync(at('bom.yaml'), 'name: a\n\uFEFFversion: 1\n');
    writeFileSync(at('latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    writeFileSync(at('passwd.yaml'), 'extends: /etc/passwd\n');
    writeFileSync(at('extends-fifo.yaml'), 'extends: fifo.yaml\n');
    writeFileSync(at('a-file'), 'not a folder');
    symlinkSync(join(dir, 'nowhere'), at('dangling'));
    mkdirSync(at('folder.yaml'));
    mkdirSync(at('empty-run'));
    // A finished run, then copies of it with a file cut short or replaced.
    const run = at('run');
    expect((await runCli('train', example, '--iterations', '2', '--out', run)).code).toBe(0);
    for (const [copy, file, damage] of [
      ['cut-weights', 'weights.bin', 100],
      ['cut-metrics', 'metrics.json', 200],
      ['cut-layout', 'weights.json', 10],
      ['cut-pixels', 'misclassified.bin', 7],
    ] as const) {
      cpSync(run, at(copy), { recursive: true });
      truncateSync(join(at(copy), file), damage);
    }
    cpSync(run, at('foreign-metrics'), { recursive: true });
    writeFileSync(join(at('foreign-metrics'), 'metrics.json'), '{"loss": [1, 2]}');

    const cases: readonly (readonly string[])[] = [
      ['check', '/dev/zero'],
      ['check', at('fifo.yaml')],
      ['check', at('folder.yaml')],
      ['check', at('missing.yaml')],
      ['check', at('nul.yaml')],
      ['check', at('bom.yaml')],
      ['check', at('latin1.yaml')],
      ['check', at('passwd.yaml')],
      ['check', at('extends-fifo.yaml')],
      ['summary', '/dev/null'],
      ['train', example, '--out', at('a-file')],
      ['train', example, '--out', at('dangling')],
      ['train', example, '--out', '/proc/netc-run'],
      ['train', example, '--out', join(at('a-file'), 'run')],
      ['train', example, '--iterations', '1e9'],
      ['train', example, '--threads', '999'],
      ['train', example, '--seed', '-1'],
      ['train', example, '--resume', at('missing-run')],
      ['train', example, '--resume', at('empty-run')],
      ['train', example, '--resume', run],
      ['train', example, '--data', at('a-file')],
      ['train', example, '--set', 'train.batch_size=100000'],
      ['train', example, '--init', at('a-file'), '--out', at('init-empty')],
      ['train', example, '--init', join(run, 'weights.json'), '--out', at('init-json')],
      ['train', example, '--init', at('missing.bin')],
      ['train', example, '--init', join(run, 'weights.bin'), '--resume', run],
      ['train', example, '--procs', '2'],
      ['export', at('missing-run'), '--onnx'],
      ['export', at('cut-weights'), '--onnx'],
      ['export', run],
      ['compile', example, '--out-dir', at('a-file')],
      ['report', at('missing-run')],
      ['report', at('a-file')],
      ['report', at('cut-weights')],
      ['report', at('cut-metrics')],
      ['report', at('cut-layout')],
      ['report', at('cut-pixels')],
      ['report', at('foreign-metrics')],
      ['diff', example, at('missing.yaml')],
      ['diff', run, at('cut-metrics')],
      ['runs', at('a-file')],
    ];
    const failures: string[] = [];
    for (const args of cases) {
      const ran = await runCli(...args);
      const shown = `netc ${args.join(' ')} → exit ${ran.code}: ${ran.err.split('\n')[0]}`;
      if (ran.code !== 1 && ran.code !== 2) failures.push(shown);
      else if (/internal error|\n\s+at /.test(ran.err) || ran.err.trim() === '') failures.push(`${shown} (no message, or a stack trace)`);
    }
    expect(failures).toEqual([]);
  });
});
