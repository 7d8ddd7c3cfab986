// `--fusion dialogue` (the bcLSTM idea of the MELD paper): a bidirectional LSTM over the utterance
// vectors of each dialogue in order, the speaker change an input column, trained with tfjs on the
// TRAINING dialogues given (early stopping on a seeded held-out part of them), exported to ONNX.
//   p_t    = ReLU(std(x_t) W_p + b_p)                       x_t = [utterance features, speaker changed]
//   o_t    = [h_fwd_t, h_bwd_t] of a BiLSTM over p_1..p_T    (hidden h per direction)
//   repr_t = [p_t, o_t]  (H + 2h; what the SVM learns from)  logits_t = repr_t W_c + b_c
// Dialogues of different lengths share a batch: positions past a dialogue's end are masked (the state
// is carried through them unchanged), so the backward direction starts from zero at the true end.
import type * as TF from '@tensorflow/tfjs-core';
import { tfReady } from './tf';
import { Rng } from './rng';
import { balancedWeights, fitNorm, heldOutCounts } from './train';
import { exportDialogueOnnx, type DialogueWeights } from './dialogue-export';
import type { Norm } from './model';
import type { FusionProgress } from './types';
import { AbortError } from '../abort';

export interface DialogueInputs {
  /** one row per utterance, all of one width (the speaker-change column included) */
  x: Float32Array[];
  /** row indices of each dialogue, in utterance order */
  dialogues: number[][];
}

export interface DialogueOptions {
  seed: number;
  /** projection width H (default 128); LSTM hidden per direction h = H / 2 */
  hidden?: number;
  epochs?: number;
  /** dialogues per batch (default 16) */
  batchDialogues?: number;
  patience?: number;
  lr?: number;
  /** held-out fraction of the given dialogues for early stopping (default 0.1) */
  valFraction?: number;
  dropout?: number;
  /** loss class weights: 'balanced' (default, n / (C * count)) or 'none' (all 1) */
  classWeighting?: 'balanced' | 'none';
  signal?: AbortSignal;
  onProgress?: (p: FusionProgress) => void;
  /** dialogues (of `inputs`) whose training-time representation (eval mode, best weights) is returned, for checks */
  probe?: number[][];
}

export interface DialogueSpec {
  d: number;
  H: number;
  h: number;
  nClasses: number;
}

export interface TrainedDialogue {
  /** the network alone as an ONNX graph (exportDialogueOnnx of `weights`) */
  onnx: Uint8Array;
  /** its best weights and input standardisation (to export several networks as one graph) */
  weights: DialogueWeights;
  spec: DialogueSpec;
  reprDim: number;
  bestEpoch: number;
  epochs: number;
  secondsPerEpoch: number;
  /** the given dialogues (indices into inputs.dialogues) held out for early stopping, not fitted on */
  heldOut: number[];
  probeRepr: Float32Array[][] | null;
  params: number;
}

const sigmoidTanh = (tf: typeof TF, x: TF.Tensor) => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);

function glorot(rng: Rng, fanIn: number, fanOut: number, n = fanIn * fanOut): Float32Array {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-lim, lim);
  return a;
}

export class DialogueNet {
  readonly vars = new Map<string, TF.Variable>();
  private readonly mean: TF.Tensor1D;
  private readonly scale: TF.Tensor1D;

  constructor(
    private readonly tf: typeof TF,
    readonly spec: DialogueSpec,
    readonly norm: Norm,
    rng: Rng,
  ) {
    const { d, H, h, nClasses } = spec;
    this.mean = tf.tensor1d(norm.mean);
    this.scale = tf.tensor1d(norm.scale);
    this.add('proj.W', [d, H], glorot(rng, d, H));
    this.add('proj.b', [H], new Float32Array(H));
    this.add('lstm.W', [H, 8 * h], glorot(rng, H, 4 * h, H * 8 * h)); // gate-major: i_f i_b o_f o_b f_f f_b c_f c_b
    this.add('lstm.R', [2, h, 4 * h], glorot(rng, h, 4 * h, 2 * h * 4 * h)); // [dir][h_in][i, o, f, c]
    this.add('lstm.b', [8 * h], new Float32Array(8 * h).fill(1, 4 * h, 6 * h)); // forget-gate bias 1
    this.add('fc.W', [H + 2 * h, nClasses], glorot(rng, H + 2 * h, nClasses));
    this.add('fc.b', [nClasses], new Float32Array(nClasses));
  }

  private add(name: string, shape: number[], data: Float32Array): void {
    this.vars.set(
      name,
      this.tf.tidy(() => this.tf.variable(this.tf.tensor(data, shape), true)),
    );
  }

