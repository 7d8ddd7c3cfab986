// The WebAssembly SIMD motion kernel (features/video/frame-diff-wasm.ts) against the JS loop and a plain sum:
// the accumulator's statistics are the same numbers with and without it.
import { afterEach, describe, expect, it } from 'vitest';
import { FrameStatsAccumulator, frameMotion, type FrameStats } from '../../src/main/core/features/video';
import { frameDiffKernel, frameDiffPair } from '../../src/main/core/features/video/frame-diff-wasm';
import { xorshiftBytes } from '../helpers/xorshift-bytes';

const bytes = xorshiftBytes;

function run(w: number, h: number, frames: Uint8Array[], range: 'limited' | 'full'): FrameStats[] {
  const acc = new FrameStatsAccumulator(w, h);
  return frames.map((f) => acc.pushLuma(f, range));
}

afterEach(() => {
  frameDiffKernel.enabled = true;
});

describe('frame difference kernel', () => {
  it('runs here (Node 20 has WebAssembly SIMD) and sums |a - b| exactly, tails included', () => {
    for (const n of [16, 17, 31, 48, 57600, 76800 + 8, 3]) {
      const pair = frameDiffPair(n);
      expect(pair).not.toBeNull();
      const a = bytes(n, n);
      const b = bytes(n, n + 1);
      pair!.cur.set(a);
      pair!.prev.set(b);
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(a[i] - b[i]);
      expect(pair!.sad()).toBe(s);
      pair!.swap();
      expect(Array.from(pair!.cur.subarray(0, 4))).toEqual(Array.from(b.subarray(0, 4)));
      expect(pair!.sad()).toBe(s);
      // extremes: every byte 0 against 255
      pair!.cur.fill(255);
      pair!.prev.fill(0);
      expect(pair!.sad()).toBe(255 * n);
    }
  });

  it('gives the accumulator the same statistics as the JS loop and the reference motion', () => {
    for (const [w, h] of [
      [320, 180],
      [320, 240],
      [14, 10], // 140 pixels: not a multiple of 16
      [6, 2],
    ]) {
      const n = w * h;
      const frames = [1, 2, 3, 4, 5].map((k) => bytes(n + 5, 100 * w + k, k === 3 ? 16 : 0, k === 3 ? 235 : 255));
      frames.push(frames[4].slice()); // a still frame: motion 0
      for (const range of ['limited', 'full'] as const) {
        const withKernel = run(w, h, frames, range);
        frameDiffKernel.enabled = false;
        const withLoop = run(w, h, frames, range);
        frameDiffKernel.enabled = true;
        expect(withKernel).toEqual(withLoop);
        if (range === 'full')
          frames.forEach((f, i) => expect(withKernel[i].motion).toBe(i ? frameMotion(f.subarray(0, n), frames[i - 1].subarray(0, n)) : 0));
      }
    }
  });

  it('is off when switched off, and the accumulator still works', () => {
    frameDiffKernel.enabled = false;
    expect(frameDiffPair(64)).toBeNull();
    const s = run(4, 2, [Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 255]), new Uint8Array(8)], 'full');
    expect(s[1]).toEqual({ entropy: 0, luma: 0, motion: 127.5 });
  });
});
