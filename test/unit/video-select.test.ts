import { describe, expect, it } from 'vitest';
import {
  VIDEO_FEATURE_DIM,
  VIDEO_FEATURE_VERSION,
  defaultMinSpacing,
  selectTopFrames,
  videoFeatureVector,
} from '../../src/main/core/features/video/select-frames';

describe('selectTopFrames', () => {
  it('picks the peaks, sorted by frame index', () => {
    const e = new Array(100).fill(1);
    const peaks = [5, 17, 33, 48, 52, 61, 70, 79, 88, 96];
    peaks.forEach((p, i) => (e[p] = 5 + i * 0.1));
    expect(selectTopFrames(e, 10, 3)).toEqual(peaks);
  });

  it('respects the minimum spacing, skipping neighbours of a higher frame', () => {
    // a smooth bump: the highest frames are all neighbours
    const e = Array.from({ length: 200 }, (_, i) => Math.exp(-((i - 100) ** 2) / 800));
    const sel = selectTopFrames(e, 10);
    const spacing = defaultMinSpacing(200, 10);
    expect(spacing).toBe(10);
    expect(sel).toHaveLength(10);
    for (let i = 1; i < sel.length; i++) expect(sel[i] - sel[i - 1]).toBeGreaterThanOrEqual(spacing);
    expect(sel).toContain(100);
    expect(sel).toEqual([...sel].sort((a, b) => a - b));
    // explicit spacing
    const s2 = selectTopFrames(e, 5, 25);
    for (let i = 1; i < s2.length; i++) expect(s2[i] - s2[i - 1]).toBeGreaterThanOrEqual(25);
    expect(s2).toContain(100);
  });

  it('greedy order: the highest frame always wins over its neighbours', () => {
    const e = [0, 0, 3, 4, 3, 0, 0, 0, 2, 0];
    expect(selectTopFrames(e, 2, 3)).toEqual([3, 8]);
  });

  it('returns fewer than k for short clips, and all frames when n < k', () => {
    expect(selectTopFrames([1, 2, 3], 10)).toEqual([0, 1, 2]);
    expect(selectTopFrames([], 10)).toEqual([]);
    expect(selectTopFrames([0.5], 10)).toEqual([0]);
    // spacing leaves room for fewer picks than asked
    expect(selectTopFrames([1, 2, 3, 4, 5, 6], 10, 4)).toEqual([1, 5]);
  });

  it('breaks ties by the earlier frame, skips NaN, handles k <= 0', () => {
    expect(selectTopFrames([1, 1, 1, 1], 2, 1)).toEqual([0, 1]);
    expect(selectTopFrames([NaN, 2, NaN, 1], 10, 1)).toEqual([1, 3]);
    expect(selectTopFrames([1, 2, 3], 0)).toEqual([]);
  });

  it('accepts typed arrays and the default k of 10', () => {
    const e = Float32Array.from({ length: 87 }, (_, i) => Math.sin(i / 3) + i / 100);
    const sel = selectTopFrames(e);
    expect(sel.length).toBeLessThanOrEqual(10);
    expect(sel.length).toBeGreaterThan(5);
    for (let i = 1; i < sel.length; i++) expect(sel[i] - sel[i - 1]).toBeGreaterThanOrEqual(defaultMinSpacing(87, 10));
  });

  it('default spacing is max(1, floor(n / 2k))', () => {
    expect(defaultMinSpacing(87, 10)).toBe(4);
    expect(defaultMinSpacing(10, 10)).toBe(1);
    expect(defaultMinSpacing(0, 10)).toBe(1);
    expect(defaultMinSpacing(2000, 10)).toBe(100);
  });
});

describe('videoFeatureVector', () => {
  it('summarises entropy, motion and luma in 0..1 units', () => {
    const v = videoFeatureVector([2, 4, 6, 8], [0, 51, 51, 51], [255, 255, 0, 0]);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v).toHaveLength(VIDEO_FEATURE_DIM);
    expect(v[0]).toBeCloseTo(5 / 8, 6); // entropy mean
    expect(v[1]).toBeCloseTo(Math.sqrt(5) / 8, 6); // entropy std (population)
    expect(v[2]).toBeCloseTo(2 / 8, 6);
    expect(v[3]).toBeCloseTo(1, 6);
    expect(v[4]).toBeCloseTo(0.2, 6); // motion mean, frame 0 excluded
    expect(v[5]).toBeCloseTo(0, 6);
    expect(v[6]).toBeCloseTo(0.5, 6);
    expect(v[7]).toBeCloseTo(0.5, 6);
  });

  it('is all zeros without frames', () => {
    expect(Array.from(videoFeatureVector([], [], []))).toEqual(new Array(8).fill(0));
    expect(VIDEO_FEATURE_VERSION).toMatch(/^video-v\d+/);
  });
});
