// Fundamental frequency by YIN with a voicing decision, FFT-accelerated.
import FFT from 'fft.js';
import { centeredFrameCount } from './window';

/**
 * YIN fundamental frequency (de Cheveigne & Kawahara 2002) with a voicing decision.
 *
 * Per frame (centered on t*hop): the difference function
 *   d(tau) = sum_{j<W} (x[j] - x[j+tau])^2 = e(0) + e(tau) - 2 r(tau)
 * over a fixed integration window of W samples, where r is the cross-correlation of the window
 * with the segment (computed with one FFT of the packed pair x + i*w and one inverse FFT, so a
 * frame costs O(N log N) instead of O(W * maxLag)) and e(tau) the window energy at lag tau (prefix
 * sums). Then the cumulative-mean-normalised d'(tau); the period is the first dip below the
 * absolute `threshold` followed down to its local minimum, or the global minimum when no dip
 * goes that low (YIN step 4, as librosa.yin), refined by parabolic interpolation; f0 = sr / period.
 *
 * Voicing (librosa.yin has none; pyin uses an HMM): a frame is voiced when d' at the chosen period
 * is below `voicingThreshold` (its aperiodicity: 0 for a perfectly periodic frame, ~1 for noise)
 * and the window is not too quiet: above -60 dBFS and within 40 dB of the loudest frame (so hiss
 * between words is not called voiced). The voicing limit is looser than the period-picking
 * threshold because real voices (breathy, jittery, gliding within the 32 ms window) often bottom
 * out at d' 0.15-0.35; at 0.15 only about half of pyin's voiced speech frames pass, while
 * noise and unvoiced consonants stay well above 0.35.
 * The seed used librosa.piptrack and averaged every positive bin (mostly noise); V4 asks for the
 * mean F0 over voiced frames, which is what this gives.
 */
export const PITCH_PARAMS = {
  fMin: 60,
  fMax: 500,
  /** integration window: 32 ms at 16 kHz, about two periods of the lowest F0 */
  window: 512,
  hop: 256,
  threshold: 0.15,
  voicingThreshold: 0.35,
  absFloorDb: -60,
  relFloorDb: -40,
} as const;

export interface PitchTrack {
  /** f0 in Hz for voiced frames, 0 for unvoiced ones */
  f0: Float64Array;
  voiced: Uint8Array;
  /** d' at the chosen period (1 for frames below the loudness gate): the voicing evidence */
  aperiodicity: Float64Array;
  hop: number;
}

interface YinPlan {
  n: number;
  fft: FFT;
  z: Float64Array;
  Z: Float64Array;
  P: Float64Array;
  r: Float64Array;
  pa: Float64Array;
  pb: Float64Array;
  csA: Float64Array;
  csB: Float64Array;
  dn: Float64Array;
  /** segment / window lengths z was last filled for (its tail is never rewritten) */
  segLen: number;
  W: number;
}
const plans = new Map<number, YinPlan>();
function plan(segLen: number): YinPlan {
  let n = 2;
  while (n < segLen) n <<= 1;
  let p = plans.get(n);
  if (!p) {
    p = {
      n,
      fft: new FFT(n),
      z: new Float64Array(2 * n),
      Z: new Float64Array(2 * n),
      P: new Float64Array(2 * n),
      r: new Float64Array(2 * n),
      pa: new Float64Array(n + 2),
      pb: new Float64Array(n + 2),
      csA: new Float64Array(n + 1),
      csB: new Float64Array(n + 1),
      dn: new Float64Array(n),
      segLen: 0,
      W: 0,
    };
    plans.set(n, p);
  }
  return p;
}

export interface PitchOptions {
  fMin?: number;
  fMax?: number;
  window?: number;
  hop?: number;
  threshold?: number;
  voicingThreshold?: number;
}

