// Zero-crossing rate against a direct transcription of librosa's definition (edge padding by
// frame_length/2, crossings inside each frame, / frame_length), on lengths that end exactly on a hop
// (the last frame then reaches the end of the padded signal) and on signals shorter than one frame.
import { describe, expect, it } from 'vitest';
import { zeroCrossingRate } from '../../src/main/core/features/audio/zcr';

function naiveZcr(pcm: Float32Array, frameLength = 2048, hop = 512): number[] {
  const half = frameLength >> 1;
  const n = pcm.length;
  const padded = Array.from({ length: n + 2 * half }, (_, i) => pcm[Math.min(n - 1, Math.max(0, i - half))]);
  const neg = (v: number) => v < -1e-10;
  const frames = 1 + Math.floor(n / hop);
  const out: number[] = [];
  for (let t = 0; t < frames; t++) {
    let c = 0;
    for (let k = t * hop + 1; k < t * hop + frameLength; k++) if (neg(padded[k]) !== neg(padded[k - 1])) c++;
    out.push(c / frameLength);
  }
  return out;
}

function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('zeroCrossingRate', () => {
  for (const n of [512 * 8, 512 * 8 + 1, 512 * 8 - 1, 2048, 700, 1]) {
    it(`equals librosa's definition frame by frame (${n} samples)`, () => {
      const x = noise(n, n);
      const got = Array.from(zeroCrossingRate(x));
      expect(got).toEqual(naiveZcr(x));
      expect(got.every((v) => Number.isFinite(v))).toBe(true);
    });
  }

  it('counts tiny values as zero (positive) and changes at the edges', () => {
    // +1, -1e-12 (counts as 0: no crossing), -1 (crossing), +1 (crossing)
    const x = new Float32Array(8192);
    for (let i = 0; i < x.length; i++) x[i] = [1, -1e-12, -1, 1][i % 4];
    const z = zeroCrossingRate(x);
    expect(Array.from(z)).toEqual(naiveZcr(x));
    expect(Math.abs(z[8] - 0.5)).toBeLessThan(1e-3); // a middle frame: 2 crossings every 4 samples
  });
});
