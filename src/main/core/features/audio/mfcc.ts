// MFCC exactly as torchaudio.transforms.MFCC with its defaults (the seed's V3 feature).
import { applyMelFrames, melFilterbank, powerToDb } from './mel';
import { scratchF64 } from './scratch';
import { powerFrames } from './stft';
import { centeredFrameCount } from './window';

/**
 * torchaudio.transforms.MFCC(sample_rate, n_mfcc=25) with its default melkwargs, i.e.
 * MelSpectrogram(n_fft=400, win_length=400, hop_length=200, periodic hann, power=2, center=True,
 * pad_mode='reflect', n_mels=128, f_min=0, f_max=sr//2, mel_scale='htk', norm=None),
 * AmplitudeToDB('power', top_db=80) over the whole clip, then DCT-II with norm='ortho' keeping
 * the first n_mfcc coefficients. This is the seed's V3 definition, reproduced exactly.
 */
export const MFCC_PARAMS = {
  nMfcc: 25,
  nFft: 400,
  hop: 200,
  nMels: 128,
  topDb: 80,
} as const;

export interface MfccResult {
  frames: number;
  nMfcc: number;
  /** data[t * nMfcc + c] */
  data: Float64Array;
}

const dctCache = new Map<string, Float64Array>();

/** torchaudio.functional.create_dct(n_mfcc, n_mels, 'ortho'), stored [c * nMels + m]. */
export function dctOrtho(nMfcc: number, nMels: number): Float64Array {
  const key = `${nMfcc}x${nMels}`;
  let d = dctCache.get(key);
  if (!d) {
    d = new Float64Array(nMfcc * nMels);
    for (let c = 0; c < nMfcc; c++) {
      const scale = Math.sqrt(2 / nMels) * (c === 0 ? Math.SQRT1_2 : 1);
      for (let m = 0; m < nMels; m++) d[c * nMels + m] = scale * Math.cos((Math.PI / nMels) * (m + 0.5) * c);
    }
    dctCache.set(key, d);
  }
  return d;
}

export function mfcc(pcm: Float32Array, sampleRate: number, nMfcc: number = MFCC_PARAMS.nMfcc): MfccResult {
  const { nFft, hop, nMels, topDb } = MFCC_PARAMS;
  const fb = melFilterbank({
    sampleRate,
    nFft,
    nMels,
    fMin: 0,
    fMax: Math.floor(sampleRate / 2),
    scale: 'htk',
    norm: null,
    binFreqs: 'torchaudio',
  });
  // mel bands straight from each frame's power spectrum (no spectrogram kept); a reused buffer
  const frames = centeredFrameCount(pcm.length, hop);
  const mel = scratchF64('mfcc.mel', frames * nMels);
  powerFrames(pcm, nFft, hop, 'reflect', (t, a, b) => applyMelFrames(a, b, fb, mel, t * nMels, (t + 1) * nMels));
  const melDb = powerToDb(mel, topDb);
  const dct = dctOrtho(nMfcc, nMels);
  const data = new Float64Array(frames * nMfcc);
  // DCT-II symmetry: cos(pi/M (M-1-m+0.5) c) = (-1)^c cos(pi/M (m+0.5) c), so even coefficients
  // need only x[m] + x[M-1-m] and odd ones x[m] - x[M-1-m]: half the multiply-adds.
  const halfM = nMels >> 1;
  const odd = nMels & 1;
  // two frames at a time: each DCT row is read once for both (the sums per frame are unchanged)
  const sumA = new Float64Array(halfM + odd);
  const difA = new Float64Array(halfM);
  const sumB = new Float64Array(halfM + odd);
  const difB = new Float64Array(halfM);
  const fold = (mo: number, sum: Float64Array, dif: Float64Array) => {
    for (let m = 0; m < halfM; m++) {
      const a = melDb[mo + m];
      const b = melDb[mo + nMels - 1 - m];
      sum[m] = a + b;
      dif[m] = a - b;
    }
    if (odd) sum[halfM] = melDb[mo + halfM]; // middle band (its cosine is 0 for odd c)
  };
  for (let t = 0; t < frames; t += 2) {
    const hasB = t + 1 < frames;
    fold(t * nMels, sumA, difA);
    if (hasB) fold((t + 1) * nMels, sumB, difB);
    const outA = t * nMfcc;
    const outB = outA + nMfcc;
    for (let c = 0; c < nMfcc; c++) {
      const dO = c * nMels;
      const even = c % 2 === 0;
      const va = even ? sumA : difA;
      const vb = even ? sumB : difB;
      const len = even ? halfM + odd : halfM;
      // four independent partial sums per frame: the adds do not wait on each other
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        b0 = 0,
        b1 = 0,
        b2 = 0,
        b3 = 0;
      let m = 0;
      for (; m + 3 < len; m += 4) {
        const d0 = dct[dO + m],
          d1 = dct[dO + m + 1],
          d2 = dct[dO + m + 2],
          d3 = dct[dO + m + 3];
        a0 += d0 * va[m];
        a1 += d1 * va[m + 1];
        a2 += d2 * va[m + 2];
        a3 += d3 * va[m + 3];
        b0 += d0 * vb[m];
        b1 += d1 * vb[m + 1];
        b2 += d2 * vb[m + 2];
        b3 += d3 * vb[m + 3];
      }
      for (; m < len; m++) {
        a0 += dct[dO + m] * va[m];
        b0 += dct[dO + m] * vb[m];
      }
      data[outA + c] = a0 + a1 + (a2 + a3);
      if (hasB) data[outB + c] = b0 + b1 + (b2 + b3);
    }
  }
  return { frames, nMfcc, data };
}