export function yinPitch(pcm: Float32Array, sampleRate: number, opts: PitchOptions = {}): PitchTrack {
  const fMin = opts.fMin ?? PITCH_PARAMS.fMin;
  const fMax = opts.fMax ?? PITCH_PARAMS.fMax;
  const W = opts.window ?? PITCH_PARAMS.window;
  const hop = opts.hop ?? PITCH_PARAMS.hop;
  const threshold = opts.threshold ?? PITCH_PARAMS.threshold;
  const voicing = opts.voicingThreshold ?? PITCH_PARAMS.voicingThreshold;
  const n = pcm.length;
  const frames = centeredFrameCount(n, hop);
  const f0 = new Float64Array(frames);
  const voiced = new Uint8Array(frames);
  const aper = new Float64Array(frames).fill(1);
  const minP = Math.max(2, Math.floor(sampleRate / fMax));
  const maxP = Math.ceil(sampleRate / fMin);
  const maxLag = maxP + 1; // one more lag so the parabola around maxP has a right neighbour
  const segLen = W + maxLag;
  const p = plan(segLen);
  if (p.segLen !== segLen || p.W !== W) {
    // crossSpectrum only writes the first segLen / W slots: clear what other options left behind
    p.z.fill(0);
    p.segLen = segLen;
    p.W = W;
  }
  const half = W >> 1;

  // Loudness gate from window energies over the whole clip (global prefix sum of squares).
  const sq = new Float64Array(n + 1);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += pcm[i] * pcm[i];
    sq[i + 1] = acc;
  }
  const winRms = new Float64Array(frames);
  let maxRms = 0;
  for (let t = 0; t < frames; t++) {
    const a = Math.min(n, Math.max(0, t * hop - half));
    const b = Math.min(n, Math.max(0, t * hop - half + W));
    const e = Math.max(0, sq[b] - sq[a]);
    winRms[t] = Math.sqrt(e / W);
    if (winRms[t] > maxRms) maxRms = winRms[t];
  }
  const gate = Math.max(Math.pow(10, PITCH_PARAMS.absFloorDb / 20), maxRms * Math.pow(10, PITCH_PARAMS.relFloorDb / 20));

  // Frames that pass the gate are processed in pairs: each gets one forward FFT of the packed
  // pair (segment + i*window); the two cross-spectra P_a, P_b are Hermitian, so one inverse FFT of
  // P_a + i*P_b gives r_a + i*r_b: 1.5 complex FFTs per frame. The inverse is done as a forward
  // FFT of the conjugate (IFFT(P) = conj(FFT(conj P)) / N), scaling only the lags we read.
  const todo: number[] = [];
  for (let t = 0; t < frames; t++) if (winRms[t] >= gate && winRms[t] > 0) todo.push(t);
  const { n: N, fft, z, Z, P, r, pa, pb, csA, csB, dn } = p;
  const ctx: FrameCtx = { pcm, N, W, half, hop, segLen, fft, z, Z };
  const halfN = N >> 1;
  for (let i = 0; i < todo.length; i += 2) {
    const ta = todo[i];
    const tb = i + 1 < todo.length ? todo[i + 1] : -1;
    crossSpectrum(ctx, ta, csA, pa);
    if (tb >= 0) crossSpectrum(ctx, tb, csB, pb);
    else pb.fill(0);
    // Q = conj(P_a + i*P_b) over the full circle from the half spectra
    for (let k = 0; k <= halfN; k++) {
      const ar = pa[2 * k],
        ai = pa[2 * k + 1],
        br = pb[2 * k],
        bi = pb[2 * k + 1];
      P[2 * k] = ar - bi;
      P[2 * k + 1] = -(ai + br);
      if (k > 0 && k < halfN) {
        const j = N - k;
        P[2 * j] = ar + bi;
        P[2 * j + 1] = ai - br;
      }
    }
    fft.transform(r, P);
    pickPeriod(r, 0, 1 / N, csA, W, minP, maxP, threshold, voicing, sampleRate, dn, ta, f0, voiced, aper);
    if (tb >= 0) pickPeriod(r, 1, -1 / N, csB, W, minP, maxP, threshold, voicing, sampleRate, dn, tb, f0, voiced, aper);
  }
  return { f0, voiced, aperiodicity: aper, hop };
}

