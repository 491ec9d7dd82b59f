// Lowering to the graph IR: tensors and their storage (borders where convs read them, relu
// in place), the flat parameter layout, gradient modes, and the verifier that guards it.
import { describe, expect, it } from 'vitest';
import { lower, type Graph } from '../src/lower/index.js';
import { CompilerBug, verify } from '../src/lower/verify.js';
import { check } from '../src/pipeline.js';

describe('lower', () => {
  const { network } = check('configs/mnist.yaml');
  const graph = lower(network);
  const op = (name: string) => graph.ops.find((o) => o.name === name)!;
  const storageOf = (tensor: number) => graph.storages[graph.tensors[tensor]!.storage]!;

  it('gives each storage the border its readers need, and runs relu in place', () => {
    expect(graph.storages.map((s) => [s.name, s.border, s.tensors.map((t) => graph.tensors[t]!.name)])).toEqual([
      ['input', 2, ['input']],
      ['conv1_out', 0, ['conv1', 'relu1']],
      ['maxpool1_out', 2, ['maxpool1']],
      ['conv2_out', 0, ['conv2', 'relu2']],
      ['maxpool2_out', 0, ['maxpool2']],
      ['fc_out', 0, ['fc']],
    ]);
    expect(op('relu1').inPlace).toBe(true);
    expect(storageOf(op('relu1').output)).toBe(storageOf(op('conv1').output));
  });

  it('lays out all parameters in one array, weights then biases, layer by layer', () => {
    expect(graph.params.map((p) => [p.name, p.offset, p.size, p.shape, p.role])).toEqual([
      ['conv1_w', 0, 400, [16, 1, 5, 5], 'weight'],
      ['conv1_b', 400, 16, [16], 'bias'],
      ['conv2_w', 416, 6400, [16, 16, 5, 5], 'weight'],
      ['conv2_b', 6816, 16, [16], 'bias'],
      ['fc_w', 6832, 7840, [10, 784], 'weight'],
      ['fc_b', 14672, 10, [10], 'bias'],
    ]);
    expect(graph.paramCount).toBe(14682);
  });

  it('initialises as the reference did: conv1 N(0,1)/sqrt(75/2), the others sqrt(2/fan_in)', () => {
    const std = Object.fromEntries(graph.params.map((p) => [p.name, p.init.kind === 'normal' ? p.init.std : p.init.kind === 'constant' ? p.init.value : NaN]));
    expect(std.conv1_w).toBeCloseTo(1 / Math.sqrt((5 * 5 * 3) / 2), 12);
    expect(std.conv2_w).toBeCloseTo(Math.sqrt(2 / 400), 12);
    expect(std.fc_w).toBeCloseTo(Math.sqrt(2 / 784), 12);
    expect(std.conv1_b).toBe(0);
  });

  it('computes input gradients only after the first layer with parameters', () => {
    expect(graph.ops.map((o) => [o.name, o.inputGrads])).toEqual([
      ['conv1', ['none']],
      ['relu1', ['write']],
      ['maxpool1', ['write']],
      ['conv2', ['write']],
      ['relu2', ['write']],
      ['maxpool2', ['write']],
      ['fc', ['write']],
    ]);
    expect(op('conv2').sparseGrad).toEqual(['relu2', 'maxpool2']);
  });

  it('the verifier rejects ops out of order, a miscounted total, an in-place op on a shared value', () => {
    const swapped: Graph = { ...graph, ops: [graph.ops[1]!, graph.ops[0]!, ...graph.ops.slice(2)] };
    expect(() => verify(swapped, network)).toThrow(CompilerBug);
    const miscounted: Graph = { ...graph, paramCount: 14681 };
    expect(() => verify(miscounted, network)).toThrow(/parameters total/);
    const notInPlace: Graph = { ...graph, ops: graph.ops.map((o) => (o.name === 'relu1' ? { ...o, inPlace: false } : o)) };
    expect(() => verify(notInPlace, network)).toThrow(/shares its input’s storage but does not run in place/);
  });
});
