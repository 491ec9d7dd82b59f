// The op table's tests, gathered: every op folder's tests.ts (test networks and the
// TensorFlow.js form of the op), as configs the test files can compile.
import { stringify } from 'yaml';
import { OPS } from '../src/ops/index.js';
import type { OpTests, TestNet } from '../src/ops/testing.js';

export interface OpTestNet {
  /** The op whose folder holds it. */
  readonly op: string;
  readonly name: string;
  readonly net: TestNet;
  /** The config, as YAML text. */
  readonly text: string;
}

export const OP_TESTS: ReadonlyMap<string, OpTests> = new Map(
  await Promise.all(OPS.map(async (op) => [op.type, ((await import(`../src/ops/${op.type}/tests.ts`)) as { tests: OpTests }).tests] as const)),
);

/** A test network as a config: MNIST-shaped, or CIFAR-10-shaped with 3 channels. */
export function testConfig(net: TestNet): string {
  const rgb = (net.input?.channels ?? 1) === 3;
  return stringify({
    input: net.input ?? { height: 28, width: 28, channels: 1 },
    ...(net.blocks ? { blocks: net.blocks } : {}),
    layers: net.layers,
    data: { dataset: rgb ? 'cifar10' : 'mnist' },
    train: { iterations: 10, batch_size: net.batch ?? 4 },
  });
}

/** Every op's test networks, labelled "op: description". */
export const OP_NETS: readonly OpTestNet[] = [...OP_TESTS].flatMap(([op, tests]) => Object.entries(tests.nets).map(([name, net]) => ({ op, name, net, text: testConfig(net) })));

/** As [label, net] pairs for it.each. */
export const OP_NET_CASES: [string, OpTestNet][] = OP_NETS.map((n) => [`${n.op}: ${n.name}`, n]);
