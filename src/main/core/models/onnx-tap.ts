// Exposes an inner tensor of a published ONNX graph as an extra output. The published wav2vec2 and
// ResNet-50 exports end in a task head (CTC lm_head, ImageNet classifier) whose input is exactly the
// embedding we want; ONNX Runtime only returns graph outputs, so an Identity node and a graph output
// are appended. The file is edited at the protobuf wire level: every other byte is kept as it was
// (the onnx.proto subset we decode with would drop the fields it does not know).
import { decodeModel, modelProto, protobufLight } from '../fusion/onnx-proto';
import { ModelError } from './manifest';

const HEAD_OPS = new Set(['MatMul', 'Gemm']);

type GraphNodes = { opType: string; input?: string[]; output?: string[] }[];

/**
 * The inner tensor to expose as `want`: a tensor already named `want` (an export that kept the
 * name), else the tensor read by the head that computes `from` (through a bias Add); or null.
 */
export function findTapTensor(model: Uint8Array, want: string, from: string): string | null {
  const graph = decodeModel(model).graph as { node?: GraphNodes } | undefined;
  const nodes = graph?.node ?? [];
  if (nodes.some((n) => n.output?.includes(want))) return want;
  return headInput(nodes, from);
}

function headInput(nodes: GraphNodes, from: string): string | null {
  const producer = new Map<string, (typeof nodes)[number]>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  let n = producer.get(from);
  for (let step = 0; n && step < 4; step++) {
    if (HEAD_OPS.has(n.opType)) return n.input?.[0] ?? null;
    if (n.opType !== 'Add') return null;
    // the bias Add: follow the operand that a node computes (the other one is the bias initializer)
    n = (n.input ?? []).map((i) => producer.get(i)).find((p) => p !== undefined);
  }
  return null;
}

/** The model with `tensor` also returned as graph output `name` (float32). */
export function addOutput(model: Uint8Array, tensor: string, name: string): Uint8Array {
  const root = modelProto().root;
  const nodeBytes = root
    .lookupType('onnx.NodeProto')
    .encode({ input: [tensor], output: [name], name: `tap_${name}`, opType: 'Identity' })
    .finish();
  const outBytes = root
    .lookupType('onnx.ValueInfoProto')
    .encode({ name, type: { tensorType: { elemType: 1 } } })
    .finish();
  const w = protobufLight().Writer.create();
  // an inner tensor that already has the wanted name only needs to be declared an output
  if (tensor !== name) w.uint32((1 << 3) | 2).bytes(nodeBytes);
  return appendToGraph(
    model,
    w
      .uint32((12 << 3) | 2)
      .bytes(outBytes)
      .finish(),
  );
}

/** The model with `extra` (encoded GraphProto fields) appended to its graph; every other byte kept. */
export function appendToGraph(model: Uint8Array, extra: Uint8Array): Uint8Array {
  // find ModelProto field 7 (graph) and append the fields to its payload
  const r = protobufLight().Reader.create(model);
  while (r.pos < r.len) {
    const fieldStart = r.pos;
    const tag = r.uint32();
    if (tag >>> 3 === 7 && (tag & 7) === 2) {
      const len = r.uint32();
      const payloadStart = r.pos;
      const payloadEnd = payloadStart + len;
      const head = protobufLight()
        .Writer.create()
        .uint32(tag)
        .uint32(len + extra.length)
        .finish();
      const out = new Uint8Array(fieldStart + head.length + len + extra.length + (model.length - payloadEnd));
      out.set(model.subarray(0, fieldStart), 0);
      out.set(head, fieldStart);
      out.set(model.subarray(payloadStart, payloadEnd), fieldStart + head.length);
      out.set(extra, fieldStart + head.length + len);
      out.set(model.subarray(payloadEnd), fieldStart + head.length + len + extra.length);
      return out;
    }
    r.skipType(tag & 7);
  }
  throw new ModelError('the ONNX file has no graph');
}
