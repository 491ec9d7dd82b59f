// Training with the PyTorch backend: the run folder's trainer/pytorch/train.py, run by a
// python3 that has torch — one process, or several of DistributedDataParallel — with its
// progress lines streamed; it writes the run folder's results itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { userError } from '../diagnostics.js';
import { readMetrics } from '../runs.js';
import { type Metrics, type Progress, TrainingInterrupted } from '../runtime/train-loop.js';

const INSTALL_TORCH = 'on Debian: apt-get install -y python3-torch; or point NETC_PYTHON at a python3 that has torch';

/** The python3 to run: $NETC_PYTHON, else Debian's (the first on PATH may be another), else PATH's — the first that imports torch. */
export function findPython(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.NETC_PYTHON ? [env.NETC_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  throw userError(candidates[0]!, `cannot train with --backend pytorch: ${candidates.join(' and ')} ${candidates.length > 1 ? 'have' : 'has'} no torch`, INSTALL_TORCH);
}

export interface PytorchRunOptions {
  /** Processes of DistributedDataParallel (gloo on the CPU). */
  readonly procs?: number;
  readonly threads?: number | 'auto';
  readonly log?: (line: string) => void;
  readonly onProgress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
  /** Weights to start from (a weights.bin). */
  readonly initFrom?: string;
  /** Continue the run folder's checkpoint. */
  readonly resume?: boolean;
}

/** The checkpoint train.py keeps in the run folder while it trains (and after Ctrl-C). */
export const PYTORCH_CHECKPOINT = 'checkpoint.pt';
/** train.py's exit code after a signal stopped it, with a checkpoint. */
const STOPPED = 130;

const PROGRESS = /^iteration\s+(\d+)\/(\d+)\s+loss (\S+)\s+accuracy (\S+).*\s(\d+) samples\/s$/;

export async function trainWithPytorch(dir: string, dataPath: string, options: PytorchRunOptions): Promise<Metrics> {
  const python = findPython();
  const script = join(dir, 'trainer', 'pytorch', 'train.py');
  const procs = options.procs ?? 1;
  const threads = typeof options.threads === 'number' ? options.threads : Math.max(1, Math.floor(availableParallelism() / procs));
  // train.py starts its processes itself (torch.multiprocessing): Debian's torch 1.13 torchrun fails under Python 3.11.
  const args = [script, '--data', dataPath, '--out', dir, '--threads', String(threads), '--procs', String(procs), ...(options.initFrom ? ['--init', resolve(options.initFrom)] : []), ...(options.resume ? ['--resume'] : [])];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  const errors: string[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      // train.py's closing summary: netc prints its own, with the report's path.
      if (/^test accuracy .* samples\/s/.test(line)) continue;
      options.log?.(line);
      const m = PROGRESS.exec(line);
      if (m) options.onProgress?.({ phase: 'train', done: +m[1]!, total: +m[2]!, loss: +m[3]!, accuracy: +m[4]!, samplesPerSecond: +m[5]! });
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => errors.push(...text.split('\n').filter(Boolean)));
  const stoppedAt = () => Number(/^stopped after iteration (\d+)/m.exec(errors.join('\n'))?.[1] ?? NaN);
  const stop = () => child.kill('SIGINT');
  options.signal?.addEventListener('abort', stop);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => options.signal?.removeEventListener('abort', stop));
  if (code === STOPPED && existsSync(join(dir, PYTORCH_CHECKPOINT))) throw new TrainingInterrupted(stoppedAt(), join(dir, PYTORCH_CHECKPOINT));
  if (code !== 0) {
    // train.py's own errors are one line, `error: <path>: <what>`; anything else is shown as it came.
    const own = errors.find((line) => line.startsWith('error: '));
    throw userError(script, own ? own.slice('error: '.length) : `${python} exited with code ${code}:\n${errors.slice(-15).join('\n')}`, own ? undefined : `run it yourself to see more: ${python} ${args.join(' ')}`);
  }
  return readMetrics(dir);
}
