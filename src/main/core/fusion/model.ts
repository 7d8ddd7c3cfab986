// The fusion networks as tfjs-core ops over our own variables, so that the exported ONNX graph
// (export.ts) is the same computation weight for weight.
//
// 'seed' (the published system, sized to the inputs):
//   voice  = sum_k alpha_k * (x_k W_k + b_k)    x_k: the standardised voice sub-blocks (audioParts), alpha_k in R^H
//   text   = x_t W_t + b_t                       (R^H)
//   voice, text -> BiLSTM over a sequence of length 1 from a zero state -> [h_fwd, h_bwd] (2 * H/2 = H)
//   video  = frames [F, dV] (projected per frame to H by a shared linear layer when dV > H, which is
//            cheaper than a 4h-wide LSTM input weight on dV)
//            -> BiLSTM over the F frames -> MEAN over time of [h_fwd_t, h_bwd_t]  (H)
//   tokens [B, T<=3, H] -> multi-head self-attention (in-projections Q,K,V, scaled dot product,
//            out-projection; as torch.nn.MultiheadAttention) -> mean over tokens = representation (H)
//   logits = dropout(repr) W_c + b_c
// 'concat' (the baseline): [standardised audio, text, flattened video] -> ReLU(x W_1 + b_1) = representation
//   -> dropout -> W_2 + b_2.
//
// LSTM: ONNX semantics (gates i, o, f, c; sigmoid gates, tanh cell and output; one bias per gate, the
// recurrence bias exported as zeros). Input-weight columns are laid out gate-major, direction-minor
// ([i_fwd, i_bwd, o_fwd, o_bwd, f_fwd, f_bwd, c_fwd, c_bwd], h columns each) so that both directions
// run as one [B, 2h] recurrence with few ops; export.ts reorders them into ONNX's [2, 4h, in].
// For the length-1 LSTMs the state starts at zero, so the recurrent weights and the forget gate have
// no effect: they are not parameters here and are exported as zeros.
import type * as TF from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { Rng } from './rng';
import type { FusionKind } from './types';

export interface Dims {
  dA: number;
  dT: number;
  framesV: number;
  dV: number;
}

export interface Norm {
  mean: Float32Array;
  scale: Float32Array;
}

export interface Norms {
  audio?: Norm;
  text?: Norm;
  video?: Norm;
}

export interface NetSpec {
  kind: FusionKind;
  dims: Dims;
  nClasses: number;
  hidden: number;
  heads: number;
  audioParts: number[];
}

export interface NetInputs {
  audio?: TF.Tensor2D;
  text?: TF.Tensor2D;
  /** seed: the frames as framesV tensors [B, dV] (the wasm backend's Slice copies its whole input, so
   * frames are not cut out of one tensor) */
  videoFrames?: TF.Tensor2D[];
  /** concat: [B, framesV * dV] */
  videoFlat?: TF.Tensor2D;
}

export function derived(spec: NetSpec) {
  const H = spec.hidden;
  const lstmHidden = H / 2;
  const videoProj = spec.kind === 'seed' && spec.dims.dV > H;
  const tokens = (spec.dims.dA > 0 ? 1 : 0) + (spec.dims.dT > 0 ? 1 : 0) + (spec.dims.dV > 0 ? 1 : 0);
  return { H, lstmHidden, videoProj, tokens, reprDim: H, headDim: H / spec.heads };
}

/** Multiply-accumulates of one forward pass per row (matrix products only; the element-wise work is small). */
export function forwardMacs(spec: NetSpec): number {
  const { dA, dT, dV, framesV: F } = spec.dims;
  const { H, lstmHidden: h, videoProj, tokens: T } = derived(spec);
  const C = spec.nClasses;
  if (spec.kind === 'concat') return (dA + dT + F * dV) * H + H * C;
  let m = 0;
  if (dA > 0) m += dA * H + H * 6 * h;
  if (dT > 0) m += dT * H + H * 6 * h;
  if (dV > 0) {
    const inV = videoProj ? H : dV;
    if (videoProj) m += F * dV * H;
    m += F * inV * 8 * h + 2 * (F - 1) * h * 4 * h;
  }
  m += T * H * 3 * H + 2 * T * T * H + T * H * H;
  return m + H * C;
}

