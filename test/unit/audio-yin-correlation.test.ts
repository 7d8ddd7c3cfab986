// YIN's windowed autocorrelation from shared chunk FFTs equals the direct sum, for the default
// geometry (wrapped terms added directly) and for others (no grid sharing, zero-padded segments).
import { describe, expect, it } from 'vitest';
import { chooseChunks, windowedAutocorrelation } from '../../src/main/core/features/audio/yin-correlation';

function signal(n: number, seed: number): Float32Array {
  let s = seed;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = 0.6 * Math.sin((2 * Math.PI * 137 * i) / 16000) + (s / 2147483647 - 0.5) * 0.3;
  }
  return x;
}

function direct(x: Float32Array, s: number, W: number, maxLag: number): Float64Array {
  const at = (i: number) => (i >= 0 && i < x.length ? x[i] : 0);
  const r = new Float64Array(maxLag + 1);
  for (let tau = 0; tau <= maxLag; tau++) for (let j = 0; j < W; j++) r[tau] += at(s + j) * at(s + j + tau);
  return r;
}

describe('YIN windowed autocorrelation', () => {
  it('picks chunks of 256 with a 512-point FFT at the default geometry', () => {
    expect(chooseChunks(512, 256, 268)).toEqual({ B: 256, m: 2, N: 512 });
  });

  it.each([
    [512, 256, 268],
    [300, 256, 201],
    [512, 128, 268],
    [400, 160, 268],
    [256, 256, 40],
  ])('W %d, hop %d, lags to %d: equal to the direct sum on every frame', (W, hop, maxLag) => {
    const x = signal(9001, W + hop);
    const frames: number[] = [];
    // every frame except a few (gated frames are skipped), both clip ends included
    const count = 1 + Math.floor(x.length / hop);
    for (let t = 0; t < count; t++) if (t % 7 !== 3) frames.push(t);
    const start = (t: number) => t * hop - (W >> 1);
    const seen: number[] = [];
    let worst = 0;
    windowedAutocorrelation(x, frames, start, W, maxLag, chooseChunks(W, hop, maxLag), (t, r) => {
      seen.push(t);
      const d = direct(x, start(t), W, maxLag);
      for (let tau = 0; tau <= maxLag; tau++) worst = Math.max(worst, Math.abs(r[tau] - d[tau]) / (1 + Math.abs(d[0])));
    });
    expect(seen).toEqual(frames);
    expect(worst).toBeLessThan(1e-12);
  });
});
