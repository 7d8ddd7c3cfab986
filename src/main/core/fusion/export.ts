// Writes a trained FusionNet as an ONNX inference graph (opset 17) with the weights as initializers.
// Inputs (present modalities only): audio [N,dA], text [N,dT], video [N,framesV,dV]; outputs repr
// [N,reprDim] and logits [N,C]; N is a dynamic axis named "N".
import { attrInt, attrInts, attrString, colsT, encodeGraph, Graph, valueInfo } from './onnx-graph';
import { derived, type FusionNet } from './model';

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
    return n ? g.standardise(x, k, width, n) : x;
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
      const y = g.bilstm(seq, 'video.lstm', inV, h, w('video.lstm.W'), w('video.lstm.b'), w('video.lstm.R')); // Y [F, 2, N, h]
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

  return encodeGraph(g, {
    name: `fusion_${spec.kind}`,
    doc: `fusion network (${spec.kind})`,
    inputs,
    outputs: [valueInfo('repr', ['N', d.reprDim]), valueInfo('logits', ['N', spec.nClasses])],
    meta: {
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
    },
  });
}
