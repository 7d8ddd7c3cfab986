// Mel filterbanks (HTK and Slaney scales), their application to a power spectrogram, and power to dB.
import type { Spectrogram } from './stft';

/**
 * Triangular mel filterbanks, stored sparsely (each filter touches a few dozen FFT bins at most).
 * Two scales are needed: torchaudio's MFCC uses the HTK scale without area normalisation,
 * librosa's melspectrogram (used by onset strength) uses the Slaney scale with norm='slaney'.
 */
export interface MelFilterbank {
  nMels: number;
  bins: number;
  start: Int32Array; // first nonzero bin of filter m
  len: Int32Array; // number of bins of filter m
  offset: Int32Array; // into weights
  weights: Float64Array;
}

export type MelScale = 'htk' | 'slaney';

export function hzToMel(f: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fSp;
}

export function melToHz(m: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (Math.pow(10, m / 2595) - 1);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fSp * m;
}

function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  const step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = a + step * i;
  out[n - 1] = b;
  return out;
}

export interface MelOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  scale: MelScale;
  /** 'slaney': scale each triangle to unit area (2 / bandwidth), as librosa's default */
  norm: 'slaney' | null;
  /** Frequencies of the FFT bins. torchaudio uses linspace(0, sr // 2, bins); librosa k * sr / nFft.
   * They only differ for odd sample rates, but we mirror each library. */
  binFreqs: 'torchaudio' | 'librosa';
}

const cache = new Map<string, MelFilterbank>();

export function melFilterbank(o: MelOptions): MelFilterbank {
  const key = JSON.stringify(o);
  const hit = cache.get(key);
  if (hit) return hit;
  const bins = (o.nFft >> 1) + 1;
  const freqs =
    o.binFreqs === 'torchaudio'
      ? linspace(0, Math.floor(o.sampleRate / 2), bins)
      : Float64Array.from({ length: bins }, (_, k) => (k * o.sampleRate) / o.nFft);
  const mels = linspace(hzToMel(o.fMin, o.scale), hzToMel(o.fMax, o.scale), o.nMels + 2);
  const fPts = mels.map((m) => melToHz(m, o.scale));
  const start = new Int32Array(o.nMels);
  const len = new Int32Array(o.nMels);
  const offset = new Int32Array(o.nMels);
  // A filter whose edges increase (lo < mid < hi: every filter here) is nonzero only on bins strictly
  // between lo and hi; those are scanned from a cursor that moves forward with lo, instead of all
  // bins for every filter (128 x 1025 steps, run once per process before V8 has compiled this, took
  // 10-20 ms of the first clip). Other edges scan every bin, as before. Same formula per bin, so the
  // same weights (test/unit/audio-mel-filterbank.test.ts).
  const w: number[] = [];
  let lower = 0;
  let lowerFor = -Infinity;
  for (let m = 0; m < o.nMels; m++) {
    const lo = fPts[m],
      mid = fPts[m + 1],
      hi = fPts[m + 2];
    const enorm = o.norm === 'slaney' ? 2 / (hi - lo) : 1;
    let k0 = 0;
    let k1 = bins;
    if (lo < mid && mid < hi) {
      if (!(lo >= lowerFor)) lower = 0;
      lowerFor = lo;
      while (lower < bins && !(freqs[lower] > lo)) lower++;
      k0 = lower;
      k1 = k0;
      while (k1 < bins && freqs[k1] < hi) k1++;
    }
    let first = -1;
    let last = -1;
    for (let k = k0; k < k1; k++) {
      const down = (freqs[k] - lo) / (mid - lo);
      const up = (hi - freqs[k]) / (hi - mid);
      const v = Math.max(0, Math.min(down, up));
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    offset[m] = w.length;
    if (first >= 0) {
      start[m] = first;
      len[m] = last - first + 1;
      for (let k = first; k <= last; k++) {
        const down = (freqs[k] - lo) / (mid - lo);
        const up = (hi - freqs[k]) / (hi - mid);
        w.push(Math.max(0, Math.min(down, up)) * enorm);
      }
    }
    // an empty filter (possible with 128 HTK mels over 201 bins) keeps len 0: its energy is 0,
    // exactly as in torchaudio, and the dB floor takes care of it
  }
  const fb: MelFilterbank = { nMels: o.nMels, bins, start, len, offset, weights: Float64Array.from(w) };
  cache.set(key, fb);
  return fb;
}

/** mel[t * nMels + m] = sum_k W[m, k] * S[t, k], into `into` (length frames * nMels) when given. */
export function applyMel(spec: Spectrogram, fb: MelFilterbank, into?: Float64Array): Float64Array {
  if (spec.bins !== fb.bins) throw new Error(`mel filterbank expects ${fb.bins} bins, spectrogram has ${spec.bins}`);
  if (into && into.length !== spec.frames * fb.nMels) throw new RangeError(`mel output needs ${spec.frames * fb.nMels} values`);
  const out = into ?? new Float64Array(spec.frames * fb.nMels);
  const { data, bins } = spec;
  for (let t = 0; t < spec.frames; t++) applyMelFrame(data.subarray(t * bins, (t + 1) * bins), fb, out, t * fb.nMels);
  return out;
}

/** One frame: out[o + m] = sum_k W[m, k] * power[k] ({@link applyMel} frame by frame). */
export function applyMelFrame(power: Float64Array, fb: MelFilterbank, out: Float64Array, o: number): void {
  const { start, len, offset, weights, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    let acc = 0;
    const s = start[m];
    const wo = offset[m];
    for (let j = 0, n = len[m]; j < n; j++) acc += weights[wo + j] * power[s + j];
    out[o + m] = acc;
  }
}

/**
 * {@link applyMelFrame} for two frames (b may be null): out[oa + m] from a, out[ob + m] from b. The
 * same sums in the same order per frame; the two chains of dependent adds run side by side.
 */
export function applyMelFrames(
  a: Float64Array,
  b: Float64Array | null,
  fb: MelFilterbank,
  out: Float64Array,
  oa: number,
  ob: number,
): void {
  if (!b) {
    applyMelFrame(a, fb, out, oa);
    return;
  }
  const { start, len, offset, weights, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    let accA = 0;
    let accB = 0;
    const s = start[m];
    const wo = offset[m];
    for (let j = 0, n = len[m]; j < n; j++) {
      const w = weights[wo + j];
      accA += w * a[s + j];
      accB += w * b[s + j];
    }
    out[oa + m] = accA;
    out[ob + m] = accB;
  }
}

/**
 * 10*log10(max(amin, x)) with ref 1, then clipped to (global max - topDb): torchaudio
 * AmplitudeToDB('power', top_db) and librosa power_to_db(ref=1.0, amin=1e-10, top_db) agree on
 * this definition (both take the max over the whole spectrogram of a mono clip). In place.
 */
export function powerToDb(x: Float64Array, topDb: number | null, amin = 1e-10): Float64Array {
  // 10 log10(v) as ln(v) * 10 / ln 10: Math.log costs about half of Math.log10 in V8 (same value
  // to an ulp or two); lnInPlace is Math.log without the call
  const k = 10 / Math.LN10;
  const max = LITTLE_ENDIAN ? lnInPlace(x, amin, k) : mathLnInPlace(x, amin, k);
  if (topDb !== null) clampBelow(x, max - topDb);
  return x;
}

function mathLnInPlace(x: Float64Array, amin: number, k: number): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = Math.log(x[i] > amin ? x[i] : amin) * k;
    x[i] = v;
    if (v > max) max = v;
  }
  return max;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// fdlibm's e_log.c (V8's Math.log is ieee754::log, the same code): ln 2 split so that k * LN2_HI is
