// Writes a trained FusionNet as an ONNX inference graph (opset 17) with the weights as initializers.
// Inputs (present modalities only): audio [N,dA], text [N,dT], video [N,framesV,dV]; outputs repr
// [N,reprDim] and logits [N,C]; N is a dynamic axis named "N".
import { AttributeType, DataType, encodeModel } from './onnx-proto';
import { derived, type FusionNet } from './model';

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

export function exportOnnx(net: FusionNet, meta: Record<string, string> = {}): Uint8Array {
  const { spec, norms } = net;
  const { dA, dT, dV, framesV } = spec.dims;
  const d = derived(spec);
  const { H, lstmHidden: h } = d;
  const W = net.snapshot();
  const w = (k: string) => {
    const x = W.get(k);
    if (!x) throw new Error(`export: missing weight ${k}`);
    return x;
  };
  const g = new Graph();
  const inputs: ReturnType<typeof valueInfo>[] = [];

  const standardise = (k: 'audio' | 'text' | 'video', x: string, width: number) => {
    const n = norms[k];
    if (!n) return x;
    const sub = g.op('Sub', [x, g.float(`${k}.mean`, [width], n.mean)]);
    return g.op('Mul', [sub, g.float(`${k}.scale`, [width], n.scale)]);
  };
  const gemm = (x: string, wName: string, bName: string, inDim: number, outDim: number) =>
    g.op('Gemm', [x, g.float(wName, [inDim, outDim], w(wName)), g.float(bName, [outDim], w(bName))]);

  if (dA > 0) inputs.push(valueInfo('audio', ['N', dA]));
  if (dT > 0) inputs.push(valueInfo('text', ['N', dT]));
  if (dV > 0) inputs.push(valueInfo('video', ['N', framesV, dV]));

  let repr: string;
  if (spec.kind === 'seed') {
    const zeros = (n: number) => new Float32Array(n);
    /** length-1 BiLSTM from a zero state; [N, H] in, [N, 2h] out (fwd then bwd) */
    const lstm1 = (prefix: string, x: string, inDim: number) => {
      const Wk = w(`${prefix}.lstm.W`); // [in, 6h]: i_f, i_b, o_f, o_b, c_f, c_b
      const bk = w(`${prefix}.lstm.b`);
      const Wo = new Float32Array(2 * 4 * h * inDim);
      const Bo = new Float32Array(2 * 8 * h);
      for (let dir = 0; dir < 2; dir++) {
        // ONNX gate order i, o, f, c; the forget gate stays zero (no effect from a zero state)
        for (const [q, src] of [
          [0, 0],
          [1, 1],
          [3, 2],
        ]) {
          const c0 = (2 * src + dir) * h;
          Wo.set(colsT(Wk, inDim, 6 * h, c0, h), (dir * 4 + q) * h * inDim);
          Bo.set(bk.subarray(c0, c0 + h), dir * 8 * h + q * h);
        }
      }
      const seq = g.op('Unsqueeze', [x, g.int64(g.fresh('axes0'), [0])]); // [1, N, in]
      const [, yh] = g.opMulti(
        'LSTM',
        [
          seq,
          g.float(`${prefix}.lstm.W_onnx`, [2, 4 * h, inDim], Wo),
          g.float(`${prefix}.lstm.R_onnx`, [2, 4 * h, h], zeros(2 * 4 * h * h)),
          g.float(`${prefix}.lstm.B_onnx`, [2, 8 * h], Bo),
        ],
        2,
        [attrString('direction', 'bidirectional'), attrInt('hidden_size', h)],
      ); // Y_h [2, N, h]
      const t = g.op('Transpose', [yh], [attrInts('perm', [1, 0, 2])]);
      return g.op('Reshape', [t, g.int64(g.fresh('shape'), [-1, 2 * h])]);
    };

    const tokens: string[] = [];
    if (dA > 0) {
      const a = standardise('audio', 'audio', dA);
      const terms: string[] = [];
      let off = 0;
      spec.audioParts.forEach((p, k) => {
        const xk =
          spec.audioParts.length === 1
            ? a
            : g.op('Slice', [a, g.int64(g.fresh('starts'), [off]), g.int64(g.fresh('ends'), [off + p]), g.int64(g.fresh('axes'), [1])]);
        off += p;
        const proj = gemm(xk, `voice.part${k}.W`, `voice.part${k}.b`, p, H);
        terms.push(g.op('Mul', [proj, g.float(`voice.part${k}.alpha`, [H], w(`voice.part${k}.alpha`))]));
      });
      const voice = terms.length === 1 ? terms[0] : g.op('Sum', terms);
      tokens.push(lstm1('voice', voice, H));
    }
    if (dT > 0) {
      const t = gemm(standardise('text', 'text', dT), 'text.W', 'text.b', dT, H);
      tokens.push(lstm1('text', t, H));
    }
    if (dV > 0) {
      let x = standardise('video', 'video', dV); // [N, F, dV]
      let inV = dV;
      if (d.videoProj) {
        x = g.op('MatMul', [x, g.float('video.proj.W', [dV, H], w('video.proj.W'))]);
        x = g.op('Add', [x, g.float('video.proj.b', [H], w('video.proj.b'))]);
        inV = H;
      }
      const seq = g.op('Transpose', [x], [attrInts('perm', [1, 0, 2])]); // [F, N, in]
      const Wk = w('video.lstm.W'); // [in, 8h], gate-major: i_f, i_b, o_f, o_b, f_f, f_b, c_f, c_b
      const bk = w('video.lstm.b');
      const Rk = w('video.lstm.R'); // [2, h, 4h]: per direction, gates i, o, f, c
      const Wo = new Float32Array(2 * 4 * h * inV);
      const Ro = new Float32Array(2 * 4 * h * h);
      const Bo = new Float32Array(2 * 8 * h);
      for (let dir = 0; dir < 2; dir++) {
        for (let q = 0; q < 4; q++) {
          const c0 = (2 * q + dir) * h;
          Wo.set(colsT(Wk, inV, 8 * h, c0, h), (dir * 4 + q) * h * inV);
          Bo.set(bk.subarray(c0, c0 + h), dir * 8 * h + q * h);
        }
        Ro.set(colsT(Rk.subarray(dir * h * 4 * h, (dir + 1) * h * 4 * h), h, 4 * h, 0, 4 * h), dir * 4 * h * h);
      }
      const [y] = g.opMulti(
        'LSTM',
        [
          seq,
          g.float('video.lstm.W_onnx', [2, 4 * h, inV], Wo),
          g.float('video.lstm.R_onnx', [2, 4 * h, h], Ro),
          g.float('video.lstm.B_onnx', [2, 8 * h], Bo),
        ],
        1,
        [attrString('direction', 'bidirectional'), attrInt('hidden_size', h)],
      ); // Y [F, 2, N, h]
      const mean = g.op('ReduceMean', [y], [attrInts('axes', [0]), attrInt('keepdims', 0)]); // [2, N, h]
      const t = g.op('Transpose', [mean], [attrInts('perm', [1, 0, 2])]);
      tokens.push(g.op('Reshape', [t, g.int64(g.fresh('shape'), [-1, 2 * h])]));
    }

    // multi-head self-attention over the T modality tokens
    const T = tokens.length;
    const heads = spec.heads;
    const hd = d.headDim;
    const unsq = tokens.map((t) => g.op('Unsqueeze', [t, g.int64(g.fresh('axes1'), [1])]));
    const X = unsq.length === 1 ? unsq[0] : g.op('Concat', unsq, [attrInt('axis', 1)]); // [N, T, H]
    const headShape = g.int64('attn.head_shape', [0, T, heads, hd]);
    const proj = (name: string, perm: number[]) => {
      const m = g.op('MatMul', [X, g.float(`attn.W${name}`, [H, H], w(`attn.W${name}`))]);
      const a = g.op('Add', [m, g.float(`attn.b${name}`, [H], w(`attn.b${name}`))]);
      return g.op('Transpose', [g.op('Reshape', [a, headShape])], [attrInts('perm', perm)]);
    };
    const q = proj('q', [0, 2, 1, 3]); // [N, heads, T, hd]
    const kT = proj('k', [0, 2, 3, 1]); // [N, heads, hd, T]
    const v = proj('v', [0, 2, 1, 3]);
    const scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.scalar('attn.scale', 1 / Math.sqrt(hd))]);
    const att = g.op('Softmax', [scores], [attrInt('axis', -1)]);
    const ctx = g.op('Transpose', [g.op('MatMul', [att, v])], [attrInts('perm', [0, 2, 1, 3])]); // [N, T, heads, hd]
    const merged = g.op('Reshape', [ctx, g.int64('attn.merge_shape', [0, T, H])]);
    const out = g.op('Add', [g.op('MatMul', [merged, g.float('attn.Wo', [H, H], w('attn.Wo'))]), g.float('attn.bo', [H], w('attn.bo'))]);
    repr = g.op('ReduceMean', [out], [attrInts('axes', [1]), attrInt('keepdims', 0)], 'repr');
  } else {
    const parts: string[] = [];
    if (dA > 0) parts.push(standardise('audio', 'audio', dA));
    if (dT > 0) parts.push(standardise('text', 'text', dT));
    if (dV > 0) {
      const vid = standardise('video', 'video', dV);
      parts.push(g.op('Reshape', [vid, g.int64('video.flat_shape', [-1, framesV * dV])]));
    }
    const cat = parts.length === 1 ? parts[0] : g.op('Concat', parts, [attrInt('axis', 1)]);
    const dIn = dA + dT + framesV * dV;
    repr = g.op('Relu', [gemm(cat, 'hidden.W', 'hidden.b', dIn, H)], [], 'repr');
  }
  g.op('Gemm', [repr, g.float('fc.W', [d.reprDim, spec.nClasses], w('fc.W')), g.float('fc.b', [spec.nClasses], w('fc.b'))], [], 'logits');

  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'emotion-studio',
    producerVersion: '0.1.0',
    docString: `fusion network (${spec.kind})`,
    graph: {
      name: `fusion_${spec.kind}`,
      node: g.nodes,
      initializer: g.inits,
      input: inputs,
      output: [valueInfo('repr', ['N', d.reprDim]), valueInfo('logits', ['N', spec.nClasses])],
    },
    metadataProps: Object.entries({
      'emotion-studio.fusion': JSON.stringify({
        kind: spec.kind,
        dims: spec.dims,
        nClasses: spec.nClasses,
        hidden: H,
        heads: spec.heads,
        audioParts: spec.audioParts,
        reprDim: d.reprDim,
      }),
      ...meta,
    }).map(([key, value]) => ({ key, value })),
  };
  return encodeModel(model);
}
