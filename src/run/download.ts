// Fetching CIFAR-10 from its official address: streamed to a temp file with progress,
// checked against the official md5, renamed into the cache only when complete. A dead
// network fails fast (connection timeout), never hangs.
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolder } from '../runtime/atomic.js';
import { DataError } from '../runtime/images.js';

export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

export interface DownloadOptions {
  readonly url?: string;
  readonly md5?: string;
  /** Give up when no byte has arrived for this long (also the connection timeout). */
  readonly stallMs?: number;
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

export async function download(target: string, options: DownloadOptions = {}): Promise<void> {
  const url = options.url ?? CIFAR_URL;
  const expected = options.md5 ?? CIFAR_MD5;
  const stallMs = options.stallMs ?? 15_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), stallMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), stallMs);
  };
  makeFolder(dirname(target));
  const temp = `${target}.download-${process.pid}`;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (error) {
      throw new DataError(url, `cannot download: ${reason(error, stallMs)}`, `without a network, put the archive at ${target} yourself`);
    }
    if (!response.ok || !response.body) throw new DataError(url, `cannot download: HTTP ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length')) || undefined;
    const hash = createHash('md5');
    const file = createWriteStream(temp);
    let received = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        alive();
        hash.update(chunk);
        received += chunk.length;
        if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
        options.onProgress?.(received, total);
      }
    } catch (error) {
      throw new DataError(url, `the download broke off after ${received} bytes: ${reason(error, stallMs)}`, 'try again');
    } finally {
      await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    const md5 = hash.digest('hex');
    if (md5 !== expected) throw new DataError(url, `the download's md5 is ${md5}, not the official ${expected}; it was discarded`, 'try again, or fetch the archive another way');
    renameSync(temp, target);
  } finally {
    clearTimeout(timer);
    rmSync(temp, { force: true });
  }
}

function reason(error: unknown, stallMs: number): string {
  if (error instanceof Error && error.name === 'AbortError') return `no data for ${stallMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