  v(name: string): TF.Variable {
    return this.vars.get(name)!;
  }

  /**
   * steps: T tensors [B, d] (time-major); masks: T tensors [B, 1] (1 inside the dialogue);
   * drop: optional masks [B, H] on p_t and [B, H + 2h] on repr. Returns repr and logits per step.
   */
  forward(
    steps: TF.Tensor2D[],
    masks: TF.Tensor2D[],
    drop?: { p: TF.Tensor2D[]; r: TF.Tensor2D[] },
  ): { repr: TF.Tensor2D[]; logits: TF.Tensor2D[] } {
    const tf = this.tf;
    const { h } = this.spec;
    const T = steps.length;
    const B = steps[0].shape[0];
    const p = steps.map((x, t) => {
      const z = tf.relu(tf.add(tf.matMul(tf.mul(tf.sub(x, this.mean), this.scale), this.v('proj.W')), this.v('proj.b'))) as TF.Tensor2D;
      return drop ? (tf.mul(z, drop.p[t]) as TF.Tensor2D) : z;
    });
    const W = this.v('lstm.W');
    const b = this.v('lstm.b');
    const xw = p.map((x) => tf.add(tf.matMul(x, W), b) as TF.Tensor2D);
    const fwdCols = new Float32Array(8 * h);
    for (let q = 0; q < 4; q++) fwdCols.fill(1, 2 * q * h, (2 * q + 1) * h);
    const mF = tf.tensor1d(fwdCols);
    const mB = tf.sub(1, mF);
    const half = tf.tensor2d(
      Float32Array.from({ length: 2 * h }, (_, j) => (j < h ? 1 : 0)),
      [1, 2 * h],
    );
    const otherHalf = tf.sub(1, half);
    const R = this.recurrentBlock();
    let hPrev: TF.Tensor2D = tf.zeros([B, 2 * h]);
    let cPrev: TF.Tensor2D = tf.zeros([B, 2 * h]);
    const hs: TF.Tensor2D[] = [];
    for (let s = 0; s < T; s++) {
      const xs = tf.add(tf.mul(xw[s], mF), tf.mul(xw[T - 1 - s], mB));
      const z = tf.add(xs, tf.matMul(hPrev, R)) as TF.Tensor2D;
      const [i, o, f] = tf.split(tf.sigmoid(tf.slice(z, [0, 0], [B, 6 * h])), 3, 1);
      const g = sigmoidTanh(tf, tf.slice(z, [0, 6 * h], [B, 2 * h]));
      const c = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
      const hn = tf.mul(o, sigmoidTanh(tf, c));
      // [B, 2h] mask: forward half by position s, backward half by position T-1-s
      const m = tf.add(tf.mul(masks[s], half), tf.mul(masks[T - 1 - s], otherHalf));
      const keep = tf.sub(1, m);
      hPrev = tf.add(tf.mul(m, hn), tf.mul(keep, hPrev)) as TF.Tensor2D;
      cPrev = tf.add(tf.mul(m, c), tf.mul(keep, cPrev)) as TF.Tensor2D;
      hs.push(hPrev);
    }
    const repr: TF.Tensor2D[] = [];
    const logits: TF.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      // forward output of position t is step t's first half, backward output step T-1-t's second half
      const o = tf.add(tf.mul(hs[t], half), tf.mul(hs[T - 1 - t], otherHalf)) as TF.Tensor2D;
      const r = tf.concat([p[t], o], 1) as TF.Tensor2D;
      repr.push(r);
      const rd = drop ? tf.mul(r, drop.r[t]) : r;
      logits.push(tf.add(tf.matMul(rd as TF.Tensor2D, this.v('fc.W')), this.v('fc.b')) as TF.Tensor2D);
    }
    return { repr, logits };
  }

  private recurrentBlock(): TF.Tensor2D {
    const tf = this.tf;
    const h = this.spec.h;
    const R = this.v('lstm.R');
    const zeros = tf.zeros([h, 4, 1, h]);
    const dir = (d: number) => tf.reshape(tf.slice(R, [d, 0, 0], [1, h, 4 * h]), [h, 4, 1, h]);
    const top = tf.reshape(tf.concat([dir(0), zeros], 2), [h, 8 * h]);
    const bottom = tf.reshape(tf.concat([zeros, dir(1)], 2), [h, 8 * h]);
    return tf.concat([top, bottom], 0) as TF.Tensor2D;
  }

  snapshot(): Map<string, Float32Array> {
    const m = new Map<string, Float32Array>();
    for (const [k, x] of this.vars) m.set(k, (x.dataSync() as Float32Array).slice());
    return m;
  }

  restore(snap: Map<string, Float32Array>): void {
    for (const [k, x] of this.vars) this.tf.tidy(() => x.assign(this.tf.tensor(snap.get(k)!, x.shape)));
  }

  paramCount(): number {
    let n = 0;
    for (const x of this.vars.values()) n += x.size;
    return n;
  }

  dispose(): void {
    for (const x of this.vars.values()) x.dispose();
    this.mean.dispose();
    this.scale.dispose();
  }
}