export function validateSpec(spec: NetSpec): void {
  const { dims, hidden, heads } = spec;
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`fusion: ${k} must be a non-negative integer (got ${v})`);
  }
  if (dims.dA + dims.dT + dims.dV === 0) throw new Error('fusion: no modality has features');
  if (dims.dV > 0 && dims.framesV < 1) throw new Error('fusion: framesV must be at least 1');
  if (!Number.isInteger(spec.nClasses) || spec.nClasses < 2) throw new Error('fusion: nClasses must be at least 2');
  if (!Number.isInteger(hidden) || hidden < 2) throw new Error('fusion: hidden must be an integer >= 2');
  if (spec.kind === 'seed') {
    if (hidden % 2 !== 0) throw new Error('fusion: hidden must be even (BiLSTM hidden = hidden / 2)');
    if (!Number.isInteger(heads) || heads < 1 || hidden % heads !== 0)
      throw new Error(`fusion: heads (${heads}) must divide hidden (${hidden})`);
    if (dims.dA > 0) {
      const sum = spec.audioParts.reduce((a, b) => a + b, 0);
      if (spec.audioParts.some((p) => !Number.isInteger(p) || p < 1) || sum !== dims.dA) {
        throw new Error(`fusion: audioParts [${spec.audioParts.join(', ')}] must be positive and sum to the voice width ${dims.dA}`);
      }
    }
  }
}

/** tanh as 2 sigmoid(2x) - 1: the wasm backend's Tanh is a scalar loop ~15x slower than its Sigmoid.
 * Differs from tanh by float rounding only (< 1e-6). */
function tanh<T extends TF.Tensor>(x: T): T {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) as T;
}

/** x W + b */
function dense(x: TF.Tensor, W: TF.Tensor, b: TF.Tensor): TF.Tensor2D {
  return tf.add(tf.matMul(x as TF.Tensor2D, W as TF.Tensor2D), b) as TF.Tensor2D;
}

function glorot(rng: Rng, fanIn: number, fanOut: number, n = fanIn * fanOut): Float32Array {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-lim, lim);
  return a;
}

export class FusionNet {
  readonly vars = new Map<string, TF.Variable>();
  private readonly norm: { [K in keyof Norms | 'videoFlat']?: { mean: TF.Tensor1D; scale: TF.Tensor1D } } = {};
  readonly d: ReturnType<typeof derived>;

  constructor(
    readonly spec: NetSpec,
    readonly norms: Norms,
    rng: Rng,
  ) {
    validateSpec(spec);
    this.d = derived(spec);
    for (const k of ['audio', 'text', 'video'] as const) {
      const n = norms[k];
      if (n) this.norm[k] = { mean: tf.tensor1d(n.mean), scale: tf.tensor1d(n.scale) };
    }
    if (norms.video && spec.kind === 'concat') {
      const F = spec.dims.framesV;
      const tile = (a: Float32Array) => {
        const t = new Float32Array(a.length * F);
        for (let f = 0; f < F; f++) t.set(a, f * a.length);
        return tf.tensor1d(t);
      };
      this.norm.videoFlat = { mean: tile(norms.video.mean), scale: tile(norms.video.scale) };
    }
    const { dA, dT, dV, framesV } = spec.dims;
    const { H, lstmHidden: h, reprDim } = this.d;
    const C = spec.nClasses;
    if (spec.kind === 'seed') {
      if (dA > 0) {
        spec.audioParts.forEach((p, k) => {
          this.add(`voice.part${k}.W`, [p, H], glorot(rng, p, H));
          this.add(`voice.part${k}.b`, [H], new Float32Array(H));
          this.add(`voice.part${k}.alpha`, [H], new Float32Array(H).fill(1 / spec.audioParts.length));
        });
        this.addLstm1('voice', H, h, rng);
      }
      if (dT > 0) {
        this.add('text.W', [dT, H], glorot(rng, dT, H));
        this.add('text.b', [H], new Float32Array(H));
        this.addLstm1('text', H, h, rng);
      }
      if (dV > 0) {
        let inV = dV;
        if (this.d.videoProj) {
          this.add('video.proj.W', [dV, H], glorot(rng, dV, H));
          this.add('video.proj.b', [H], new Float32Array(H));
          inV = H;
        }
        const b = new Float32Array(8 * h).fill(1, 4 * h, 6 * h); // forget-gate bias 1 (both directions)
        this.add('video.lstm.W', [inV, 8 * h], glorot(rng, inV, 4 * h, inV * 8 * h)); // gate-major columns
        this.add('video.lstm.R', [2, h, 4 * h], glorot(rng, h, 4 * h, 2 * h * 4 * h)); // [dir][h_in][i,o,f,c]
        this.add('video.lstm.b', [8 * h], b);
      }
      for (const m of ['q', 'k', 'v']) {
        this.add(`attn.W${m}`, [H, H], glorot(rng, H, H));
        this.add(`attn.b${m}`, [H], new Float32Array(H));
      }
      this.add('attn.Wo', [H, H], glorot(rng, H, H));
      this.add('attn.bo', [H], new Float32Array(H));
    } else {
      const dIn = dA + dT + framesV * dV;
      this.add('hidden.W', [dIn, H], glorot(rng, dIn, H));
      this.add('hidden.b', [H], new Float32Array(H));
    }
    this.add('fc.W', [reprDim, C], glorot(rng, reprDim, C));
    this.add('fc.b', [C], new Float32Array(C));
  }

