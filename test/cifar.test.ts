// CIFAR-10: the loader on the shared archive and on broken files, the safe unpacking of
// archives, where datasets are looked for, and the download's failure modes.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { unpack, unpackOnce } from '../src/run/archive.js';
import { locateDataset } from '../src/run/dataset.js';
import { download } from '../src/run/download.js';
import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, loadCifar10 } from '../src/runtime/cifar.js';
import { DataError } from '../src/runtime/images.js';
import { sharedCifarArchive, tempDir } from './helpers.js';

let batches: string;
let cache: string;

beforeAll(async () => {
  cache = tempDir('netc-cache-');
  batches = join(await unpackOnce(sharedCifarArchive(), join(cache, 'cifar10')), 'cifar-10-batches-bin');
});

/** The DataError a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

function dataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

/** A batches folder linking the real files, with `name` replaced by `bytes`. */
function withFile(name: string, bytes: Uint8Array): string {
  const dir = tempDir();
  for (const file of [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE]) {
    if (file === name) writeFileSync(join(dir, file), bytes);
    else symlinkSync(join(batches, file), join(dir, file));
  }
  return dir;
}

describe('CIFAR-10 loader', () => {
  it('loads the shared archive: 50000 training and 10000 test images, balanced classes', () => {
    const { train, test } = loadCifar10(batches);
    expect([train.count, test.count]).toEqual([50000, 10000]);
    expect([train.height, train.width, train.channels]).toEqual([32, 32, 3]);
    const perClass = (labels: Uint8Array) => Array.from({ length: 10 }, (_, k) => labels.filter((l) => l === k).length);
    expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
    expect(perClass(train.labels)).toEqual(new Array(10).fill(5000));
    // The record layout: the first test image's pixels are the bytes after its label.
    const raw = readFileSync(join(batches, CIFAR_TEST_FILE));
    expect(Buffer.from(test.images.subarray(0, 3072)).equals(raw.subarray(1, 3073))).toBe(true);
    expect(test.labels[0]).toBe(raw[0]);
  });

  it('unpacks the archive once and reuses it', async () => {
    const again = await unpackOnce(sharedCifarArchive(), join(cache, 'cifar10'));
    expect(join(again, 'cifar-10-batches-bin')).toBe(batches);
    expect(readdirSync(join(cache, 'cifar10')).filter((f) => f.startsWith('unpacked-'))).toHaveLength(1);
  });

  it('refuses a truncated batch, naming the file and the expected size', () => {
    const e = dataError(() => loadCifar10(withFile('data_batch_3.bin', readFileSync(join(batches, 'data_batch_3.bin')).subarray(0, 30000))));
    expect(e.file).toMatch(/data_batch_3\.bin$/);
    expect(e.message).toContain('is 30000 bytes; a CIFAR-10 batch is exactly 30730000 (10000 records of 3073 bytes) — truncated?');
  });

  it('refuses a label out of range, naming the record', () => {
    const bytes = Buffer.from(readFileSync(join(batches, CIFAR_TEST_FILE)));
    bytes[3073 * 42] = 10;
    expect(dataError(() => loadCifar10(withFile(CIFAR_TEST_FILE, bytes))).message).toContain('record 42 has label 10; expected 0–9');
  });

  it('refuses a missing file and a folder without batches', async () => {
    const dir = withFile('data_batch_1.bin', new Uint8Array());
    const e = dataError(() => loadCifar10(join(dir, 'nope')));
    expect(e.message).toContain('holds neither test_batch.bin nor a cifar-10-batches-bin/ folder');
    expect(e.hint).toContain('--data');
    // An unpacked folder short of one batch: that file is named, not the folder called empty.
    const parent = tempDir();
    const partial = join(parent, 'cifar-10-batches-bin');
    mkdirSync(partial);
    for (const file of CIFAR_TRAIN_FILES) symlinkSync(join(batches, file), join(partial, file));
    const missing = dataError(() => loadCifar10(parent));
    expect(missing.file).toBe(join(partial, CIFAR_TEST_FILE));
    expect(missing.message).toContain('is missing from the CIFAR-10 folder');
    expect(await locateDataset('cifar10', { cli: parent })).toBe(partial);
  });
});

