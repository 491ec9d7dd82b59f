// The WebAssembly backend's SIMD math (src/ops/shared/wasm-exp-value.hbs, wasm-erf-value.hbs) against
// double precision, over the ranges activations use.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/emit/wasm/assemble.js';
import { template } from '../src/emit/templates.js';
import { erf } from '../src/runtime/math.js';

// The fused build needs relaxed SIMD (behind a flag in Node 20, as runtime/wasm.ts turns it on).
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** exp and erf as the kernels inline them, in a module of their own: fused multiply-adds or not. */
function helpers(fma: boolean) {
  const locals = '(local $exp_x v128) (local $exp_n v128) (local $exp_r v128) (local $exp_p v128) (local $erf_x v128) (local $erf_z v128) (local $erf_p v128) (local $erf_q v128)';
  const value = (name: string) => template(`ops/shared/wasm-${name}-value`)({ fma, x: '(v128.load (local.get $i))' });
  const text = `(module (memory (export "memory") 1)
  (func (export "apply") (param $which i32) (param $n i32)
    (local $i i32) ${locals}
    (loop $values
      (v128.store (local.get $i) (if (result v128) (local.get $which) (then ${value('erf')}) (else ${value('exp')})))
      (br_if $values (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.mul (local.get $n) (i32.const 4))))))
)`;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble('math.wat', text))).exports as { memory: WebAssembly.Memory; apply(which: number, n: number): void };
  return (which: 'exp' | 'erf', xs: number[]) => {
    const values = new Float32Array(instance.memory.buffer, 0, xs.length);
    values.set(xs);
    instance.apply(which === 'erf' ? 1 : 0, xs.length);
    return Array.from(values);
  };
}

describe.each([true, false])('SIMD math (fused multiply-adds: %s)', (fma) => {
  const apply = helpers(fma);
  const range = (from: number, to: number, count: number) => Array.from({ length: count }, (_, i) => Math.fround(from + ((to - from) * i) / (count - 1)));

  it('exp: relative error below 3e-7 over [−80, 80]', () => {
    const xs = range(-80, 80, 4000);
    const ys = apply('exp', xs);
    const worst = Math.max(...xs.map((x, i) => Math.abs(ys[i]! - Math.exp(x)) / Math.exp(x)));
    expect(worst).toBeLessThan(3e-7);
  });

  it('exp: finite and positive far out of range', () => {
    expect(apply('exp', [-1000, -100, 100, 1000]).every((y) => Number.isFinite(y) && y > 0)).toBe(true);
  });

  // The rational approximation in float32 (an ulp of 1 is 1.2e-7): measured 3.4e-7 at worst.
  it('erf: absolute error below 5e-7 over [−6, 6], odd', () => {
    const xs = range(-6, 6, 2400);
    const ys = apply('erf', xs);
    expect(Math.max(...xs.map((x, i) => Math.abs(ys[i]! - erf(x))))).toBeLessThan(5e-7);
    expect(ys[0]).toBe(-ys[ys.length - 1]!);
  });

  it('the TypeScript erf: within 1e-15 of known values', () => {
    // erf(0.5), erf(1), erf(2), erf(3) to 16 digits (Abramowitz and Stegun, table 7.1).
    expect(Math.abs(erf(0.5) - 0.5204998778130465)).toBeLessThan(1e-15);
    expect(Math.abs(erf(1) - 0.8427007929497149)).toBeLessThan(1e-15);
    expect(Math.abs(erf(2) - 0.9953222650189527)).toBeLessThan(1e-15);
    expect(Math.abs(erf(-3) + 0.9999779095030014)).toBeLessThan(1e-15);
  });
});