  private add(name: string, shape: number[], data: Float32Array): void {
    // (tidy disposes the initial tensor; the variable keeps its data)
    this.vars.set(
      name,
      tf.tidy(() => tf.variable(tf.tensor(data, shape), true)),
    );
  }

  /** Length-1 BiLSTM from a zero state: only the i, o and c input weights matter; columns
   * [i_fwd, i_bwd, o_fwd, o_bwd, c_fwd, c_bwd]. */
  private addLstm1(prefix: string, inDim: number, h: number, rng: Rng): void {
    this.add(`${prefix}.lstm.W`, [inDim, 6 * h], glorot(rng, inDim, 4 * h, inDim * 6 * h));
    this.add(`${prefix}.lstm.b`, [6 * h], new Float32Array(6 * h));
  }

  v(name: string): TF.Variable {
    const x = this.vars.get(name);
    if (!x) throw new Error(`fusion: no variable ${name}`);
    return x;
  }

  paramCount(): number {
    let n = 0;
    for (const x of this.vars.values()) n += x.size;
    return n;
  }

  private standardise<T extends TF.Tensor>(k: keyof Norms | 'videoFlat', x: T): T {
    const n = this.norm[k];
    return n ? (tf.mul(tf.sub(x, n.mean), n.scale) as T) : x;
  }

  private lstm1(prefix: string, x: TF.Tensor2D): TF.Tensor2D {
    const h = this.d.lstmHidden;
    const z = dense(x, this.v(`${prefix}.lstm.W`), this.v(`${prefix}.lstm.b`)) as TF.Tensor2D;
    const [i, o] = tf.split(tf.sigmoid(tf.slice(z, [0, 0], [-1, 4 * h])), 2, 1);
    const g = tanh(tf.slice(z, [0, 4 * h], [-1, 2 * h]));
    return tf.mul(o, tanh(tf.mul(i, g))) as TF.Tensor2D; // [h_fwd, h_bwd]
  }

  /** Recurrent weights as one block-diagonal [2h, 8h] matrix in the gate-major column layout. */
  private recurrentBlock(): TF.Tensor2D {
    const h = this.d.lstmHidden;
    const R = this.v('video.lstm.R');
    const zeros = tf.zeros([h, 4, 1, h]);
    const dir = (d: number) => tf.reshape(tf.slice(R, [d, 0, 0], [1, h, 4 * h]), [h, 4, 1, h]);
    const top = tf.reshape(tf.concat([dir(0), zeros], 2), [h, 8 * h]);
    const bottom = tf.reshape(tf.concat([zeros, dir(1)], 2), [h, 8 * h]);
    return tf.concat([top, bottom], 0) as TF.Tensor2D;
  }

  /** BiLSTM over the frames ([B, in] each); the mean over time of [h_fwd_t, h_bwd_t]. Both
   * directions advance in one [B, 2h] state: step s feeds frame s to the forward half and frame
   * F-1-s to the backward half. */
  private lstmSeq(frames: TF.Tensor2D[]): TF.Tensor2D {
    const h = this.d.lstmHidden;
    const F = frames.length;
    const B = frames[0].shape[0];
    const W = this.v('video.lstm.W');
    const b = this.v('video.lstm.b');
    const xw = frames.map((f) => dense(f, W, b)); // [B, 8h] each, gate-major
    const fwdCols = new Float32Array(8 * h);
    for (let q = 0; q < 4; q++) fwdCols.fill(1, 2 * q * h, (2 * q + 1) * h);
    const mF = tf.tensor1d(fwdCols);
    const mB = tf.sub(1, mF);
    const R = this.recurrentBlock();
    let hPrev: TF.Tensor2D | null = null;
    let cPrev: TF.Tensor2D | null = null;
    const hs: TF.Tensor2D[] = [];
    for (let s = 0; s < F; s++) {
      const xs = tf.add(tf.mul(xw[s], mF), tf.mul(xw[F - 1 - s], mB));
      const z = (hPrev ? tf.add(xs, tf.matMul(hPrev, R)) : xs) as TF.Tensor2D;
      const [i, o, f] = tf.split(tf.sigmoid(tf.slice(z, [0, 0], [B, 6 * h])), 3, 1);
      const g = tanh(tf.slice(z, [0, 6 * h], [B, 2 * h]));
      const c: TF.Tensor2D = cPrev ? tf.add(tf.mul(f, cPrev), tf.mul(i, g)) : tf.mul(i, g);
      hPrev = tf.mul(o, tanh(c)) as TF.Tensor2D;
      cPrev = c;
      hs.push(hPrev);
    }
    return tf.mul(hs.length === 1 ? hs[0] : tf.addN(hs), 1 / F) as TF.Tensor2D;
  }