/** A .tar.gz with one member of the given name and type ('0' file, '2' symlink, '3' char device). */
function tarGz(members: { name: string; type?: string; body?: string; link?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const body = Buffer.from(member.body ?? '');
    const header = Buffer.alloc(512);
    header.write(member.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write(member.type ?? '0', 156);
    if (member.link) header.write(member.link, 157, 100, 'utf8');
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe('archive unpacking', () => {
  const unpackError = async (archive: Buffer) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.tar.gz'), archive);
    mkdirSync(join(dir, 'out'));
    const error = await unpack(join(dir, 'a.tar.gz'), join(dir, 'out')).catch((e: unknown) => e);
    return { error: error as DataError, dir };
  };

  it('unpacks plain files and folders', async () => {
    const { error, dir } = await unpackError(tarGz([{ name: 'top/', type: '5' }, { name: 'top/a.txt', body: 'hello' }]));
    expect(error).toBeUndefined();
    expect(readFileSync(join(dir, 'out', 'top', 'a.txt'), 'utf8')).toBe('hello');
  });

  it.each([
    ['an absolute path', [{ name: '/tmp/netc-evil.txt', body: 'x' }], 'an absolute path'],
    ['a path with ..', [{ name: 'top/../../evil.txt', body: 'x' }], 'a path leading outside with ..'],
    ['a symbolic link', [{ name: 'link', type: '2', link: '/etc/passwd' }], 'a SymbolicLink, not a plain file or folder'],
    ['a device', [{ name: 'dev', type: '3' }], 'a CharacterDevice, not a plain file or folder'],
  ])('refuses %s', async (_, members, problem) => {
    const { error, dir } = await unpackError(tarGz(members));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(`holds unsafe members, refused: ${members[0]!.name} (${problem})`);
    expect(existsSync('/tmp/netc-evil.txt')).toBe(false);
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });

  it('refuses truncated and corrupt archives, and leaves no partial folder in the cache', async () => {
    const good = tarGz([{ name: 'a.txt', body: 'x'.repeat(5000) }]);
    const truncated = await unpackError(good.subarray(0, good.length - 40));
    expect(truncated.error.message).toContain('is not a readable .tar.gz archive');
    const corrupt = await unpackError(Buffer.from('definitely not gzip'));
    expect(corrupt.error.message).toContain('is not a readable .tar.gz archive');
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.tar.gz'), good.subarray(0, good.length - 40));
    await expect(unpackOnce(join(dir, 'bad.tar.gz'), join(dir, 'cache'))).rejects.toThrow(DataError);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });
});

describe('where datasets are found', () => {
  const empty = () => ({ NETC_CACHE: tempDir() }) as NodeJS.ProcessEnv;

  it('finds CIFAR-10 from --data, then data.path, then NETC_DATA, then the cache', async () => {
    const env = { NETC_CACHE: cache } as NodeJS.ProcessEnv;
    expect(await locateDataset('cifar10', { cli: batches, config: '/nowhere', env })).toBe(batches);
    expect(await locateDataset('cifar10', { config: join(batches, '..'), env })).toBe(batches);
    expect(await locateDataset('cifar10', { env: { ...env, NETC_DATA: join(batches, '..') } })).toBe(batches);
    // NETC_DATA may name the folder holding the archive, as ../shared/datasets/cifar10 does.
    const found = await locateDataset('cifar10', { env: { ...env, NETC_DATA: join(sharedCifarArchive(), '..') } });
    expect(found).toBe(batches);
  });

  it('an explicit location with nothing usable is an error, not a reason to look elsewhere', async () => {
    const error = await rejection(locateDataset('cifar10', { cli: tempDir(), env: empty() }));
    expect(error.message).toContain('--data names no CIFAR-10 files');
  });

  it('says exactly where to put the archive when nothing is found', async () => {
    const env = empty();
    const error = await rejection(locateDataset('cifar10', { env }));
    expect(error.code).toBe('not-found');
    expect(error.hint).toContain(`put cifar-10-binary.tar.gz (the official binary archive) in ${join(env.NETC_CACHE!, 'cifar10')}/`);
    expect(error.hint).toContain('netc download cifar10');
  });
});

describe('download', () => {
  it('fails fast with a clear message when the network is unreachable', async () => {
    // A port that was just free: nothing listens there, so the connection is refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const target = join(tempDir(), 'cifar.tar.gz');
    const start = Date.now();
    const error = await rejection(download(target, { url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`, stallMs: 3000 }));
    expect(Date.now() - start).toBeLessThan(5000);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/cannot download: (ECONNREFUSED|no data)/);
    expect(error.hint).toContain(`put the archive at ${target}`);
    expect(existsSync(target)).toBe(false);
  });

  it('checks the md5, keeps a good download and discards a bad one', async () => {
    const body = Buffer.from('pretend archive bytes '.repeat(1000));
    const server = createServer((_, response) => {
      response.setHeader('content-length', body.length);
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.tar.gz`;
    try {
      const dir = tempDir();
      const progress: number[] = [];
      const md5 = createHash('md5').update(body).digest('hex');
      await download(join(dir, 'good.tar.gz'), { url, md5, onProgress: (received) => progress.push(received) });
      expect(statSync(join(dir, 'good.tar.gz')).size).toBe(body.length);
      expect(progress[progress.length - 1]).toBe(body.length);
      const error = await rejection(download(join(dir, 'bad.tar.gz'), { url }));
      expect(error.message).toContain(`the download's md5 is ${md5}, not the official c32a1d4ab5d03f1284b67883e8d87530; it was discarded`);
      expect(readdirSync(dir)).toEqual(['good.tar.gz']);
    } finally {
      server.close();
    }
  });
});
