// Progress while training: a bar with iteration, loss, accuracy, samples/s and ETA on a
// terminal; plain report lines otherwise (logs, CI).
import cliProgress from 'cli-progress';
import type { Progress } from '../run/index.js';
import type { Output } from './output.js';

export interface ProgressReporter {
  onProgress(progress: Progress): void;
  log(line: string): void;
  stop(): void;
}

export function progressReporter(io: Output): ProgressReporter {
  if (!io.interactive) {
    return { onProgress: () => {}, log: (line) => io.err(line), stop: () => {} };
  }
  const bars = new cliProgress.MultiBar(
    {
      format: ' {phase} |{bar}| {value}/{total}  loss {loss}  acc {accuracy}  {speed} samples/s  ETA {eta_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_grey,
  );
  let bar: cliProgress.SingleBar | undefined;
  let phase: Progress['phase'] | undefined;
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        bar?.stop();
        bars.remove(bar!);
        phase = p.phase;
        bar = bars.create(p.total, 0);
      }
      bar!.update(p.done, {
        phase: p.phase === 'train' ? 'train' : 'test ',
        loss: p.phase === 'train' ? p.loss.toFixed(4) : '  –   ',
        accuracy: p.accuracy.toFixed(4),
        speed: Math.round(p.samplesPerSecond),
      });
    },
    log: (line) => bars.log(line + '\n'),
    stop: () => bars.stop(),
  };
}