// exact, and the minimax coefficients of its log1p kernel
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
/** 2^-k for k = -1100..1099 at index k + 1100 (exact powers of two) */
const pow2Neg = new Float64Array(2200);
for (let i = 0; i < 2200; i++) pow2Neg[i] = Math.pow(2, 1100 - i);

/**
 * x[i] = k * ln(max(x[i], amin)) in place, returning the largest result: Math.log's own algorithm
 * (fdlibm __ieee754_log, which V8 runs as C++ behind a call) written out in the loop, the exponent
 * read from the stored double's high word and the mantissa scaled by an exact power of two instead of
 * rewriting its bits. The same value as Math.log to the bit (test/unit/audio-power-to-db.test.ts).
 * Subnormal and infinite values go to Math.log. Needs a little-endian host.
 *
 * The log is in the loop body itself, not a function of its own: where V8 did not inline that
 * function (in the CLI, lnInPlace compiled inside mfcc and onsetFromMel), every value came back
 * from a call as a boxed double, ~1 MB of garbage per 3.6 s clip (51,000 values) and a call each.
 */
function lnInPlace(x: Float64Array, amin: number, scale: number): number {
  const hiWords = new Int32Array(x.buffer, x.byteOffset, x.length * 2);
  const floor = Math.log(amin) * scale;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    let v: number;
    if (!(xi > amin)) v = floor;
    else {
      const hi = hiWords[2 * i + 1];
      if (hi < 0x00100000 || hi >= 0x7ff00000) v = Math.log(xi) * scale;
      else {
        // fdlibm __ieee754_log for a positive normal finite xi with high word hi, operation for operation
        let k = (hi >> 20) - 1023;
        const hx = hi & 0x000fffff;
        const i0 = (hx + 0x95f64) & 0x100000;
        // fdlibm sets x's exponent to 0 or -1 (x or x/2 in [sqrt(2)/2, sqrt(2))); scaling is exact
        k += i0 >> 20;
        const f = xi * pow2Neg[k + 1100] - 1.0;
        const dk = k;
        let ln: number;
        if ((0x000fffff & (2 + hx)) < 3) {
          // |f| < 2^-20
          if (f === 0) ln = k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
          else {
            const R = f * f * (0.5 - 0.3333333333333333 * f);
            ln = k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
          }
        } else {
          const s = f / (2.0 + f);
          const z = s * s;
          const w = z * z;
          const t1 = w * (LG2 + w * (LG4 + w * LG6));
          const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
          const R = t2 + t1;
          if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
            const hfsq = 0.5 * f * f;
            ln = k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
          } else ln = k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
        }
        v = ln * scale;
      }
    }
    x[i] = v;
    if (v > max) max = v;
  }
  return max;
}

// A function of its own, as each long loop here: V8 compiles a long loop on a function's first call
// (on-stack replacement), before the loops after it have run, and re-entering that code on every
// call then bails out at the first of them.
function clampBelow(x: Float64Array, floor: number): void {
  for (let i = 0; i < x.length; i++) if (x[i] < floor) x[i] = floor;
}
