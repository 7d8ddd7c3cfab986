// ONNX graph building shared by the fusion exports (export.ts: seed/concat networks; dialogue-export.ts:
// the dialogue BiLSTM): a node/initializer builder, attributes, value infos, the LSTM weight layout.
import { AttributeType, DataType, encodeModel } from './onnx-proto';

export const OPSET = 17;
export const IR_VERSION = 8;

type Attr = Record<string, unknown>;

export function attrInt(name: string, i: number): Attr {
  return { name, type: AttributeType.INT, i };
}
export function attrInts(name: string, ints: number[]): Attr {
  return { name, type: AttributeType.INTS, ints };
}
export function attrString(name: string, s: string): Attr {
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(s) };
}

function bytesOf(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

export class Graph {
  readonly nodes: Attr[] = [];
  readonly inits: Attr[] = [];
  private n = 0;

  fresh(hint: string): string {
    return `${hint}_${this.n++}`;
  }

  float(name: string, dims: number[], data: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`export: ${name} has ${data.length} values for dims [${dims}]`);
    this.inits.push({ name, dims, dataType: DataType.FLOAT, rawData: bytesOf(data) });
    return name;
  }

  int64(name: string, values: number[]): string {
    this.inits.push({ name, dims: [values.length], dataType: DataType.INT64, rawData: bytesOf(BigInt64Array.from(values.map(BigInt))) });
    return name;
  }

  scalar(name: string, v: number): string {
    this.inits.push({ name, dims: [], dataType: DataType.FLOAT, rawData: bytesOf(Float32Array.of(v)) });
    return name;
  }

  op(opType: string, input: string[], attribute: Attr[] = [], output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ opType, input, output: [out], name: `${opType}_${this.nodes.length}`, attribute });
    return out;
  }

  opMulti(opType: string, input: string[], nOut: number, attribute: Attr[] = []): string[] {
    const outs = Array.from({ length: nOut }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, input, output: outs, name: `${opType}_${this.nodes.length}`, attribute });
    return outs;
  }

  /** (x - mean) * scale over the last axis (the training-time standardisation inside the graph). */
  standardise(x: string, prefix: string, width: number, norm: { mean: Float32Array; scale: Float32Array }): string {
    const sub = this.op('Sub', [x, this.float(`${prefix}.mean`, [width], norm.mean)]);
    return this.op('Mul', [sub, this.float(`${prefix}.scale`, [width], norm.scale)]);
  }

  /**
   * A bidirectional ONNX LSTM over seq [L, B, inDim] with the trained weights: W [inDim, 8h] gate-major
   * (i_f, i_b, o_f, o_b, f_f, f_b, c_f, c_b), b [8h] in the same order, R [2, h, 4h] per direction
   * with gates i, o, f, c (the order ONNX uses too). Returns Y [L, 2, B, h].
   */
  bilstm(seq: string, prefix: string, inDim: number, h: number, W: Float32Array, b: Float32Array, R: Float32Array): string {
    const Wo = new Float32Array(2 * 4 * h * inDim);
    const Ro = new Float32Array(2 * 4 * h * h);
    const Bo = new Float32Array(2 * 8 * h);
    for (let dir = 0; dir < 2; dir++) {
      for (let q = 0; q < 4; q++) {
        const c0 = (2 * q + dir) * h;
        Wo.set(colsT(W, inDim, 8 * h, c0, h), (dir * 4 + q) * h * inDim);
        Bo.set(b.subarray(c0, c0 + h), dir * 8 * h + q * h);
      }
      Ro.set(colsT(R.subarray(dir * h * 4 * h, (dir + 1) * h * 4 * h), h, 4 * h, 0, 4 * h), dir * 4 * h * h);
    }
    const [y] = this.opMulti(
      'LSTM',
      [
        seq,
        this.float(`${prefix}.W_onnx`, [2, 4 * h, inDim], Wo),
        this.float(`${prefix}.R_onnx`, [2, 4 * h, h], Ro),
        this.float(`${prefix}.B_onnx`, [2, 8 * h], Bo),
      ],
      1,
      [attrString('direction', 'bidirectional'), attrInt('hidden_size', h)],
    );
    return y;
  }
}

/** Column block [c0, c0+w) of a row-major [rows, cols] matrix, transposed to [w, rows]. */
export function colsT(m: Float32Array, rows: number, cols: number, c0: number, w: number): Float32Array {
  const out = new Float32Array(w * rows);
  for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) out[j * rows + r] = m[r * cols + c0 + j];
  return out;
}

export function valueInfo(name: string, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** The serialised model of a finished graph (opset OPSET, producer emotion-studio). */
export function encodeGraph(
  g: Graph,
  o: {
    name: string;
    doc: string;
    inputs: ReturnType<typeof valueInfo>[];
    outputs: ReturnType<typeof valueInfo>[];
    meta: Record<string, string>;
  },
): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'emotion-studio',
    producerVersion: '0.1.0',
    docString: o.doc,
    graph: { name: o.name, node: g.nodes, initializer: g.inits, input: o.inputs, output: o.outputs },
    metadataProps: Object.entries(o.meta).map(([key, value]) => ({ key, value })),
  });
}