interface FrameCtx {
  pcm: Float32Array;
  N: number;
  W: number;
  half: number;
  hop: number;
  segLen: number;
  fft: FFT;
  z: Float64Array;
  Z: Float64Array;
}

/**
 * For frame t: prefix sums of squares of its segment into `cs`, and the half cross-spectrum
 * conj(FFT(window)) * FFT(segment), k = 0..N/2, interleaved into `out`. Segment and window are
 * transformed together as z = segment + i*window and separated by conjugate symmetry.
 */
function crossSpectrum(c: FrameCtx, t: number, cs: Float64Array, out: Float64Array): void {
  const { pcm, N, W, half, hop, segLen, fft, z, Z } = c;
  const n = pcm.length;
  const start = t * hop - half;
  // Only the first segLen real slots and first W imaginary slots are ever non-zero, so the rest of
  // z never needs clearing. Running sums are kept in a local (not read back from cs) for speed.
  let acc = 0;
  cs[0] = 0;
  for (let j = 0; j < segLen; j++) {
    const i = start + j;
    const v = i >= 0 && i < n ? pcm[i] : 0;
    z[2 * j] = v;
    if (j < W) z[2 * j + 1] = v;
    acc += v * v;
    cs[j + 1] = acc;
  }
  fft.transform(Z, z);
  for (let k = 0, h = N >> 1; k <= h; k++) {
    const nk = k === 0 ? 0 : N - k;
    const a = Z[2 * k],
      b = Z[2 * k + 1],
      cc = Z[2 * nk],
      d = Z[2 * nk + 1];
    // X = FFT(segment) = (Z[k] + conj Z[N-k]) / 2, conj(Wf) with Wf = (Z[k] - conj Z[N-k]) / 2i
    const xr = 0.5 * (a + cc),
      xi = 0.5 * (b - d);
    const wr = 0.5 * (b + d),
      wiNeg = 0.5 * (a - cc);
    out[2 * k] = wr * xr - wiNeg * xi;
    out[2 * k + 1] = wr * xi + wiNeg * xr;
  }
}

function pickPeriod(
  r: Float64Array,
  lane: 0 | 1,
  scale: number,
  cs: Float64Array,
  W: number,
  minP: number,
  maxP: number,
  threshold: number,
  voicing: number,
  sampleRate: number,
  dn: Float64Array,
  t: number,
  f0: Float64Array,
  voiced: Uint8Array,
  aper: Float64Array,
): void {
  const maxLag = maxP + 1;
  const e0 = cs[W];
  // cumulative mean normalised difference d'(tau), tau = 1..maxLag
  // A difference function at round-off level (a constant signal: d = 0 for every lag) carries no
  // periodicity evidence; d' would be 0/0 noise, so such lags get d' = 1 (unvoiced).
  const eps = 1e-10 * e0;
  dn[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= maxLag; tau++) {
    let d = e0 + (cs[tau + W] - cs[tau]) - 2 * scale * r[2 * tau + lane];
    if (d < 0) d = 0; // FFT round-off
    running += d;
    dn[tau] = running > eps * tau ? (d * tau) / running : 1;
  }
  let tau = -1;
  for (let k = minP; k <= maxP; k++) {
    if (dn[k] < threshold) {
      tau = k;
      while (tau < maxP && dn[tau + 1] < dn[tau]) tau++;
      break;
    }
  }
  if (tau < 0) {
    tau = minP;
    for (let k = minP + 1; k <= maxP; k++) if (dn[k] < dn[tau]) tau = k;
  }
  aper[t] = dn[tau];
  if (!(dn[tau] < voicing)) return;
  const x0 = dn[tau - 1],
    x1 = dn[tau],
    x2 = dn[tau + 1];
  const aa = x2 + x0 - 2 * x1;
  const bb = (x2 - x0) / 2;
  const shift = Math.abs(bb) >= Math.abs(aa) ? 0 : -bb / aa;
  const period = tau + shift;
  if (!(period > 0)) return;
  f0[t] = sampleRate / period;
  voiced[t] = 1;
}
