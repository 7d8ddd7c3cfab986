// powerFrames with its pack and power loops in WebAssembly (stft-wasm.ts) against the JS loops (the FFT
// kernels switched off, fresh modules), bit for bit: every frame of every pad mode, sizes and hops.
import { describe, expect, it, vi } from 'vitest';
import type { PadMode } from '../../src/main/core/features/audio/window';
import { bitDiffs } from '../helpers/fft-bits';
import { lcg } from '../helpers/lcg';

const u = lcg(11);
// 1.3 s of noise bursts over a tone, then one of 3,001 samples (an odd frame count at hop 200)
const clips = [Math.round(1.3 * 16000), 3001].map((n) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.07) * (i % 4000 < 1500 ? 0.6 : 0.01) + 0.2 * (u() - 0.5)),
);

async function frames(kernels: boolean, nFft: number, hop: number, pad: PadMode, pcm: Float32Array) {
  vi.resetModules();
  const a = await import('../../src/main/core/features/audio/fft-wasm');
  const b = await import('../../src/main/core/features/audio/fft-mixed-wasm');
  a.fftWasmKernel.enabled = kernels;
  b.mixedWasmKernel.enabled = kernels;
  const { frameKernel } = await import('../../src/main/core/features/audio/stft-wasm');
  const { powerFrames } = await import('../../src/main/core/features/audio/stft');
  const fft = nFft === 400 ? b.mixedFFT(400, 1 << 16) : a.complexFFT(nFft, 1 << 16);
  expect(frameKernel(fft, new Float64Array(nFft)) !== null).toBe(kernels);
  const out: number[] = [];
  let count = 0;
  powerFrames(pcm, nFft, hop, pad, (t, pa, pb) => {
    expect(t).toBe(count);
    count += pb ? 2 : 1;
    out.push(...pa, ...(pb ?? [-1]));
  });
  return Float64Array.from(out);
}

describe('powerFrames in WebAssembly', () => {
  it('gives the JS loops power spectra bit for bit', async () => {
    for (const [nFft, hop] of [
      [2048, 512], // librosa's (centroid, onset)
      [400, 200], // MFCC's
      [512, 700], // hop > nFft: the samples do not fit, JS packing with the kernel's power spectra
      [16, 4],
    ])
      for (const pad of ['constant', 'reflect', 'edge'] as const)
        for (const pcm of clips) {
          const on = await frames(true, nFft, hop, pad, pcm);
          const off = await frames(false, nFft, hop, pad, pcm);
          expect(on.length).toBe(off.length);
          expect({ nFft, hop, pad, n: pcm.length, diffs: bitDiffs(on, off) }).toEqual({ nFft, hop, pad, n: pcm.length, diffs: [] });
        }
  });
});
