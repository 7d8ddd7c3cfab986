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
 * 10*log10(max(amin, x)) with ref 1, then clipped to (global max - topDb): torchaudio
 * AmplitudeToDB('power', top_db) and librosa power_to_db(ref=1.0, amin=1e-10, top_db) agree on
 * this definition (both take the max over the whole spectrogram of a mono clip). In place.
 */
export function powerToDb(x: Float64Array, topDb: number | null, amin = 1e-10): Float64Array {
  let max = -Infinity;
  // 10 log10(v) as ln(v) * 10 / ln 10: Math.log costs about half of Math.log10 in V8 (same value
  // to an ulp or two)
  const k = 10 / Math.LN10;
  for (let i = 0; i < x.length; i++) {
    const v = Math.log(x[i] > amin ? x[i] : amin) * k;
    x[i] = v;
    if (v > max) max = v;
  }
  if (topDb !== null) clampBelow(x, max - topDb);
  return x;
}

// A function of its own, as each long loop here: V8 compiles a long loop on a function's first call
// (on-stack replacement), before the loops after it have run, and re-entering that code on every
// call then bails out at the first of them.
function clampBelow(x: Float64Array, floor: number): void {
  for (let i = 0; i < x.length; i++) if (x[i] < floor) x[i] = floor;
}
