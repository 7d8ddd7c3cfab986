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
  const w: number[] = [];
  for (let m = 0; m < o.nMels; m++) {
    const lo = fPts[m],
      mid = fPts[m + 1],
      hi = fPts[m + 2];
    const enorm = o.norm === 'slaney' ? 2 / (hi - lo) : 1;
    let first = -1;
    let last = -1;
    const row: number[] = [];
    for (let k = 0; k < bins; k++) {
      const down = (freqs[k] - lo) / (mid - lo);
      const up = (hi - freqs[k]) / (hi - mid);
      const v = Math.max(0, Math.min(down, up));
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
      row.push(v * enorm);
    }
    offset[m] = w.length;
    if (first >= 0) {
      start[m] = first;
      len[m] = last - first + 1;
      for (let k = first; k <= last; k++) w.push(row[k]);
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
  const { start, len, offset, weights, nMels } = fb;
  for (let t = 0; t < spec.frames; t++) {
    const so = t * bins;
    const oo = t * nMels;
    for (let m = 0; m < nMels; m++) {
      let acc = 0;
      const s = so + start[m];
      const wo = offset[m];
      for (let j = 0, n = len[m]; j < n; j++) acc += weights[wo + j] * data[s + j];
      out[oo + m] = acc;
    }
  }
  return out;
}

/** One frame: out[o + m] = sum_k W[m, k] * power[k] (the same sums as {@link applyMel}). */
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
  // to an ulp or two), and lnInPlace about half of Math.log again
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
const LN_BITS = 7;
const LN_TABLE = 1 << LN_BITS;
/** ln(c_j) and 1/c_j at the centres c_j = 1 + (j + 0.5) / 128 of the mantissa intervals */
const lnCentre = new Float64Array(LN_TABLE);
const invCentre = new Float64Array(LN_TABLE);
for (let j = 0; j < LN_TABLE; j++) {
  const c = 1 + (j + 0.5) / LN_TABLE;
  lnCentre[j] = Math.log(c);
  invCentre[j] = 1 / c;
}
/** 2^-e for the biased exponent e + 1023 (exact powers of two) */
const pow2Neg = new Float64Array(2047);
for (let b = 1; b < 2047; b++) pow2Neg[b] = Math.pow(2, 1023 - b);
const LN2_HI = 6.9314718036912381649e-1; // ln 2 split so that e * LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10;

/**
 * x[i] = k * ln(max(x[i], amin)) in place, returning the largest result. ln(x) = e ln 2 + ln(c_j) +
 * ln(1 + r) with x = m 2^e, c_j the table centre nearest the mantissa m (its top 7 bits, read from
 * the stored double) and r = m / c_j - 1, |r| < 1/256, whose log1p series to r^6 is exact to 1e-18:
 * within 4.4e-16 absolute of Math.log (measured over 1e-17..1e17), at half its cost. Values at or
 * below amin (silence) get exactly k * Math.log(amin), as before. Needs a little-endian host.
 */
function lnInPlace(x: Float64Array, amin: number, k: number): number {
  const hiWords = new Int32Array(x.buffer, x.byteOffset, x.length * 2);
  const floor = Math.log(amin) * k;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    let v: number;
    if (!(xi > amin)) v = floor;
    else {
      const hi = hiWords[2 * i + 1];
      const b = (hi >>> 20) & 0x7ff; // biased exponent (x > amin > 0: sign bit clear)
      if (b === 0 || b === 0x7ff)
        v = Math.log(xi) * k; // subnormal, infinite
      else {
        const j = (hi >>> (20 - LN_BITS)) & (LN_TABLE - 1);
        const r = xi * pow2Neg[b] * invCentre[j] - 1;
        const p = r * (1 + r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * (0.2 + r * (-1 / 6))))));
        const e = b - 1023;
        v = (e * LN2_HI + (lnCentre[j] + (p + e * LN2_LO))) * k;
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
