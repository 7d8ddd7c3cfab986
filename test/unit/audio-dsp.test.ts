// Building blocks of the audio features: FFTs, windows, framing, mel filterbanks, DCT.
import { describe, expect, it } from 'vitest';
import { MixedRadixFFT } from '../../src/main/core/features/audio/fft-mixed';
import { applyMel, hzToMel, melFilterbank, melToHz, powerToDb } from '../../src/main/core/features/audio/mel';
import { dctOrtho } from '../../src/main/core/features/audio/mfcc';
import { stft } from '../../src/main/core/features/audio/stft';
import { centeredFrameCount, hannPeriodic, readFrame } from '../../src/main/core/features/audio/window';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      // reduce the angle exactly in integers first so the reference itself is accurate
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    or[k] = sr;
    oi[k] = si;
  }
  return [or, oi];
}

describe('audio DSP building blocks', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 12, 25, 30, 49, 100, 400, 2048])('mixed-radix FFT of size %d equals the DFT', (n) => {
    const re = new Float64Array(n).map((_, i) => Math.sin(i * 1.3) + 0.01 * i);
    const im = new Float64Array(n).map((_, i) => Math.cos(i * 0.7));
    const [er, ei] = naiveDft(re, im);
    const f = new MixedRadixFFT(n);
    f.forward(re, im);
    let scale = 1;
    for (let k = 0; k < n; k++) scale = Math.max(scale, Math.abs(er[k]), Math.abs(ei[k]));
    for (let k = 0; k < n; k++) {
      expect(Math.abs(re[k] - er[k]) / scale).toBeLessThan(1e-12);
      expect(Math.abs(im[k] - ei[k]) / scale).toBeLessThan(1e-12);
    }
  });

  it('periodic Hann window', () => {
    const w = hannPeriodic(400);
    expect(w[0]).toBe(0);
    expect(w[200]).toBeCloseTo(1, 15);
    expect(w[100]).toBeCloseTo(0.5, 15);
    expect(w[399]).toBeCloseTo(w[1], 15); // periodic: symmetric about n/2, not (n-1)/2
  });

  it('centered framing and pad modes', () => {
    expect(centeredFrameCount(57600, 200)).toBe(289);
    expect(centeredFrameCount(57600, 512)).toBe(113);
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    const out = new Float64Array(9);
    readFrame(x, -2, out, 'constant');
    expect(Array.from(out)).toEqual([0, 0, 1, 2, 3, 4, 5, 0, 0]);
    readFrame(x, -2, out, 'reflect');
    expect(Array.from(out)).toEqual([3, 2, 1, 2, 3, 4, 5, 4, 3]);
    readFrame(x, -2, out, 'edge');
    expect(Array.from(out)).toEqual([1, 1, 1, 2, 3, 4, 5, 5, 5]);
  });

  it('STFT through the packed two-frame path equals the power-of-two path on the same frames', () => {
    // n_fft 400 (mixed radix, two real frames per complex FFT) vs a direct DFT of each frame
    const x = new Float32Array(3000).map((_, i) => Math.sin(i * 0.05) * Math.cos(i * 0.011));
    const spec = stft(x, { nFft: 400, hop: 200, pad: 'reflect', power: 2 });
    expect(spec.frames).toBe(16);
    expect(spec.bins).toBe(201);
    const w = hannPeriodic(400);
    const frame = new Float64Array(400);
    for (const t of [0, 7, 15]) {
      readFrame(x, t * 200 - 200, frame, 'reflect');
      const [er, ei] = naiveDft(
        frame.map((v, i) => v * w[i]),
        new Float64Array(400),
      );
      for (const k of [0, 1, 5, 50, 199, 200]) {
        const p = er[k] * er[k] + ei[k] * ei[k];
        expect(Math.abs(spec.data[t * 201 + k] - p)).toBeLessThan(1e-9 * Math.max(1, p));
      }
    }
  });

  it('mel scales round-trip', () => {
    for (const f of [0, 100, 999, 1000, 1001, 4000, 8000]) {
      expect(melToHz(hzToMel(f, 'htk'), 'htk')).toBeCloseTo(f, 8);
      expect(melToHz(hzToMel(f, 'slaney'), 'slaney')).toBeCloseTo(f, 8);
    }
    expect(hzToMel(1000, 'slaney')).toBeCloseTo(15, 12);
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 10);
  });

  it('mel filterbanks: triangles peak at 1, Slaney ones have unit area', () => {
    const htk = melFilterbank({
      sampleRate: 16000,
      nFft: 400,
      nMels: 128,
      fMin: 0,
      fMax: 8000,
      scale: 'htk',
      norm: null,
      binFreqs: 'torchaudio',
    });
    expect(htk.nMels).toBe(128);
    let empty = 0;
    for (let m = 0; m < 128; m++) {
      if (htk.len[m] === 0) empty++;
      for (let j = 0; j < htk.len[m]; j++) expect(htk.weights[htk.offset[m] + j]).toBeLessThanOrEqual(1 + 1e-12);
    }
    // 128 HTK bands over 201 bins: torchaudio warns that some low bands are empty, and so are ours
    expect(empty).toBeGreaterThan(0);
    const sl = melFilterbank({
      sampleRate: 16000,
      nFft: 2048,
      nMels: 128,
      fMin: 0,
      fMax: 8000,
      scale: 'slaney',
      norm: 'slaney',
      binFreqs: 'librosa',
    });
    const df = 16000 / 2048;
    for (const m of [10, 60, 120]) {
      let area = 0;
      for (let j = 0; j < sl.len[m]; j++) area += sl.weights[sl.offset[m] + j] * df;
      // a sampled unit-area triangle: close to 1 where it spans many bins
      expect(area).toBeGreaterThan(0.9);
      expect(area).toBeLessThan(1.1);
    }
    const spec = { frames: 1, bins: 1025, nFft: 2048, hop: 512, data: new Float64Array(1025).fill(1) };
    expect(applyMel(spec, sl).every((v) => v > 0)).toBe(true);
  });

  it('power to dB with a top_db floor over the whole array', () => {
    const x = Float64Array.from([1, 1e-3, 1e-9, 0]);
    powerToDb(x, 80);
    // ln(x) * 10 / ln 10 rather than 10 log10(x): equal to an ulp or two, not bit for bit
    [0, -30, -80, -80].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
    const y = Float64Array.from([0, 0]);
    powerToDb(y, 80);
    y.forEach((v) => expect(v).toBeCloseTo(-100, 12));
    expect(y[0]).toBe(y[1]);
  });

  it('orthonormal DCT-II rows', () => {
    const d = dctOrtho(25, 128);
    for (let a = 0; a < 25; a++) {
      for (let b = 0; b < 25; b++) {
        let dot = 0;
        for (let m = 0; m < 128; m++) dot += d[a * 128 + m] * d[b * 128 + m];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });
});
