// Lowering: buffer layout (padding where convs read it, relu in place), the flat parameter
// layout, unroll decisions, and the verifier that guards the IR.
import { describe, expect, it } from 'vitest';
import { lower, type Program } from '../src/lower/index.js';
import { CompilerBug, verify } from '../src/lower/verify.js';
import { check } from '../src/pipeline.js';

describe('lower', () => {
  const { network } = check('configs/mnist.yaml');
  const program = lower(network);

  it('pads each buffer by what its consumer reads, and runs relu in place', () => {
    expect(program.input).toMatchObject({ height: 28, pad: 2, rowStride: 32, channelStride: 1024, origin: 66 });
    const conv1 = program.ops[0]!;
    const relu1 = program.ops[1]!;
    expect(relu1.x).toBe(conv1.y);
    expect(relu1.y).toBe(conv1.y);
    expect(program.buffers.map((b) => [b.name, b.pad, b.sampleStride])).toEqual([
      ['conv1_out', 0, 16 * 28 * 28],
      ['maxpool1_out', 2, 16 * 18 * 18],
      ['conv2_out', 0, 16 * 14 * 14],
      ['maxpool2_out', 0, 16 * 7 * 7],
      ['fc_out', 0, 10],
    ]);
  });

  it('lays out all parameters in one array, weights then biases, layer by layer', () => {
    expect(program.params.map((p) => [p.name, p.offset, p.size, p.shape])).toEqual([
      ['conv1_w', 0, 400, [16, 1, 5, 5]],
      ['conv1_b', 400, 16, [16]],
      ['conv2_w', 416, 6400, [16, 16, 5, 5]],
      ['conv2_b', 6816, 16, [16]],
      ['fc_w', 6832, 7840, [10, 784]],
      ['fc_b', 14672, 10, [10]],
    ]);
    expect(program.paramCount).toBe(14682);
  });

  it('initialises as the reference did: conv1 N(0,1)/sqrt(75/2), the others sqrt(2/fan_in)', () => {
    const std = Object.fromEntries(program.params.map((p) => [p.name, p.init.kind === 'normal' ? p.init.std : p.init.value]));
    expect(std.conv1_w).toBeCloseTo(1 / Math.sqrt((5 * 5 * 3) / 2), 12);
    expect(std.conv2_w).toBeCloseTo(Math.sqrt(2 / 400), 12);
    expect(std.fc_w).toBeCloseTo(Math.sqrt(2 / 784), 12);
    expect(std.conv1_b).toBe(0);
  });

  it('computes input gradients only after the first layer with parameters', () => {
    expect(program.ops.map((op) => [op.name, op.inputGrad])).toEqual([
      ['conv1', false],
      ['relu1', true],
      ['maxpool1', true],
      ['conv2', true],
      ['relu2', true],
      ['maxpool2', true],
      ['fc', true],
    ]);
  });

  it('the verifier rejects an IR whose windows leave their buffer, or whose ops do not chain', () => {
    const conv1 = program.ops[0]!;
    const unpadded: Program = { ...program, ops: [{ ...conv1, x: { ...conv1.x, pad: 0, rowStride: 28, channelStride: 784, sampleStride: 784, origin: 0 } }, ...program.ops.slice(1)] };
    expect(() => verify(unpadded, network)).toThrow(CompilerBug);
    const skipped: Program = { ...program, ops: [program.ops[0]!, ...program.ops.slice(2)].filter((op) => op.name !== 'maxpool1') };
    expect(() => verify(skipped, network)).toThrow(/reads .* but the previous op wrote/);
    const miscounted: Program = { ...program, paramCount: 14681 };
    expect(() => verify(miscounted, network)).toThrow(/parameters total/);
  });
});
