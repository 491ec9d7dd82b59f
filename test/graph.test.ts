// Graphs in YAML: layers that name their inputs, blocks defined once and used many times,
// and the errors a graph can have — each located, with what was found and what would do.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../src/pipeline.js';
import { diagnosticOf } from './helpers.js';

const base = { input: { height: 28, width: 28, channels: 1 }, data: { dataset: 'mnist' }, train: { iterations: 1 } };
const config = (layers: unknown[], blocks?: Record<string, unknown>) => stringify({ ...base, ...(blocks ? { blocks } : {}), layers });
const at = (text: string, fragment: string) => text.split('\n').findIndex((line) => line.includes(fragment)) + 1;

describe('graphs', () => {
  it('a layer reads the layer before it, or those it names; branches and joins', () => {
    const { network } = check('net.yaml', {
      text: config([
        { conv: { name: 'a', filters: 4, size: 3, padding: 1 } },
        { conv: { name: 'b', filters: 4, size: 3, padding: 1 } },
        { add: { name: 'sum', inputs: ['a', 'b'] } },
        { dense: { units: 10 } },
      ]),
    });
    expect(network.layers.map((l) => [l.layer.name, l.layer.inputs])).toEqual([
      ['a', ['input']],
      ['b', ['a']],
      ['sum', ['a', 'b']],
      ['dense1', ['sum']],
    ]);
  });

  it('orders layers so each comes after those it reads, even when written before them', () => {
    const { network } = check('net.yaml', {
      text: config([{ conv: { name: 'late', filters: 2, size: 3, inputs: ['early'] } }, { conv: { name: 'early', filters: 2, size: 1, inputs: ['input'] } }, { dense: { units: 10, inputs: ['late'] } }]),
    });
    expect(network.layers.map((l) => l.layer.name)).toEqual(['early', 'late', 'dense1']);
  });

  it('an unknown input name is located, with the names there are and a guess', () => {
    const text = config([{ conv: { name: 'stem', filters: 2, size: 3 } }, { relu: { inputs: ['stme'] } }, { dense: { units: 10 } }]);
    const d = diagnosticOf(() => check('net.yaml', { text }));
    expect(d.message).toBe("no layer is named 'stme' in the network; its layers are input, stem, relu1, dense1");
    expect(d.hint).toBe("did you mean 'stem'?");
    expect(d.line).toBe(at(text, '- stme'));
  });

  it('a cycle names its layers', () => {
    const text = config([{ conv: { name: 'a', filters: 2, size: 1, inputs: ['b'] } }, { conv: { name: 'b', filters: 2, size: 1, inputs: ['a'] } }, { dense: { units: 10, inputs: ['b'] } }]);
    const d = diagnosticOf(() => check('net.yaml', { text }));
    expect(d.message).toMatch(/^the layers' inputs make a cycle: (a → b → a|b → a → b)$/);
  });

  it('an add of two shapes names both branches and where each shape came from', () => {
    const text = config([
      { conv: { name: 'wide', filters: 8, size: 3, padding: 1 } },
      { conv: { name: 'narrow', filters: 4, size: 3, stride: 2, padding: 1, inputs: ['input'] } },
      { batchnorm: { name: 'bn' } },
      { add: { name: 'sum', inputs: ['wide', 'bn'] } },
      { dense: { units: 10 } },
    ]);
    const d = diagnosticOf(() => check('net.yaml', { text }));
    expect(d.message).toBe('sum: its inputs differ in shape: the output of wide (28×28×8) and the output of bn (14×14×4, shaped by narrow); an add needs them equal');
    expect(d.hint).toContain('same number of channels');
    expect(text.split('\n')[d.line - 1]).toContain('- wide');
  });

  it('an unused branch is an error: only the last layer may go unread', () => {
    const text = config([{ conv: { name: 'a', filters: 2, size: 3 } }, { conv: { name: 'orphan', filters: 2, size: 3, inputs: ['input'] } }, { dense: { units: 10, inputs: ['a'] } }]);
    const d = diagnosticOf(() => check('net.yaml', { text }));
    expect(d.message).toBe("orphan's output is never used: no layer reads it, and only the last layer's output is the network's");
    expect(d.line).toBe(at(text, 'name: orphan') - 1);
    expect(text.split('\n')[d.line - 1]).toContain('- conv:');
  });

  it('an op reads as many inputs as it takes', () => {
    const d = diagnosticOf(() => check('net.yaml', { text: config([{ conv: { name: 'a', filters: 2, size: 3 } }, { add: { inputs: ['a'] } }, { dense: { units: 10 } }]) }));
    expect(d.message).toBe('add1: a add layer reads 2 to 8 inputs; it names 1');
  });
});

describe('blocks', () => {
  const blocks = {
    pair: {
      params: { filters: 4, size: 3, padding: 1 },
      layers: [{ conv: { name: 'c1', filters: '$filters', size: '$size', padding: '$padding' } }, 'relu', { conv: { name: 'c2', filters: '$filters', size: 3, padding: 1 } }, { add: { name: 'out', inputs: ['c2', 'input'] } }],
    },
  };

  it('expands each use: layers named with the use as a prefix, $params replaced, `input` the use’s input', () => {
    const { network } = check('net.yaml', {
      text: config([{ conv: { name: 'stem', filters: 4, size: 3, padding: 1 } }, { pair: { name: 'p1' } }, { pair: { name: 'p2', filters: 4, size: 5, padding: 2 } }, { dense: { units: 10 } }], blocks),
    });
    expect(network.layers.map((l) => [l.layer.name, l.layer.inputs.join(' + ')])).toEqual([
      ['stem', 'input'],
      ['p1_c1', 'stem'],
      ['p1_relu1', 'p1_c1'],
      ['p1_c2', 'p1_relu1'],
      ['p1_out', 'p1_c2 + stem'],
      ['p2_c1', 'p1_out'],
      ['p2_relu1', 'p2_c1'],
      ['p2_c2', 'p2_relu1'],
      ['p2_out', 'p2_c2 + p1_out'],
      ['dense1', 'p2_out'],
    ]);
    expect(network.layers.find((l) => l.layer.name === 'p2_c1')!.layer).toMatchObject({ filters: 4, size: 5, padding: 2, uses: [{ use: 'p2', block: 'pair' }] });
  });

  it('blocks use blocks; a use is read by its name (its last layer)', () => {
    const nested = { ...blocks, twice: { params: { filters: 4 }, layers: [{ pair: { name: 'a', filters: '$filters' } }, { pair: { name: 'b', filters: '$filters' } }] } };
    const { network } = check('net.yaml', { text: config([{ conv: { filters: 4, size: 3, padding: 1 } }, { twice: { name: 't' } }, { relu: { inputs: ['t'] } }, { dense: { units: 10 } }], nested) });
    expect(network.layers.filter((l) => l.layer.name.startsWith('t_')).length).toBe(8);
    expect(network.layers.find((l) => l.layer.type === 'relu' && !l.layer.name.startsWith('t_'))!.layer.inputs).toEqual(['t_b_out']);
  });

  it('a bad value given to a block is located at the use', () => {
    const text = config([{ conv: { filters: 4, size: 3, padding: 1 } }, { pair: { name: 'p1', filters: 0 } }, { dense: { units: 10 } }], blocks);
    const d = diagnosticOf(() => check('net.yaml', { text }));
    expect(d.message).toBe('p1_c1: blocks.pair.layers[0].conv.filters must be ≥ 1; found 0');
    expect(d.line).toBe(at(text, 'filters: 0'));
  });

  it('unknown parameters, missing ones, and blocks that use themselves are errors', () => {
    const unknown = diagnosticOf(() => check('net.yaml', { text: config([{ pair: { filtres: 8 } }, { dense: { units: 10 } }], blocks) }));
    expect(unknown.message).toBe("block 'pair' has no parameter 'filtres'; its parameters are filters, size, padding");
    expect(unknown.hint).toBe("did you mean 'filters'?");
    const required = { wide: { params: { filters: null }, layers: [{ conv: { filters: '$filters', size: 1 } }] } };
    expect(diagnosticOf(() => check('net.yaml', { text: config(['wide', { dense: { units: 10 } }], required) })).message).toBe("this use of block 'wide' must set its parameter 'filters' (the block gives it no default)");
    const typo = { bad: { params: { filters: 2 }, layers: [{ conv: { filters: '$filter', size: 1 } }] } };
    expect(diagnosticOf(() => check('net.yaml', { text: config(['bad', { dense: { units: 10 } }], typo) })).hint).toBe("did you mean '$filters'?");
    const loop = { a: { layers: ['b'] }, b: { layers: ['a'] } };
    expect(diagnosticOf(() => check('net.yaml', { text: config(['a', { dense: { units: 10 } }], loop) })).message).toBe("block 'a' uses itself (a → b → a)");
  });

  it('an unknown layer type suggests a layer type or a block', () => {
    const d = diagnosticOf(() => check('net.yaml', { text: config([{ pairs: {} }, { dense: { units: 10 } }], blocks) }));
    expect(d.message).toMatch(/^unknown layer type 'pairs'; expected a layer type \(conv, .*\), or a block \(pair\)$/);
    expect(d.hint).toBe("did you mean 'pair'?");
  });

  it('ResNet-20: 269,722 parameters, as He et al. count them', () => {
    const { network } = check('configs/resnet20.yaml');
    expect(network.params).toBe(269_722);
    expect(network.layers.filter((l) => l.layer.type === 'conv').length).toBe(19);
  });
});