  private attention(tokens: TF.Tensor2D[]): TF.Tensor2D {
    const { H, headDim } = this.d;
    const heads = this.spec.heads;
    const T = tokens.length;
    const B = tokens[0].shape[0];
    const X = tf.reshape(tf.stack(tokens, 1), [B * T, H]);
    const proj = (m: string, perm: number[]) =>
      tf.transpose(tf.reshape(dense(X, this.v(`attn.W${m}`), this.v(`attn.b${m}`)), [B, T, heads, headDim]), perm);
    const q = proj('q', [0, 2, 1, 3]); // [B, heads, T, hd]
    const kT = proj('k', [0, 2, 3, 1]); // [B, heads, hd, T]
    const vv = proj('v', [0, 2, 1, 3]);
    const att = tf.softmax(tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(headDim)));
    const ctx = tf.reshape(tf.transpose(tf.matMul(att, vv), [0, 2, 1, 3]), [B * T, H]);
    const out = dense(ctx, this.v('attn.Wo'), this.v('attn.bo'));
    return tf.mean(tf.reshape(out, [B, T, H]), 1) as TF.Tensor2D;
  }

  /** Forward pass; `dropMask` ([B, reprDim], 0 or 1/(1-p)) is applied to the representation before the classifier. */
  forward(x: NetInputs, dropMask?: TF.Tensor2D): { repr: TF.Tensor2D; logits: TF.Tensor2D } {
    const { dA, dT, dV, framesV } = this.spec.dims;
    let repr: TF.Tensor2D;
    if (this.spec.kind === 'seed') {
      const tokens: TF.Tensor2D[] = [];
      if (dA > 0) {
        const a = this.standardise('audio', x.audio!);
        let voice: TF.Tensor2D | null = null;
        let off = 0;
        this.spec.audioParts.forEach((p, k) => {
          const xk = this.spec.audioParts.length === 1 ? a : tf.slice(a, [0, off], [-1, p]);
          off += p;
          const proj = dense(xk, this.v(`voice.part${k}.W`), this.v(`voice.part${k}.b`));
          const term = tf.mul(proj, this.v(`voice.part${k}.alpha`)) as TF.Tensor2D;
          voice = voice ? (tf.add(voice, term) as TF.Tensor2D) : term;
        });
        tokens.push(this.lstm1('voice', voice!));
      }
      if (dT > 0) {
        const t = dense(this.standardise('text', x.text!), this.v('text.W'), this.v('text.b')) as TF.Tensor2D;
        tokens.push(this.lstm1('text', t));
      }
      if (dV > 0) {
        if (x.videoFrames?.length !== framesV) throw new Error('fusion: seed forward needs the video as framesV frame tensors');
        let frames = x.videoFrames.map((f) => this.standardise('video', f));
        if (this.d.videoProj) frames = frames.map((f) => dense(f, this.v('video.proj.W'), this.v('video.proj.b')));
        tokens.push(this.lstmSeq(frames));
      }
      repr = this.attention(tokens);
    } else {
      const parts: TF.Tensor2D[] = [];
      if (dA > 0) parts.push(this.standardise('audio', x.audio!));
      if (dT > 0) parts.push(this.standardise('text', x.text!));
      if (dV > 0) {
        if (!x.videoFlat) throw new Error('fusion: concat forward needs the flattened video');
        parts.push(this.standardise('videoFlat', x.videoFlat));
      }
      const cat = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      repr = tf.relu(dense(cat, this.v('hidden.W'), this.v('hidden.b'))) as TF.Tensor2D;
    }
    const dropped: TF.Tensor2D = dropMask ? tf.mul(repr, dropMask) : repr;
    const logits = dense(dropped, this.v('fc.W'), this.v('fc.b')) as TF.Tensor2D;
    return { repr, logits };
  }

  /** Current values of every variable (a copy), for early-stopping snapshots and export. */
  snapshot(): Map<string, Float32Array> {
    const m = new Map<string, Float32Array>();
    for (const [k, x] of this.vars) m.set(k, (x.dataSync() as Float32Array).slice());
    return m;
  }

  restore(snap: Map<string, Float32Array>): void {
    for (const [k, x] of this.vars) {
      const data = snap.get(k);
      if (!data) throw new Error(`fusion: snapshot lacks ${k}`);
      tf.tidy(() => x.assign(tf.tensor(data, x.shape)));
    }
  }

  dispose(): void {
    for (const x of this.vars.values()) x.dispose();
    for (const n of Object.values(this.norm)) {
      n?.mean.dispose();
      n?.scale.dispose();
    }
  }
}
