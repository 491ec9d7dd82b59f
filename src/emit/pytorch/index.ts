// The PyTorch backend: the graph → pytorch/model.py (an nn.Module, one submodule per layer,
// written by each op's pytorch.ts) and pytorch/train.py (a standalone trainer: the same
// data preparation, initialisation, update rule and schedule as netc's, on one process or
// many with DistributedDataParallel, writing netc's run folder). Python's own text lives in
// templates/pytorch/; this module decides the names and prints the tables.
import type { Graph, ParamView, StateView } from '../../lower/graph.js';
import { formatShape } from '../../infer/shape.js';
import type { SourceInfo } from '../common.js';
import { template } from '../templates.js';
import { pyNumber } from './form.js';

/** Names a layer cannot have in Python: keywords, and what model.py's forward already uses. */
const PY_RESERVED = new Set([
  ...'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'.split(' '),
  ...'self x torch nn F context'.split(' '),
]);
/** nn.Module's own attributes (torch 1.13): a submodule cannot take their names. */
const MODULE_ATTRIBUTES = new Set(
  'add_module apply bfloat16 buffers children cpu cuda double dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu load_state_dict modules named_buffers named_children named_modules named_parameters parameters register_backward_hook register_buffer register_forward_hook register_forward_pre_hook register_full_backward_hook register_load_state_dict_post_hook register_module register_parameter requires_grad_ set_extra_state share_memory state_dict to to_empty train training type xpu zero_grad'.split(' '),
);

/** Each layer's Python name: its own, or with `_` added until it is free (a layer named `train` is `self.train_`). */
export function pythonNames(layers: readonly string[]): Map<string, string> {
  const taken = new Set(layers);
  const names = new Map<string, string>();
  for (const layer of layers) {
    let name = layer;
    if (PY_RESERVED.has(name) || MODULE_ATTRIBUTES.has(name)) {
      do name += '_';
      while (taken.has(name) || PY_RESERVED.has(name) || MODULE_ATTRIBUTES.has(name));
      taken.add(name);
    }
    names.set(layer, name);
  }
  return names;
}

/** A JSON-like value as a Python literal (dicts, lists, True/False/None; strings JSON-escaped, which Python reads alike). */
export function pyLiteral(value: unknown, indent = '', width = 96): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? pyNumber(value) : value > 0 ? 'float("inf")' : value < 0 ? 'float("-inf")' : 'float("nan")';
  if (typeof value === 'string') return JSON.stringify(value);
  const inner = indent + '    ';
  const entries = Array.isArray(value) ? value.map((v) => pyLiteral(v, inner, width)) : Object.entries(value as object).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v, inner, width)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const flat = `${open}${entries.join(', ')}${close}`;
  if (flat.length + indent.length <= width && !flat.includes('\n')) return flat;
  return `${open}\n${entries.map((e) => `${inner}${e},`).join('\n')}\n${indent}${close}`;
}

/** A Python string literal of a text: raw and triple-quoted where it can be, JSON-escaped otherwise. */
function pyText(text: string): string {
  return text.includes("'''") || text.endsWith('\\') || /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/.test(text) ? JSON.stringify(text) : `r'''${text}'''`;
}

export function emitPytorch(graph: Graph, source: SourceInfo, config: { description: string; yaml: string }): Map<string, string> {
  const names = pythonNames(graph.ops.map((op) => op.name));
  const value = (id: number) => (id === 0 ? 'x' : names.get(graph.tensors[id]!.name)!);
  const classes = new Map<string, string>();
  const tensorOf = new Map<string, string>();
  const layers = graph.ops.map((op) => {
    const inputShapes = op.inputs.map((id) => graph.tensors[id]!.shape);
    const outputShape = graph.tensors[op.output]!.shape;
    const form = op.op.pytorch({ layer: op.layer, inputShapes, outputShape });
    for (const [name, text] of Object.entries(form.classes ?? {})) classes.set(name, text);
    const attr = names.get(op.name)!;
    for (const [suffix, tensor] of Object.entries(form.tensors ?? {})) {
      const view = op.params[suffix] ?? op.state[suffix];
      if (view) tensorOf.set(view.name, `${attr}.${tensor}`);
    }
    const from = op.inputs.map((id) => (id === 0 ? 'input' : graph.tensors[id]!.name)).join(', ');
    return {
      attr,
      module: form.module,
      comment: `${op.type}${from === (op.index === 0 ? 'input' : graph.ops[op.index - 1]!.name) ? '' : ` of ${from}`}: ${inputShapes.map(formatShape).join(' + ')} → ${formatShape(outputShape)}`,
      args: op.inputs.map(value).join(', '),
    };
  });
  const missing = [...graph.params, ...graph.state].filter((v) => !tensorOf.has(v.name));
  if (missing.length > 0) throw new Error(`netc: the PyTorch forms place no tensor for ${missing.map((v) => v.name).join(', ')}`);
  const param = (v: ParamView) => ({
    name: v.name,
    tensor: tensorOf.get(v.name)!,
    offset: v.offset,
    shape: v.shape,
    init: v.init.kind === 'normal' || v.init.kind === 'identity' ? [v.init.kind, v.init.std] : v.init.kind === 'constant' ? ['constant', v.init.value] : ['whiten'],
    trainable: v.trainable,
    rate: v.lrScale,
    decay: graph.optimizer.decays[v.name] ?? 0,
  });
  const state = (v: StateView) => ({ name: v.name, tensor: tensorOf.get(v.name)!, offset: v.offset, shape: v.shape, init: v.init });
  const input = graph.tensors[0]!.shape;
  const header = `# Generated by netc ${source.version} from ${source.file} (config sha256 ${source.hash}) — do not edit.\n# Regenerate with \`${source.command}\`.`;
  const model = template('pytorch/model.py')({
    header,
    name: graph.name,
    description: config.description,
    file: source.file,
    input,
    classes: graph.classes,
    definitions: [...classes.values()],
    layers,
    logits: value(graph.logits),
    // One line per tensor: a table.
    params: graph.params.map((v) => pyLiteral(param(v), '    ', Infinity)),
    state: graph.state.map((v) => pyLiteral(state(v), '    ', Infinity)),
    paramCount: graph.paramCount,
    stateCount: graph.stateCount,
  });
  const settings = {
    ...graph.trainer,
    configHash: source.hash,
    batch: graph.batch,
    splitUnit: graph.splitUnit,
    classes: graph.classes,
    input: [input.height, input.width, input.channels],
    labelSmoothing: graph.loss.labelSmoothing,
    optimizer: { kind: graph.optimizer.kind, momentum: graph.optimizer.momentum, nesterov: graph.optimizer.nesterov, beta2: graph.optimizer.beta2, epsilon: graph.optimizer.epsilon, ema: graph.optimizer.ema },
    layers: graph.layers,
  };
  const train = template('pytorch/train.py')({ header, name: graph.name, settings: pyLiteral(settings), config: pyText(config.yaml), source: pyLiteral({ file: source.file, hash: source.hash, version: source.version }) });
  return new Map([
    ['pytorch/model.py', model],
    ['pytorch/train.py', train],
  ]);
}
