import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import {
  FrameStatsAccumulator,
  LIMITED_TO_FULL_LUMA,
  downscaleRgb,
  encodeRgbPng,
  fitSize,
  frameEntropy,
  grayHistogram,
  histogramEntropy,
  meanLuma,
  frameMotion,
  rgbToGray,
  thumbFactor,
  thumbPlanesToRgb,
  yuv420FrameBytes,
  yuv420ThumbPlanes,
  yuv420ToRgbThumb,
} from '../../src/main/core/features/video';
import { xorshiftBytes } from '../helpers/xorshift-bytes';

/** Deterministic uniform bytes (xorshift32); x & 255 there is x % 256 here, so the same bytes. */
const randomBytes = (n: number, seed = 12345): Uint8Array => xorshiftBytes(n, seed);

describe('frameEntropy', () => {
  it('is 0 bits for a constant frame (and an empty one)', () => {
    expect(frameEntropy(new Uint8Array(320 * 180).fill(77))).toBe(0);
    expect(frameEntropy(new Uint8Array(0))).toBe(0);
  });

  it('is close to 8 bits for uniform noise', () => {
    const h = frameEntropy(randomBytes(320 * 180 * 4));
    expect(h).toBeGreaterThan(7.99);
    expect(h).toBeLessThanOrEqual(8);
  });

  it('is exactly 1 bit for a frame half one level, half another', () => {
    const g = new Uint8Array(1000);
    g.fill(10, 0, 500);
    g.fill(200, 500);
    expect(frameEntropy(g)).toBeCloseTo(1, 12);
  });

  it('is 2 bits for four equally frequent levels and log2(256) for a ramp', () => {
    const four = Uint8Array.from({ length: 400 }, (_, i) => [0, 85, 170, 255][i % 4]);
    expect(frameEntropy(four)).toBeCloseTo(2, 12);
    const ramp = Uint8Array.from({ length: 256 * 10 }, (_, i) => i % 256);
    expect(frameEntropy(ramp)).toBeCloseTo(8, 12);
  });

  it('histogramEntropy matches frameEntropy', () => {
    const g = randomBytes(5000, 7).map((v) => v >> 4);
    expect(histogramEntropy(grayHistogram(g))).toBeCloseTo(frameEntropy(g), 12);
  });
});

describe('rgbToGray', () => {
  it('uses BT.601 luma weights', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128]);
    const g = rgbToGray(rgb);
    expect(Array.from(g)).toEqual([76, 150, 29, 255, 0, 128]); // round(0.299*255), round(0.587*255), round(0.114*255);
    // within 1 level of the float formula for random pixels
    const r = randomBytes(3 * 1000, 99);
    const gg = rgbToGray(r);
    for (let i = 0; i < 1000; i++) {
      const exact = 0.299 * r[3 * i] + 0.587 * r[3 * i + 1] + 0.114 * r[3 * i + 2];
      expect(Math.abs(gg[i] - exact)).toBeLessThanOrEqual(0.51);
    }
  });
});

