// The machine's WebAssembly SIMD peak, as the yardstick for netc's kernels: a loop of
// independent f32x4 multiply-adds (acc ← acc·a + b), twelve chains so that neither latency
// nor register pressure limits it — the shape of netc's GEMM micro-kernels, minus their
// loads. Measured with separate mul and add (plain SIMD128) and with relaxed SIMD's fused
// multiply-add where the runtime has it, on 1 thread and on several at once (each thread
// its own instance, started together).   node bench/dist/peak.js [threads...]
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import wabtInit from 'wabt';

const CHAINS = 12;
/** FLOPs per loop iteration: every chain does one multiply-add on four lanes. */
const FLOPS_PER_ITERATION = CHAINS * 4 * 2;

function moduleText(fma: boolean): string {
  const chains = Array.from({ length: CHAINS }, (_, i) => `$c${i}`);
  const step = (c: string) =>
    fma
      ? `(local.set ${c} (f32x4.relaxed_madd (local.get ${c}) (local.get $a) (local.get $b)))`
      : `(local.set ${c} (f32x4.add (f32x4.mul (local.get ${c}) (local.get $a)) (local.get $b)))`;
  return `(module
  (func (export "run") (param $iterations i32) (result f32)
    (local $a v128) (local $b v128) ${chains.map((c) => `(local ${c} v128)`).join(' ')}
    ;; a < 1 and b small: every chain converges to b / (1 - a), far from overflow and denormals
    (local.set $a (f32x4.splat (f32.const 0.999)))
    (local.set $b (f32x4.splat (f32.const 0.001)))
    ${chains.map((c, i) => `(local.set ${c} (f32x4.splat (f32.const ${i + 1})))`).join('\n    ')}
    (loop $loop
      ${chains.map(step).join('\n      ')}
      (br_if $loop (local.tee $iterations (i32.sub (local.get $iterations) (i32.const 1)))))
    ;; the chains' sum, so no chain is dead code
    (f32x4.extract_lane 0 ${chains.slice(1).reduce((sum, c) => `(f32x4.add ${sum} (local.get ${c}))`, `(local.get ${chains[0]})`)}))
)`;
}

async function instance(fma: boolean): Promise<(iterations: number) => number> {
  const wabt = await wabtInit();
  const features = { simd: true, relaxed_simd: true };
  const module = wabt.parseWat(fma ? 'peak-fma.wat' : 'peak.wat', moduleText(fma), features);
  const bytes = module.toBinary({}).buffer;
  module.destroy();
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (iterations: number) => number;
}

/** GFLOP/s of one thread running the loop for about `seconds`. */
async function measure(fma: boolean, seconds: number): Promise<number> {
  const run = await instance(fma);
  run(1e5); // compiled by the optimising tier
  let iterations = 1e6;
  for (;;) {
    const start = performance.now();
    run(iterations);
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds) return (iterations * FLOPS_PER_ITERATION) / elapsed / 1e9;
    iterations = Math.ceil(iterations * Math.min(10, (seconds * 1.1) / Math.max(elapsed, 1e-3)));
  }
}

export interface Peak {
  readonly threads: number;
  /** GFLOP/s, summed over the threads: mul + add, and fused (undefined: no relaxed SIMD). */
  readonly mulAdd: number;
  readonly fma: number | undefined;
}

/** The peak on `threads` threads at once (each a worker), medians of `rounds` windows of `seconds`. */
export async function measurePeak(threads: number, rounds: number, seconds: number): Promise<Peak> {
  const once = async (fma: boolean) => {
    const workers = Array.from({ length: threads }, () => new Worker(fileURLToPath(import.meta.url), { workerData: { fma, seconds } }));
    const rates = await Promise.all(workers.map((w) => new Promise<number>((resolve, reject) => w.once('message', resolve).once('error', reject))));
    await Promise.all(workers.map((w) => w.terminate()));
    return rates.reduce((a, b) => a + b, 0);
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const mulAdd: number[] = [];
  const fused: number[] = [];
  const fmaWorks = await canFuse();
  for (let r = 0; r < rounds; r++) {
    mulAdd.push(await once(false));
    if (fmaWorks) fused.push(await once(true));
  }
  return { threads, mulAdd: median(mulAdd), fma: fmaWorks ? median(fused) : undefined };
}

async function canFuse(): Promise<boolean> {
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // Not every runtime lets flags be set.
  }
  try {
    await instance(true);
    return true;
  } catch {
    return false;
  }
}

if (!isMainThread) {
  const { fma, seconds } = workerData as { fma: boolean; seconds: number };
  if (fma) setFlagsFromString('--experimental-wasm-relaxed-simd');
  parentPort!.postMessage(await measure(fma, seconds));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = process.argv.slice(2).map(Number);
  for (const threads of counts.length > 0 ? counts : [1, 2]) {
    const peak = await measurePeak(threads, 3, 1);
    console.log(`${threads} thread(s): mul+add ${peak.mulAdd.toFixed(1)} GFLOP/s, fused ${peak.fma?.toFixed(1) ?? 'absent'} GFLOP/s`);
  }
}
