// A trained network as an ONNX model (opset 13), for inference anywhere ONNX runs. Each
// op's folder says how it is written in ONNX (src/ops/<type>/onnx.ts, an OnnxForm); this
// module walks the graph IR in its order, gives each form its inputs, parameters and
// names, and assembles the model: the input preparation (pixel scale, channel mean)
// folded in front, the logits and their softmax as outputs, the batch dimension left
// free. Tensors are NCHW, as netc's own (its dense layers flatten channel by channel).
import onnxProto from 'onnx-proto';
import type { Graph, GraphOp } from '../lower/graph.js';
import type { Shape } from '../infer/shape.js';
import type { Layer } from '../ops/types.js';

const { onnx } = onnxProto;

/** The operator set the forms use: 13 is read by every current runtime and converter. */
export const OPSET = 13;
const IR_VERSION = 7; // the IR of opset 13 (ONNX 1.8)

export type OnnxAttribute = { readonly int: number } | { readonly ints: readonly number[] } | { readonly float: number };

/** What an op's ONNX form is given, and how it adds to the model. */
export interface OnnxContext {
  readonly layer: Layer;
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** The values it reads, in the order of the layer's inputs. */
  readonly inputs: readonly string[];
  /**
   * The trained parameter `<layer>_<suffix>` as an initializer, in netc's shape (conv
   * weights [co][ci][k][k] are ONNX's OIHW) or in `dims` of as many values; undefined where
   * the layer has none (no bias).
   */
  param(suffix: string, dims?: readonly number[]): string | undefined;
  /** A tensor of its state (batch norm's running statistics). */
  state(suffix: string): string;
  /** A constant float tensor, named `<layer>/<name>`. */
  floats(name: string, values: readonly number[], dims: readonly number[]): string;
  /** A constant int64 vector, named `<layer>/<name>`. */
  int64s(name: string, values: readonly number[]): string;
  /**
   * A node. Without `part`, it is the layer's own node: named as the layer, and writing the
   * layer's output (a form's last node). With `part`, a step on the way, named and writing
   * `<layer>/<part>`. Returns the value it writes.
   */
  node(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, OnnxAttribute>>, part?: string): string;
}

/** An op in ONNX: the nodes of its forward pass in evaluation mode. */
export type OnnxForm = (ctx: OnnxContext) => void;

/** How images become the network's input, as trained. */
export interface InputPreparation {
  /** Bytes × pixelScale … */
  readonly pixelScale: number;
  /** … − mean[channel]. */
  readonly mean: readonly number[];
}

export interface OnnxModelInfo {
  readonly description: string;
  readonly producerVersion: string;
  /** Model metadata (onnx metadata_props): shown by Netron, read with `session.handler.metadata` or `onnx.load(…).metadata_props`. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The graph input: a batch of images, float pixel values 0–255, NCHW. */
export const INPUT = 'input';
export const LOGITS = 'logits';
export const PROBABILITIES = 'probabilities';

/** A layer's output value: its name (a layer named like a graph output gets `/out`; layer names hold no `/`). */
function valueName(layer: string): string {
  return layer === LOGITS || layer === PROBABILITIES ? `${layer}/out` : layer;
}

type NodeProto = ReturnType<typeof onnx.NodeProto.create>;
type TensorProto = ReturnType<typeof onnx.TensorProto.create>;

function floatTensor(name: string, values: ArrayLike<number>, dims: readonly number[]): TensorProto {
  const data = Float32Array.from(values as ArrayLike<number>);
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: littleEndian(data) });
}

function int64Tensor(name: string, values: readonly number[]): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: bytes });
}

/** ONNX's raw data is little-endian. */
function littleEndian(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

function attribute(name: string, value: OnnxAttribute): ReturnType<typeof onnx.AttributeProto.create> {
  const { AttributeType } = onnx.AttributeProto;
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value.ints] });
  if ('int' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value.int });
  return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
}