describe('FrameStatsAccumulator', () => {
  it('computes entropy, mean luma and motion per rgb frame', () => {
    const w = 8,
      h = 4;
    const acc = new FrameStatsAccumulator(w, h);
    const black = new Uint8Array(w * h * 3);
    const white = new Uint8Array(w * h * 3).fill(255);
    const half = new Uint8Array(w * h * 3);
    half.fill(255, 0, (w * h * 3) / 2);
    expect(acc.push(black)).toEqual({ entropy: 0, luma: 0, motion: 0 });
    expect(acc.push(white)).toEqual({ entropy: 0, luma: 255, motion: 255 });
    const s = acc.push(half);
    expect(s.entropy).toBeCloseTo(1, 12);
    expect(s.luma).toBeCloseTo(127.5, 12);
    expect(s.motion).toBeCloseTo(127.5, 12);
    const r = acc.result();
    expect(acc.frameCount).toBe(3);
    expect(Array.from(r.entropy)).toEqual([0, 0, 1]);
    expect(Array.from(r.motion)).toEqual([0, 255, 127.5]);
  });

  it('pushLuma on a limited-range plane equals the full-range gray statistics', () => {
    const w = 64,
      h = 36,
      n = w * h;
    const acc = new FrameStatsAccumulator(w, h);
    const a = randomBytes(n, 1).map((v) => 16 + (v % 220));
    const b = randomBytes(n, 2).map((v) => 16 + (v % 220));
    const ga = a.map((v) => LIMITED_TO_FULL_LUMA[v]);
    const gb = b.map((v) => LIMITED_TO_FULL_LUMA[v]);
    const s1 = acc.pushLuma(a);
    const s2 = acc.pushLuma(b);
    expect(s1.entropy).toBeCloseTo(frameEntropy(ga), 10);
    expect(s1.entropy).toBeCloseTo(frameEntropy(a), 10); // the mapping is a bijection on 16..235
    expect(s1.luma).toBeCloseTo(meanLuma(ga), 10);
    expect(s1.motion).toBe(0);
    expect(s2.motion).toBeCloseTo(frameMotion(gb, ga), 0); // equal up to rounding of the levels
    expect(Math.abs(s2.motion - frameMotion(gb, ga))).toBeLessThan(0.5);
  });

  it('pushLuma with full range takes the plane as gray', () => {
    const acc = new FrameStatsAccumulator(4, 2);
    const s = acc.pushLuma(Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 255]), 'full');
    expect(s).toEqual({ entropy: 1, luma: 127.5, motion: 0 });
  });

  it('pushLuma gives exactly the reference statistics when the pixel count is not a multiple of 4', () => {
    // the hot loop works 4 pixels at a time with 4 histograms; the tail and the sums must match
    const w = 7,
      h = 5,
      n = w * h;
    const acc = new FrameStatsAccumulator(w, h);
    const frames = [randomBytes(n + 9, 3), randomBytes(n + 9, 4), randomBytes(n + 9, 5)]; // planes longer than w x h
    let prev: Uint8Array | null = null;
    for (const f of frames) {
      const gray = f.subarray(0, n);
      const s = acc.pushLuma(f, 'full');
      expect(s.entropy).toBe(histogramEntropy(grayHistogram(gray), n));
      expect(s.luma).toBe(meanLuma(gray));
      expect(s.motion).toBe(prev ? frameMotion(gray, prev) : 0);
      prev = gray;
    }
  });

  it('pushLuma reads a plane at any byte offset (frames cut from a pipe chunk) like an aligned one', () => {
    const w = 16,
      h = 6,
      n = w * h;
    const a = new FrameStatsAccumulator(w, h);
    const b = new FrameStatsAccumulator(w, h);
    const chunk = randomBytes(3 * n + 3, 8);
    for (const off of [1, n + 2, 2 * n + 3]) {
      const plane = chunk.subarray(off, off + n);
      expect(b.pushLuma(plane)).toEqual(a.pushLuma(Uint8Array.from(plane)));
    }
    const aligned = new FrameStatsAccumulator(w, h);
    const ref = [1, n + 2, 2 * n + 3].map((off) => aligned.pushLuma(Uint8Array.from(chunk.subarray(off, off + n)), 'full'));
    const unaligned = new FrameStatsAccumulator(w, h);
    for (const [i, off] of [1, n + 2, 2 * n + 3].entries()) {
      const s = unaligned.pushLuma(chunk.subarray(off, off + n), 'full');
      const gray = chunk.subarray(off, off + n);
      expect(s).toEqual(ref[i]);
      expect(s.entropy).toBe(histogramEntropy(grayHistogram(gray), n));
    }
  });

  it('maps limited-range black and white to 0 and 255', () => {
    expect(LIMITED_TO_FULL_LUMA[16]).toBe(0);
    expect(LIMITED_TO_FULL_LUMA[235]).toBe(255);
    expect(LIMITED_TO_FULL_LUMA[0]).toBe(0);
    expect(LIMITED_TO_FULL_LUMA[255]).toBe(255);
  });
});

