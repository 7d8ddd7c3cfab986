// The dialogue network (dialogue.ts) as an ONNX graph, one dialogue per run: input x [T, d] (the
// dialogue's utterance rows in order), outputs repr [T, H + 2h] and logits [T, C]; and its runner
// on onnxruntime-node, which feeds each dialogue in turn.
import * as ort from 'onnxruntime-node';
import { encodeModel } from './onnx-proto';
import { attrInt, attrString, colsT, Graph, IR_VERSION, OPSET, valueInfo } from './export';
import type { Norm } from './model';
import type { DialogueSpec } from './dialogue';

export function exportDialogueOnnx(spec: DialogueSpec, norm: Norm, w: Map<string, Float32Array>): Uint8Array {
  const { d, H, h, nClasses } = spec;
  const get = (k: string) => w.get(k)!;
  const g = new Graph();
  const x = g.op('Mul', [g.op('Sub', ['x', g.float('x.mean', [d], norm.mean)]), g.float('x.scale', [d], norm.scale)]);
  const p = g.op('Relu', [g.op('Gemm', [x, g.float('proj.W', [d, H], get('proj.W')), g.float('proj.b', [H], get('proj.b'))])]); // [T, H]
  const seq = g.op('Unsqueeze', [p, g.int64('axes1', [1])]); // [T, 1, H]
  const Wk = get('lstm.W');
  const bk = get('lstm.b');
  const Rk = get('lstm.R');
  const Wo = new Float32Array(2 * 4 * h * H);
  const Ro = new Float32Array(2 * 4 * h * h);
  const Bo = new Float32Array(2 * 8 * h);
  for (let dir = 0; dir < 2; dir++) {
    for (let q = 0; q < 4; q++) {
      const c0 = (2 * q + dir) * h;
      Wo.set(colsT(Wk, H, 8 * h, c0, h), (dir * 4 + q) * h * H);
      Bo.set(bk.subarray(c0, c0 + h), dir * 8 * h + q * h);
    }
    Ro.set(colsT(Rk.subarray(dir * h * 4 * h, (dir + 1) * h * 4 * h), h, 4 * h, 0, 4 * h), dir * 4 * h * h);
  }
  const [y] = g.opMulti(
    'LSTM',
    [seq, g.float('lstm.W_onnx', [2, 4 * h, H], Wo), g.float('lstm.R_onnx', [2, 4 * h, h], Ro), g.float('lstm.B_onnx', [2, 8 * h], Bo)],
    1,
    [attrString('direction', 'bidirectional'), attrInt('hidden_size', h)],
  ); // Y [T, 2, 1, h]
  const o = g.op('Reshape', [y, g.int64('shape_o', [-1, 2 * h])]); // [T, 2h]: forward, then backward
  const repr = g.op('Concat', [p, o], [attrInt('axis', 1)], 'repr');
  g.op('Gemm', [repr, g.float('fc.W', [H + 2 * h, nClasses], get('fc.W')), g.float('fc.b', [nClasses], get('fc.b'))], [], 'logits');
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'emotion-studio',
    producerVersion: '0.1.0',
    docString: 'dialogue fusion network (BiLSTM over the utterances of a dialogue)',
    graph: {
      name: 'fusion_dialogue', node: g.nodes, initializer: g.inits,
      input: [valueInfo('x', ['T', d])],
      output: [valueInfo('repr', ['T', H + 2 * h]), valueInfo('logits', ['T', nClasses])],
    },
    metadataProps: [{ key: 'emotion-studio.fusion', value: JSON.stringify({ kind: 'dialogue', d, hidden: H, lstmHidden: h, nClasses, reprDim: H + 2 * h }) }],
  });
}

/** Runs an exported dialogue graph, one dialogue per session.run. */
export class DialogueRunner {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(onnx: Uint8Array, providers: string[] = ['cpu']): Promise<DialogueRunner> {
    return new DialogueRunner(await ort.InferenceSession.create(onnx, { executionProviders: providers }));
  }

  /** The representation of every row named by `dialogues` (rows not named stay undefined). */
  async represent(x: Float32Array[], dialogues: number[][]): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(x.length);
    for (const rows of dialogues) {
      if (!rows.length) continue;
      const d = x[rows[0]].length;
      const buf = new Float32Array(rows.length * d);
      rows.forEach((r, t) => buf.set(x[r], t * d));
      const res = await this.session.run({ x: new ort.Tensor('float32', buf, [rows.length, d]) }, ['repr']);
      const t = res.repr;
      const dim = (t.dims as number[])[1];
      const data = t.data as Float32Array;
      rows.forEach((r, i) => (out[r] = data.slice(i * dim, (i + 1) * dim)));
      t.dispose?.();
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