function valueInfo(name: string, dims: readonly (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
}

/**
 * The graph with its trained values (`weights`: the parameters, then the state, in the
 * graph's layout, as weights.bin holds them) as a serialised ONNX model.
 */
export function toOnnx(graph: Graph, weights: Float32Array, prep: InputPreparation, info: OnnxModelInfo): Uint8Array {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const input = graph.tensors[0]!.shape;

  const node = (opType: string, name: string, inputs: readonly string[], output: string, attributes: Readonly<Record<string, OnnxAttribute>> = {}) => {
    nodes.push(onnx.NodeProto.create({ opType, name, input: [...inputs], output: [output], attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) }));
    return output;
  };

  // The preparation, folded: the same arithmetic as the trainer's setImage (× scale, − mean).
  let prepared = INPUT;
  if (prep.pixelScale !== 1) {
    initializers.push(floatTensor('input/scale', [prep.pixelScale], []));
    prepared = node('Mul', 'input/scale', [prepared, 'input/scale'], 'input/scaled');
  }
  if (prep.mean.some((m) => m !== 0)) {
    initializers.push(floatTensor('input/mean', prep.mean, [1, input.channels, 1, 1]));
    prepared = node('Sub', 'input/mean', [prepared, 'input/mean'], 'input/prepared');
  }

  const values = new Map<number, string>([[0, prepared]]);
  for (const op of graph.ops) {
    op.op.onnx(opContext(op, graph, weights, values, initializers, node));
    values.set(op.output, valueName(op.name));
  }

  const classes = graph.classes;
  node('Flatten', 'output/logits', [values.get(graph.logits)!], LOGITS, { axis: { int: 1 } });
  node('Softmax', 'output/probabilities', [LOGITS], PROBABILITIES, { axis: { int: 1 } });

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'netc',
    producerVersion: info.producerVersion,
    docString: info.description,
    metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT, ['batch', input.channels, input.height, input.width])],
      output: [valueInfo(LOGITS, ['batch', classes]), valueInfo(PROBABILITIES, ['batch', classes])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function opContext(
  op: GraphOp,
  graph: Graph,
  weights: Float32Array,
  values: ReadonlyMap<number, string>,
  initializers: TensorProto[],
  node: (opType: string, name: string, inputs: readonly string[], output: string, attributes?: Readonly<Record<string, OnnxAttribute>>) => string,
): OnnxContext {
  const stored = (view: { name: string; offset: number; size: number; shape: readonly number[] }, base: number, dims = view.shape) => {
    if (dims.reduce((a, b) => a * b, 1) !== view.size) throw new Error(`${view.name}: ${view.size} values cannot be shaped ${dims.join('×')}`);
    initializers.push(floatTensor(view.name, weights.subarray(base + view.offset, base + view.offset + view.size), dims));
    return view.name;
  };
  return {
    layer: op.layer,
    inputShapes: op.inputs.map((id) => graph.tensors[id]!.shape),
    outputShape: graph.tensors[op.output]!.shape,
    inputs: op.inputs.map((id) => values.get(id)!),
    param: (suffix, dims) => (op.params[suffix] ? stored(op.params[suffix], 0, dims) : undefined),
    state(suffix) {
      const view = op.state[suffix];
      if (!view) throw new Error(`${op.name} has no state ${suffix}`);
      return stored(view, graph.paramCount);
    },
    floats(name, list, dims) {
      initializers.push(floatTensor(`${op.name}/${name}`, list, dims));
      return `${op.name}/${name}`;
    },
    int64s(name, list) {
      initializers.push(int64Tensor(`${op.name}/${name}`, list));
      return `${op.name}/${name}`;
    },
    node(opType, inputs, attributes, part) {
      return part === undefined ? node(opType, op.name, inputs, valueName(op.name), attributes) : node(opType, `${op.name}/${part}`, inputs, `${op.name}/${part}`, attributes);
    },
  };
}
