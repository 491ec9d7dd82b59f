// Shape inference: output shapes, parameter counts and FLOPs; impossible shapes are
// located errors that name the layer and where its input came from.
import { describe, expect, it } from 'vitest';
import { check } from '../src/pipeline.js';
import { configYaml, diagnosticOf } from './helpers.js';

function failure(text: string) {
  return diagnosticOf(() => check('net.yaml', { text }));
}

describe('infer', () => {
  it('computes the reference MNIST network: 416 + 6416 + 7850 = 14682 parameters', () => {
    const { network } = check('configs/mnist.yaml');
    expect(network.layers.map((l) => [l.layer.name, l.output.height, l.output.width, l.output.channels, l.params])).toEqual([
      ['conv1', 28, 28, 16, 416],
      ['relu1', 28, 28, 16, 0],
      ['maxpool1', 14, 14, 16, 0],
      ['conv2', 14, 14, 16, 6416],
      ['relu2', 14, 14, 16, 0],
      ['maxpool2', 7, 7, 16, 0],
      ['fc', 1, 1, 10, 7850],
    ]);
    expect(network.params).toBe(14682);
    // 2 FLOPs per multiply-add: conv1 28·28·16·25, conv2 14·14·16·400, fc 784·10.
    expect(network.flops.forward).toBe(2 * (28 * 28 * 16 * 25 + 14 * 14 * 16 * 400 + 784 * 10));
    expect(network.flops.training).toBe(9_455_040);
  });

  it('counts strides and padding: floor((in + 2p − k)/s) + 1', () => {
    const { network } = check('net.yaml', {
      text: configYaml({ layers: [{ conv: { filters: 2, size: 4, stride: 3, padding: 1 } }, { maxpool: { size: 3, stride: 2 } }, { dense: { units: 10 } }] }),
    });
    expect(network.layers[0]!.output).toEqual({ height: 9, width: 9, channels: 2 }); // (28 + 2 − 4)/3 + 1
    expect(network.layers[1]!.output).toEqual({ height: 4, width: 4, channels: 2 }); // (9 − 3)/2 + 1
    expect(network.layers[2]!.params).toBe(4 * 4 * 2 * 10 + 10);
  });

  it('refuses a kernel larger than its input, naming the layer and the upstream cause', () => {
    const text = configYaml({
      layers: [{ maxpool: { size: 4 } }, { maxpool: { size: 2 } }, { conv: { filters: 2, size: 5 } }, { dense: { units: 10 } }],
    });
    const d = failure(text);
    expect(d.message).toBe('conv1: a 5×5 kernel does not fit its 3×3 input with padding 0; the input is the output of maxpool2 (3×3×1)');
    expect(d.hint).toContain('padding ≥ 1');
    expect([d.line, d.col]).toEqual([text.split('\n').findIndex((l) => l.includes('size: 5')) + 1, expect.any(Number)]);
  });

  it('refuses a pooling window that does not fit', () => {
    const d = failure(configYaml({ layers: [{ conv: { filters: 2, size: 5, stride: 5 } }, { maxpool: { size: 6 } }, { dense: { units: 10 } }] }));
    expect(d.message).toBe('maxpool1: a 6×6 pooling window does not fit its 5×5 input; the input is the output of conv1 (5×5×2)');
  });

  it('refuses padding as large as the kernel', () => {
    const d = failure(configYaml({ layers: [{ conv: { filters: 2, size: 3, padding: 3 } }, { dense: { units: 10 } }] }));
    expect(d.message).toContain('padding 3 is not smaller than the kernel size 3');
  });

  it('requires the last layer to output one value per class', () => {
    const d = failure(configYaml({ layers: [{ conv: { filters: 2, size: 5 } }, { dense: { units: 7 } }] }));
    expect(d.message).toBe('the last layer, dense1, outputs 1×1×7 = 7 values; softmax_cross_entropy needs 10, one per class of mnist');
    expect(d.hint).toBe('set units: 10');
    const e = failure(configYaml({ layers: [{ conv: { filters: 2, size: 5 } }, 'relu'] }));
    expect(e.hint).toBe('end the network with `- dense: {units: 10}`');
  });

  it('requires the input to match the dataset', () => {
    const d = failure(configYaml({ input: { height: 32, width: 32, channels: 3 } }));
    expect(d.message).toBe('the input is 32×32×3 but mnist images are 28×28×1');
    expect([d.line, d.col]).toEqual([2, 3]);
  });

  it('refuses a hold-out or a batch larger than the training set, located', () => {
    const text = configYaml({ data: { dataset: 'mnist', validation: 60000 } });
    const v = failure(text);
    expect(v.message).toBe("data.validation holds out 60000 images, but mnist's training set has only 60000");
    const line = text.split('\n').findIndex((l) => l.includes('validation: 60000')) + 1;
    expect([v.line, v.col]).toEqual([line, text.split('\n')[line - 1]!.indexOf('60000') + 1]);
    const b = failure(configYaml({ data: { dataset: 'mnist', validation: 59990 }, train: { iterations: 10, batch_size: 16 } }));
    expect(b.message).toBe("train.batch_size is 16, more than the 10 training images (mnist's 60000 less 59990 held out): a batch would hold some twice");
    expect(b.hint).toBe('at most 10');
  });

  it('refuses names that repeat', () => {
    const d = failure(configYaml({ layers: [{ conv: { name: 'a', filters: 2, size: 5 } }, { dense: { name: 'a', units: 10 } }] }));
    expect(d.message).toContain("two layers are named 'a'");
  });

  it('refuses networks beyond the memory budget, with the estimate', () => {
    const d = failure(
      configYaml({
        layers: [{ conv: { filters: 4096, size: 3, padding: 1 } }, { conv: { filters: 4096, size: 3, padding: 1 } }, { dense: { units: 10 } }],
        train: { iterations: 10, batch_size: 256 },
      }),
    );
    expect(d.message).toMatch(/the network needs about [\d.]+ GiB .*the budget is 8\.0 GiB/);
  });

  it('refuses absurd amounts of training work', () => {
    const d = failure(configYaml({ layers: [{ conv: { filters: 64, size: 5, padding: 2 } }, { dense: { units: 10 } }], train: { iterations: 100_000_000, batch_size: 4096 } }));
    expect(d.message).toMatch(/training would take about .* floating-point operations/);
  });
});