describe('thumbnails', () => {
  it('fitSize keeps aspect, even dims, never upscales', () => {
    expect(fitSize(1280, 720, 320)).toEqual({ width: 320, height: 180 });
    expect(fitSize(1920, 1080, 320)).toEqual({ width: 320, height: 180 });
    expect(fitSize(640, 480, 320)).toEqual({ width: 320, height: 240 });
    expect(fitSize(64, 48, 320)).toEqual({ width: 64, height: 48 });
    expect(fitSize(321, 241, 320)).toEqual({ width: 320, height: 240 });
    expect(fitSize(101, 75, 320)).toEqual({ width: 100, height: 74 });
    expect(thumbFactor(320, 160)).toBe(2);
    expect(thumbFactor(160, 160)).toBe(1);
  });

  it('downscaleRgb averages blocks', () => {
    const rgb = Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200, 100, 100, 100]); // 2x2
    const d = downscaleRgb(rgb, 2, 2, 2);
    expect(d.width).toBe(1);
    expect(Array.from(d.data)).toEqual([100, 100, 100]);
  });

  it('converts yuv420p to rgb (gray, red, BT.709)', () => {
    const w = 4,
      h = 2;
    const frame = new Uint8Array(yuv420FrameBytes(w, h));
    frame.fill(126, 0, w * h); // Y
    frame.fill(128, w * h); // U, V neutral
    const g = yuv420ToRgbThumb(frame, w, h, 2);
    expect(g.width).toBe(2);
    expect(g.height).toBe(1);
    for (const v of g.data) expect(Math.abs(v - 128)).toBeLessThanOrEqual(1);
    // pure red in BT.601 limited range: Y 81, U 90, V 240
    frame.fill(81, 0, w * h);
    frame.fill(90, w * h, w * h + 2);
    frame.fill(240, w * h + 2);
    const red = yuv420ToRgbThumb(frame, w, h, 1);
    expect(red.data[0]).toBeGreaterThan(250);
    expect(red.data[1]).toBeLessThan(5);
    expect(red.data[2]).toBeLessThan(5);
    // pure red in BT.709: Y 63, U 102, V 240
    frame.fill(63, 0, w * h);
    frame.fill(102, w * h, w * h + 2);
    const red709 = yuv420ToRgbThumb(frame, w, h, 1, 'bt709');
    expect(red709.data[0]).toBeGreaterThan(250);
    expect(red709.data[1]).toBeLessThan(5);
    expect(red709.data[2]).toBeLessThan(5);
  });

  it('encodeRgbPng writes a PNG that decodes to the same pixels', () => {
    const w = 37,
      h = 11;
    const rgb = randomBytes(w * h * 3, 5);
    const png = encodeRgbPng(rgb, w, h);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    const back = PNG.sync.read(png);
    expect(back.width).toBe(w);
    expect(back.height).toBe(h);
    const px = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) back.data.copy(px, i * 3, i * 4, i * 4 + 3);
    expect(px.equals(Buffer.from(rgb))).toBe(true);
  });

  it('encodeRgbPng round-trips flat, repeated-row, one-row and noise images, aligned or not (Up filter, run-length deflate)', () => {
    const cases: [number, number, (x: number, y: number, c: number) => number][] = [
      [160, 120, () => 77], // one colour
      [160, 90, (x, _y, c) => (x * 3 + c * 40) & 255], // every row the same
      [33, 1, (x, _y, c) => (x * 7 + c) & 255], // a single row
      [64, 48, (x, y, c) => ((x >> 3) * 30 + (y >> 2) * 11 + c * 90) & 255], // blocks
      [40, 9, (x, y, c) => (Math.imul(x * 3 + c + 1, 2654435761) ^ Math.imul(y + 7, 40503)) >>> 24], // noise, rows of whole words
      [41, 9, (x, y, c) => (Math.imul(x * 3 + c + 1, 2654435761) ^ Math.imul(y + 7, 40503)) >>> 24], // noise, rows of odd bytes
    ];
    for (const [i, [w, h, f]] of cases.entries()) {
      // the last case also at an odd byte offset (the byte-at-a-time path)
      const rgb = i === cases.length - 1 ? new Uint8Array(w * h * 3 + 1).subarray(1) : new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = f(x, y, c);
      const back = PNG.sync.read(encodeRgbPng(rgb, w, h));
      expect([back.width, back.height]).toEqual([w, h]);
      const px = Buffer.alloc(w * h * 3);
      for (let i = 0; i < w * h; i++) back.data.copy(px, i * 3, i * 4, i * 4 + 3);
      expect(px.equals(Buffer.from(rgb))).toBe(true);
    }
  });

  it('yuv420ToRgbThumb gives the bytes of the floating-point conversion, for every factor and both matrices', () => {
    // the reference: limited-range Y'CbCr to R'G'B' with coefficients scaled by 1024, divided in floating
    // point, clamped to 0..255 and rounded (what the integer form must reproduce byte for byte)
    const reference = (frame: Uint8Array, w: number, h: number, f: number, bt709: boolean): Uint8Array => {
      const [ow, oh, cw] = [Math.floor(w / f), Math.floor(h / f), w >> 1];
      const [rv, gu, gv, bu] = bt709 ? [1836, 218, 546, 2163] : [1634, 401, 832, 2066];
      const clamp = (x: number) => (x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x));
      const out = new Uint8Array(ow * oh * 3);
      for (let ty = 0; ty < oh; ty++)
        for (let tx = 0; tx < ow; tx++) {
          let sum = 0;
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += frame[(ty * f + dy) * w + tx * f + dx];
          const y = f === 2 ? (sum + 2) >> 2 : Math.round(sum / (f * f));
          const ci = ((ty * f) >> 1) * cw + ((tx * f) >> 1);
          const u = frame[w * h + ci] - 128;
          const v = frame[w * h + cw * (h >> 1) + ci] - 128;
          const c = 1192 * (y - 16);
          const o = (ty * ow + tx) * 3;
          out[o] = clamp((c + rv * v) / 1024);
          out[o + 1] = clamp((c - gu * u - gv * v) / 1024);
          out[o + 2] = clamp((c + bu * u) / 1024);
        }
      return out;
    };
    for (const [w, h] of [
      [320, 240],
      [100, 74],
      [14, 10],
    ]) {
      // every byte value in every plane, extremes included
      const frame = randomBytes(yuv420FrameBytes(w, h), w + h);
      frame.fill(0, 0, 8);
      frame.fill(255, 8, 16);
      for (const f of [1, 2, 3])
        for (const m of ['bt601', 'bt709'] as const) {
          const t = yuv420ToRgbThumb(frame, w, h, f, m);
          expect(Buffer.from(t.data).equals(Buffer.from(reference(frame, w, h, f, m === 'bt709')))).toBe(true);
          expect(Buffer.from(thumbPlanesToRgb(yuv420ThumbPlanes(frame, w, h, f), w, h, f, m).data).equals(Buffer.from(t.data))).toBe(true);
        }
    }
  });
});
