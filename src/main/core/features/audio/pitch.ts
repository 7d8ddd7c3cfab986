// Fundamental frequency by YIN with a voicing decision, FFT-accelerated.
import { scratchF64 } from './scratch';
import { centeredFrameCount } from './window';
import { chooseChunks, windowedAutocorrelation } from './yin-correlation';

/**
 * YIN fundamental frequency (de Cheveigne & Kawahara 2002) with a voicing decision.
 *
 * Per frame (centered on t*hop): the difference function
 *   d(tau) = sum_{j<W} (x[j] - x[j+tau])^2 = e(0) + e(tau) - 2 r(tau)
 * over a fixed integration window of W samples, where r is the windowed autocorrelation (from FFTs
 * of chunks shared by overlapping frames, yin-correlation.ts: O(N log N) per frame instead of
 * O(W * maxLag)) and e(tau) the window energy at lag tau (prefix sums). Then the cumulative-mean-normalised d'(tau); the period is the first dip below the
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
  const half = W >> 1;

  const todo = loudFrames(pcm, frames, hop, W);
  const cs = new Float64Array(segLen + 1);
  const dn = new Float64Array(maxLag + 1);
  const start = (t: number) => t * hop - half;
  windowedAutocorrelation(pcm, todo, start, W, maxLag, chooseChunks(W, hop, maxLag), (t, r) => {
    segmentEnergy(pcm, start(t), segLen, cs);
    pickPeriod(r, cs, W, minP, maxP, threshold, voicing, sampleRate, dn, t, f0, voiced, aper);
  });
  return { f0, voiced, aperiodicity: aper, hop };
}

/**
 * The frames whose window is loud enough to analyse: RMS above -60 dBFS and within 40 dB of the
 * loudest window (window energies from a prefix sum of squares over the whole clip). Out of
 * yinPitch, with the long loop in a function of its own: V8 compiles a long loop on a function's
 * first call (on-stack replacement) before the code after it has run, and that code, re-entered on
 * every call, bailed out at the next line every time.
 */
function loudFrames(pcm: Float32Array, frames: number, hop: number, W: number): number[] {
  const n = pcm.length;
  const half = W >> 1;
  const sq = scratchF64('yin.sq', n + 1);
  prefixSquares(pcm, sq);
  const winRms = scratchF64('yin.winRms', frames);
  let maxRms = 0;
  for (let t = 0; t < frames; t++) {
    const a = Math.min(n, Math.max(0, t * hop - half));
    const b = Math.min(n, Math.max(0, t * hop - half + W));
    const e = Math.max(0, sq[b] - sq[a]);
    winRms[t] = Math.sqrt(e / W);
    if (winRms[t] > maxRms) maxRms = winRms[t];
  }
  const gate = Math.max(Math.pow(10, PITCH_PARAMS.absFloorDb / 20), maxRms * Math.pow(10, PITCH_PARAMS.relFloorDb / 20));
  const todo: number[] = [];
  for (let t = 0; t < frames; t++) if (winRms[t] >= gate && winRms[t] > 0) todo.push(t);
  return todo;
}

/** sq[i] = sum of pcm[j]^2 for j < i (sq has pcm.length + 1 values). */
function prefixSquares(pcm: Float32Array, sq: Float64Array): void {
  sq[0] = 0;
  let acc = 0;
  for (let i = 0; i < pcm.length; i++) {
    acc += pcm[i] * pcm[i];
    sq[i + 1] = acc;
  }
}

/** Prefix sums of squares of the segment x[start, start + segLen) (0 outside the clip) into cs. */
function segmentEnergy(pcm: Float32Array, start: number, segLen: number, cs: Float64Array): void {
  const n = pcm.length;
  let acc = 0;
  cs[0] = 0;
  if (start >= 0 && start + segLen <= n) {
    for (let j = 0; j < segLen; j++) {
      const v = pcm[start + j];
      acc += v * v;
      cs[j + 1] = acc;
    }
    return;
  }
  for (let j = 0; j < segLen; j++) {
    const i = start + j;
    const v = i >= 0 && i < n ? pcm[i] : 0;
    acc += v * v;
    cs[j + 1] = acc;
  }
}

function pickPeriod(
  r: Float64Array,
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
    let d = e0 + (cs[tau + W] - cs[tau]) - 2 * r[tau];
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
