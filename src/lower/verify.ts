// verify: the IR's invariants, checked between lowering and emitting. A failure here is a
// compiler bug, never a user mistake, so it throws a plain Error with the details.
import type { NetworkInfo } from '../infer/index.js';
import type { Buffer, Op, Program } from './ir.js';

export class CompilerBug extends Error {
  constructor(message: string) {
    super(`netc internal error (please report): ${message}`);
    this.name = 'CompilerBug';
  }
}

export function verify(program: Program, network: NetworkInfo): void {
  const fail = (message: string): never => {
    throw new CompilerBug(`${program.name}: ${message}`);
  };
  // Shapes chain: each op reads what the previous one wrote.
  let previous: Buffer = program.input;
  for (const op of program.ops) {
    if (op.x !== previous) fail(`${op.name} reads ${op.x.name}, but the previous op wrote ${previous.name}`);
    checkOp(op, fail);
    const inferred = network.layers[op.layer]!.output;
    if (op.y.height !== inferred.height || op.y.width !== inferred.width || op.y.channels !== inferred.channels) {
      fail(`${op.name} writes ${op.y.height}×${op.y.width}×${op.y.channels}, inferred ${inferred.height}×${inferred.width}×${inferred.channels}`);
    }
    previous = op.y;
  }
  if (program.loss.logits !== previous) fail('the loss does not read the last op’s output');
  if (program.loss.logits.pad !== 0 || program.loss.logits.sampleStride !== program.classes) fail('logits must be a dense vector per sample');
  // Parameters: contiguous views that add up to the inferred total.
  let offset = 0;
  for (const view of program.params) {
    if (view.offset !== offset) fail(`${view.name} starts at ${view.offset}, expected ${offset}`);
    if (view.size !== view.shape.reduce((a, b) => a * b, 1)) fail(`${view.name} has size ${view.size} but shape [${view.shape.join(', ')}]`);
    offset += view.size;
  }
  if (offset !== program.paramCount || program.paramCount !== network.params) {
    fail(`parameters total ${offset} (declared ${program.paramCount}), inferred ${network.params}`);
  }
}

function checkOp(op: Op, fail: (message: string) => never): void {
  switch (op.kind) {
    case 'relu':
      if (op.x !== op.y) fail(`${op.name} must work in place`);
      return;
    case 'dense':
      if (op.x.pad !== 0) fail(`${op.name} reads a padded buffer`);
      if (op.inputs !== op.x.sampleStride) fail(`${op.name} has ${op.inputs} inputs, buffer holds ${op.x.sampleStride}`);
      if (op.inputs % op.lanes !== 0) fail(`${op.name}: ${op.lanes} lanes do not divide ${op.inputs}`);
      return;
    case 'conv':
    case 'maxpool': {
      const padding = op.kind === 'conv' ? op.padding : 0;
      if (op.x.pad < padding) fail(`${op.name} needs a border of ${padding}, ${op.x.name} has ${op.x.pad}`);
      // Every window must lie inside one channel plane of x, border included.
      const start = op.x.origin - padding * (op.x.rowStride + 1);
      const lastRow = (op.y.height - 1) * op.stride + op.size - 1;
      const lastCol = (op.y.width - 1) * op.stride + op.size - 1;
      const lastIndex = start + lastRow * op.x.rowStride + lastCol;
      if (start < 0 || lastIndex >= op.x.channelStride) fail(`${op.name}'s windows reach outside ${op.x.name} (${start}..${lastIndex} of ${op.x.channelStride})`);
      if (op.taps.length !== op.size * op.size) fail(`${op.name} has ${op.taps.length} taps for a ${op.size}×${op.size} window`);
      return;
    }
  }
}
