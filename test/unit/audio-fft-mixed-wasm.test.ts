// The WebAssembly mixed-radix FFT (fft-mixed-wasm.ts) against fft-mixed.ts bit for bit at MFCC's 400
// points and other radix-4/5 sizes; its fallbacks; and the audio summary with each kernel switched off.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MixedRadixFFT } from '../../src/main/core/features/audio/fft-mixed';
import { mixedFFT, mixedWasmKernel, SplitMixedFFT, WasmMixedFFT } from '../../src/main/core/features/audio/fft-mixed-wasm';
import { bitDiffs, fftInput } from '../helpers/fft-bits';
import { lcg } from '../helpers/lcg';

/** fft-mixed.ts's forward transform of interleaved data, interleaved */
function reference(n: number, d: Float64Array): Float64Array {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = d[2 * i];
    im[i] = d[2 * i + 1];
  }
  new MixedRadixFFT(n).forward(re, im);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = re[i];
    out[2 * i + 1] = im[i];
  }
  return out;
}

afterEach(() => {
  mixedWasmKernel.enabled = true;
});

describe('WebAssembly mixed-radix FFT', () => {
  it('gives fft-mixed.ts forward transform bit for bit, radix 4 and 5 stages in any order, input untouched', () => {
    // 400 = 4*4*5*5 (MFCC's n_fft); 5, 25: radix 5 only; 16: radix 4 only; 2000 = 4*4*5*5*5
    for (const n of [5, 16, 20, 25, 100, 400, 2000]) {
      const fft = mixedFFT(n);
      expect(fft).toBeInstanceOf(WasmMixedFFT);
      for (let seed = 1; seed <= 6; seed++) {
        const d = fftInput(n, 7000 * n + seed);
        const before = d.slice();
        const got = new Float64Array(2 * n);
        fft.transform(got, d);
        expect({ n, seed, diffs: bitDiffs(got, reference(n, d)) }).toEqual({ n, seed, diffs: [] });
        expect(bitDiffs(d, before)).toEqual([]);
        // through its own arrays, twice (no state kept between transforms)
        for (let k = 0; k < 2; k++) {
          fft.input!.set(d);
          fft.transform(fft.output!, fft.input!);
          expect(bitDiffs(fft.output!, got)).toEqual([]);
        }
      }
    }
  });

  it('falls back to fft-mixed.ts for other radices and when switched off, with the same bits', () => {
    for (const [n, off] of [
      [300, false], // 4*3*5*5: radix 3
      [400, true],
      [1, false], // no stage
    ] as const) {
      mixedWasmKernel.enabled = !off;
      const fft = mixedFFT(n);
      expect(fft).toBeInstanceOf(SplitMixedFFT);
      expect(fft.input).toBeUndefined();
      const d = fftInput(n, n);
      const got = new Float64Array(2 * n);
      fft.transform(got, d);
      expect(bitDiffs(got, reference(n, d))).toEqual([]);
    }
  });

  it('leaves every audio summary value the same bits with either kernel or both switched off', async () => {
    const u = lcg(7);
    const sr = 16000;
    const pcm = new Float32Array(Math.round(1.9 * sr));
    for (let i = 0; i < pcm.length; i++) {
      const t = i / sr;
      pcm[i] = (t % 0.5 < 0.3 ? 0.5 : 0.02) * Math.sin(2 * Math.PI * (180 - 40 * t) * t) + 0.05 * (u() - 0.5);
    }
    const summaryWith = async (pow2: boolean, mixed: boolean) => {
      vi.resetModules();
      const a = await import('../../src/main/core/features/audio/fft-wasm');
      const b = await import('../../src/main/core/features/audio/fft-mixed-wasm');
      a.fftWasmKernel.enabled = pow2;
      b.mixedWasmKernel.enabled = mixed;
      expect(b.mixedFFT(400) instanceof b.WasmMixedFFT).toBe(mixed);
      const audio = await import('../../src/main/core/features/audio');
      const s = audio.computeAudioSummary(pcm, sr);
      return Float64Array.from(Object.values(s).flatMap((v) => (Array.isArray(v) ? v : [v ?? NaN])));
    };
    const both = await summaryWith(true, true);
    expect(both.length).toBe(62);
    expect(bitDiffs(await summaryWith(true, false), both)).toEqual([]);
    expect(bitDiffs(await summaryWith(false, true), both)).toEqual([]);
    expect(bitDiffs(await summaryWith(false, false), both)).toEqual([]);
  });
});
