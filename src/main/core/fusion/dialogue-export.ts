// The dialogue network (dialogue.ts) as an ONNX graph, one dialogue per run: input x [T, d] (the
// dialogue's utterance rows in order), outputs repr [T, H + 2h] and logits [T, C]; and its runner
// on onnxruntime-node, which feeds each dialogue in turn.
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import { attrInt, encodeGraph, Graph, valueInfo } from './onnx-graph';
import type { Norm } from './model';
import type { DialogueSpec } from './dialogue';

export interface DialogueWeights {
  spec: DialogueSpec;
  norm: Norm;
  w: Map<string, Float32Array>;
}

/** One network's subgraph on input x; returns its repr [T, H + 2h] and logits [T, C] names. */
function subgraph(g: Graph, net: DialogueWeights, k: number): { repr: string; logits: string } {
  const { d, H, h, nClasses } = net.spec;
  const get = (name: string) => net.w.get(name)!;
  const n = (name: string) => `f${k}.${name}`;
  const x = g.standardise('x', n('x'), d, net.norm);
  const p = g.op('Relu', [g.op('Gemm', [x, g.float(n('proj.W'), [d, H], get('proj.W')), g.float(n('proj.b'), [H], get('proj.b'))])]); // [T, H]
  const seq = g.op('Unsqueeze', [p, g.int64(n('axes1'), [1])]); // [T, 1, H]
  const y = g.bilstm(seq, n('lstm'), H, h, get('lstm.W'), get('lstm.b'), get('lstm.R')); // Y [T, 2, 1, h]
  const o = g.op('Reshape', [y, g.int64(n('shape_o'), [-1, 2 * h])]); // [T, 2h]: forward, then backward
  const repr = g.op('Concat', [p, o], [attrInt('axis', 1)]);
  const logits = g.op('Gemm', [repr, g.float(n('fc.W'), [H + 2 * h, nClasses], get('fc.W')), g.float(n('fc.b'), [nClasses], get('fc.b'))]);
  return { repr, logits };
}

/**
 * K networks of one shape (the cross-fitted folds; K = 1 for one network) in one graph on the same
 * input x [T, d]: outputs repr [K, T, H + 2h], logits [K, T, C] and probs [K, T, C] (softmax).
 */
export function exportDialogueOnnx(nets: DialogueWeights[]): Uint8Array {
  const { d, H, h, nClasses } = nets[0].spec;
  const g = new Graph();
  const subs = nets.map((net, k) => subgraph(g, net, k));
  const stack = (names: string[], out: string) => {
    const un = names.map((x) => g.op('Unsqueeze', [x, g.int64(g.fresh('axes0'), [0])]));
    return un.length === 1 ? g.op('Identity', un, [], out) : g.op('Concat', un, [attrInt('axis', 0)], out);
  };
  stack(
    subs.map((s) => s.repr),
    'repr',
  );
  const logits = stack(
    subs.map((s) => s.logits),
    'logits',
  );
  g.op('Softmax', [logits], [attrInt('axis', -1)], 'probs');
  const K = nets.length;
  return encodeGraph(g, {
    name: 'fusion_dialogue',
    doc: 'dialogue fusion network(s) (BiLSTM over the utterances of a dialogue)',
    inputs: [valueInfo('x', ['T', d])],
    outputs: [valueInfo('repr', [K, 'T', H + 2 * h]), valueInfo('logits', [K, 'T', nClasses]), valueInfo('probs', [K, 'T', nClasses])],
    meta: {
      'emotion-studio.fusion': JSON.stringify({ kind: 'dialogue', folds: K, d, hidden: H, lstmHidden: h, nClasses, reprDim: H + 2 * h }),
    },
  });
}

/** Runs an exported dialogue graph, one dialogue per session.run. */
export class DialogueRunner {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(onnx: Uint8Array, providers: string[] = ['cpu']): Promise<DialogueRunner> {
    return new DialogueRunner(await loadOrt().InferenceSession.create(onnx, { executionProviders: providers }));
  }

  /**
   * An output ('repr' or 'probs') of every row named by `dialogues`, per network: out[k][row]
   * (rows not named stay undefined).
   */
  async run(x: Float32Array[], dialogues: number[][], output: 'repr' | 'probs' = 'repr'): Promise<Float32Array[][]> {
    const out: Float32Array[][] = [];
    for (const rows of dialogues) {
      if (!rows.length) continue;
      const d = x[rows[0]].length;
      const buf = new Float32Array(rows.length * d);
      rows.forEach((r, t) => buf.set(x[r], t * d));
      const res = await this.session.run({ x: new (loadOrt().Tensor)('float32', buf, [rows.length, d]) }, [output]);
      const t = res[output];
      const [K, T, dim] = t.dims as number[];
      const data = t.data as Float32Array;
      for (let k = 0; k < K; k++) {
        out[k] ??= new Array(x.length);
        for (let i = 0; i < T; i++) out[k][rows[i]] = data.slice((k * T + i) * dim, (k * T + i + 1) * dim);
      }
      t.dispose?.();
    }
    return out;
  }

  /** The first network's representation of every row named by `dialogues`. */
  async represent(x: Float32Array[], dialogues: number[][]): Promise<Float32Array[]> {
    return (await this.run(x, dialogues, 'repr'))[0] ?? new Array(x.length);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
