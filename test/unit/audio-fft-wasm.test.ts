// The WebAssembly SIMD FFT (fft-wasm.ts) against fft.js bit for bit, forward and inverse, at the sizes
// the audio features use and a few more; and the fallback to fft.js, alone and under the whole summary.
import FFT from 'fft.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { complexFFT, fftWasmKernel, WasmFFT } from '../../src/main/core/features/audio/fft-wasm';
import { bitDiffs, fftInput as input } from '../helpers/fft-bits';
import { lcg } from '../helpers/lcg';

// stft.ts 2048 (librosa n_fft), tempo.ts 512 (8 s ACF), yin-correlation.ts 512; the others cover both
// initial steps (radix 2 for odd log2 size, radix 4 for even) and the smallest sizes
const SIZES = [4, 8, 16, 32, 64, 256, 512, 1024, 2048, 4096];

afterEach(() => {
  fftWasmKernel.enabled = true;
});

describe('WebAssembly FFT', () => {
  it('is the kernel where WebAssembly SIMD is available (Node 20)', () => {
    expect(complexFFT(512)).toBeInstanceOf(WasmFFT);
    expect(complexFFT(2048)).toBeInstanceOf(WasmFFT);
  });

  it('gives fft.js transform and inverseTransform bit for bit on random inputs', () => {
    for (const n of SIZES) {
      const ref = new FFT(n);
      const fft = complexFFT(n);
      expect(fft).toBeInstanceOf(WasmFFT);
      for (let seed = 1; seed <= 6; seed++) {
        const d = input(n, 1000 * n + seed);
        const before = d.slice();
        for (const inverse of [false, true]) {
          const want = new Float64Array(2 * n);
          const got = new Float64Array(2 * n);
          if (inverse) {
            ref.inverseTransform(want, d);
            fft.inverseTransform(got, d);
          } else {
            ref.transform(want, d);
            fft.transform(got, d);
          }
          expect({ n, seed, inverse, diffs: bitDiffs(got, want) }).toEqual({ n, seed, inverse, diffs: [] });
          expect(bitDiffs(d, before)).toEqual([]); // input untouched
        }
      }
    }
  });

  it('gives the same bits through its own input and output arrays (no copies), and keeps no state', () => {
    for (const n of [512, 2048]) {
      const ref = new FFT(n);
      const fft = complexFFT(n) as WasmFFT;
      for (let seed = 1; seed <= 3; seed++) {
        const d = input(n, seed);
        const want = new Float64Array(2 * n);
        ref.transform(want, d);
        fft.input.set(d);
        fft.transform(fft.output, fft.input);
        expect(bitDiffs(fft.output, want)).toEqual([]);
      }
      expect(() => fft.transform(fft.input, fft.input)).toThrow(/different/);
    }
  });

  it('falls back to fft.js itself when switched off', () => {
    fftWasmKernel.enabled = false;
    const fft = complexFFT(512);
    expect(fft).toBeInstanceOf(FFT);
    expect(fft.input).toBeUndefined();
    const d = input(512, 7);
    const got = new Float64Array(1024);
    const want = new Float64Array(1024);
    fft.transform(got, d);
    new FFT(512).transform(want, d);
    expect(bitDiffs(got, want)).toEqual([]);
  });

  it('leaves every audio summary value the same bits with the fallback (fresh plans each way)', async () => {
    const u = lcg(42);
    const sr = 16000;
    const pcm = new Float32Array(Math.round(2.3 * sr));
    for (let i = 0; i < pcm.length; i++) {
      const t = i / sr;
      const burst = Math.floor(t * 4) % 2 === 0 ? 1 : 0.05;
      pcm[i] = burst * (0.4 * Math.sin(2 * Math.PI * (140 + 60 * t) * t) + 0.1 * (u() - 0.5));
    }
    const summaryWith = async (kernel: boolean) => {
      vi.resetModules();
      const w = await import('../../src/main/core/features/audio/fft-wasm');
      w.fftWasmKernel.enabled = kernel;
      const audio = await import('../../src/main/core/features/audio');
      expect(w.complexFFT(2048) instanceof w.WasmFFT).toBe(kernel);
      const s = audio.computeAudioSummary(pcm, sr);
      // every float64 of the summary, then the stored vector
      const all = Object.values(s).flatMap((v) => (Array.isArray(v) ? v : [v ?? NaN]));
      return { s, all: Float64Array.from(all), v: Float64Array.from(audio.audioFeatureVector(s)) };
    };
    const on = await summaryWith(true);
    const off = await summaryWith(false);
    expect(on.all.length).toBe(12 + 50);
    expect(bitDiffs(on.all, off.all)).toEqual([]);
    expect(bitDiffs(on.v, off.v)).toEqual([]);
    expect(on.s.pitch_hz).not.toBeNull(); // the YIN path ran on voiced frames
    expect(on.s.tempo_bpm).toBeGreaterThan(0); // and the tempo path on onsets
  });
});