/** A batch of dialogues as time-major step tensors and masks (call inside tidy). */
function batchTensors(
  tf: typeof TF,
  inp: DialogueInputs,
  dias: number[][],
  d: number,
): { steps: TF.Tensor2D[]; masks: TF.Tensor2D[]; T: number } {
  const B = dias.length;
  const T = Math.max(...dias.map((x) => x.length));
  const steps: TF.Tensor2D[] = [];
  const masks: TF.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const buf = new Float32Array(B * d);
    const m = new Float32Array(B);
    dias.forEach((rows, b) => {
      if (t < rows.length) {
        buf.set(inp.x[rows[t]], b * d);
        m[b] = 1;
      }
    });
    steps.push(tf.tensor2d(buf, [B, d]));
    masks.push(tf.tensor2d(m, [B, 1]));
  }
  return { steps, masks, T };
}

/** Class-weighted cross-entropy over the labelled positions of a batch (label -1: not counted). */
function batchLoss(
  tf: typeof TF,
  logits: TF.Tensor2D[],
  dias: number[][],
  y: number[],
  w: number[],
  C: number,
): { loss: TF.Scalar; weightSum: number } {
  const T = logits.length;
  const B = dias.length;
  const onehot = new Float32Array(T * B * C);
  let weightSum = 0;
  for (let t = 0; t < T; t++)
    dias.forEach((rows, b) => {
      const lab = t < rows.length ? y[rows[t]] : -1;
      if (lab >= 0) {
        onehot[(t * B + b) * C + lab] = w[lab];
        weightSum += w[lab];
      }
    });
  const all = tf.concat(logits, 0);
  const total = tf.neg(tf.sum(tf.mul(tf.tensor2d(onehot, [T * B, C]), tf.logSoftmax(all))));
  return { loss: (weightSum > 0 ? tf.div(total, weightSum) : tf.mul(total, 0)) as TF.Scalar, weightSum };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Trains on the given dialogues only (the caller passes TRAINING dialogues; y[row] = class or -1 for
 * an unlabelled row). A seeded `valFraction` of the dialogues is held out for early stopping
 * (patience 5 on the held-out class-weighted loss); the best epoch's weights are exported.
 */
export async function trainDialogueFusion(
  inp: DialogueInputs,
  y: number[],
  nClasses: number,
  opts: DialogueOptions,
): Promise<TrainedDialogue> {
  const tf = await tfReady();
  if (!inp.x.length || !inp.dialogues.length) throw new Error('dialogue fusion: no training dialogues');
  const d = inp.x[0].length;
  const H = opts.hidden ?? 128;
  const h = Math.max(1, Math.floor(H / 2));
  const epochs = opts.epochs ?? 30;
  const per = opts.batchDialogues ?? 16;
  const patience = opts.patience ?? 5;
  const dropout = opts.dropout ?? 0.3;
  const rng = new Rng(opts.seed);
  const order = rng.shuffle([...inp.dialogues.keys()]);
  const nVal = inp.dialogues.length >= 10 ? Math.max(1, Math.round(inp.dialogues.length * (opts.valFraction ?? 0.1))) : 0;
  const heldOut = order.slice(0, nVal).sort((a, b) => a - b);
  const heldRows = heldOut.flatMap((k) => inp.dialogues[k]);
  const held = heldOutCounts(y, heldRows);
  const fit = order.slice(nVal).sort((a, b) => a - b);
  const fitRows = fit.flatMap((k) => inp.dialogues[k]);
  const labelledFit = fitRows.filter((r) => y[r] >= 0);
  if (!labelledFit.length) throw new Error('dialogue fusion: no labelled training utterance');
  const classWeights = opts.classWeighting === 'none' ? new Array<number>(nClasses).fill(1) : balancedWeights(y, labelledFit, nClasses);
  // centred, then ONE scale for every column (1 / the mean per-column std): a per-column scale would
  // blow rare hashed terms up and drown the rest (the first epochs then only learn to undo it)
  const norm = fitNorm(inp.x, fitRows, d);
  let meanStd = 0;
  for (let j = 0; j < d; j++) meanStd += 1 / norm.scale[j] / d;
  norm.scale.fill(1 / Math.max(meanStd, 1e-6));
  const spec: DialogueSpec = { d, H, h, nClasses };
  const net = new DialogueNet(tf, spec, norm, rng);
  const varList = [...net.vars.values()];
  const optimizer = tf.train.adam(opts.lr ?? 1e-3);

  const valLoss = (): { loss: number; acc: number } => {
    let ls = 0;
    let ws = 0;
    let correct = 0;
    let n = 0;
    for (let s = 0; s < heldOut.length; s += 64) {
      const dias = heldOut.slice(s, s + 64).map((k) => inp.dialogues[k]);
      tf.tidy(() => {
        const { steps, masks } = batchTensors(tf, inp, dias, d);
        const { logits } = net.forward(steps, masks);
        const { loss, weightSum } = batchLoss(tf, logits, dias, y, classWeights, nClasses);
        ls += loss.dataSync()[0] * weightSum;
        ws += weightSum;
        logits.forEach((lg, t) => {
          const pred = tf.argMax(lg, 1).dataSync();
          dias.forEach((rows, b) => {
            if (t < rows.length && y[rows[t]] >= 0) {
              n++;
              if (pred[b] === y[rows[t]]) correct++;
            }
          });
        });
      });
    }
    return { loss: ws > 0 ? ls / ws : NaN, acc: n > 0 ? correct / n : NaN };
  };

  let best = Infinity;
  let bestEpoch = 0;
  let bestSnap: Map<string, Float32Array> | null = null;
  let wait = 0;
  let ran = 0;
  const t0 = performance.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      ran = epoch;
      const ord = rng.shuffle(fit.slice());
      let ls = 0;
      let ws = 0;
      for (let s = 0; s < ord.length; s += per) {
        if (opts.signal?.aborted) throw new AbortError('fusion training cancelled');
        const dias = ord.slice(s, s + per).map((k) => inp.dialogues[k]);
        const T = Math.max(...dias.map((x) => x.length));
        const B = dias.length;
        const keep = 1 / (1 - dropout);
        const mk = (w: number) =>
          Array.from({ length: T }, () => Float32Array.from({ length: B * w }, () => (rng.next() < dropout ? 0 : keep)));
        const dp = dropout > 0 ? mk(H) : null;
        const dr = dropout > 0 ? mk(H + 2 * h) : null;
        let bw = 0;
        const cost = tf.tidy(() => {
          const { steps, masks } = batchTensors(tf, inp, dias, d);
          const drop =
            dp && dr ? { p: dp.map((a) => tf.tensor2d(a, [B, H])), r: dr.map((a) => tf.tensor2d(a, [B, H + 2 * h])) } : undefined;
          return optimizer.minimize(
            () => {
              const { loss, weightSum } = batchLoss(tf, net.forward(steps, masks, drop).logits, dias, y, classWeights, nClasses);
              bw = weightSum;
              return loss;
            },
            true,
            varList,
          )!;
        });
        ls += cost.dataSync()[0] * bw;
        ws += bw;
        cost.dispose();
        await tick();
      }
      const v = heldOut.length ? valLoss() : { loss: NaN, acc: NaN };
      const vl = v.loss;
      opts.onProgress?.({ epoch, epochs, trainLoss: ws > 0 ? ls / ws : NaN, valLoss: vl, valAcc: v.acc, ...held });
      if (!heldOut.length) {
        bestEpoch = epoch;
        continue;
      }
      if (vl < best - 1e-4) {
        best = vl;
        bestEpoch = epoch;
        bestSnap = net.snapshot();
        wait = 0;
      } else if (++wait >= patience) break;
    }
    if (bestSnap) net.restore(bestSnap);
    const snap = net.snapshot();
    let probeRepr: Float32Array[][] | null = null;
    if (opts.probe) {
      probeRepr = opts.probe.map((rows) =>
        tf.tidy(() => {
          const { steps, masks } = batchTensors(tf, inp, [rows], d);
          return net
            .forward(steps, masks)
            .repr.map((r) => r.dataSync() as Float32Array)
            .map((a) => a.slice());
        }),
      );
    }
    return {
      onnx: exportDialogueOnnx([{ spec, norm, w: snap }]),
      weights: { spec, norm, w: snap },
      spec,
      reprDim: H + 2 * h,
      bestEpoch,
      epochs: ran,
      secondsPerEpoch: (performance.now() - t0) / 1000 / Math.max(1, ran),
      heldOut,
      probeRepr,
      params: net.paramCount(),
    };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}
