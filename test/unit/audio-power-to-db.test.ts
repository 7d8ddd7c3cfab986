// powerToDb's table-driven natural log against Math.log: the MFCC and onset dB values must stay within
// round-off of the Math.log definition (stored feature vectors are compared to 1e-6 relative).
import { describe, expect, it } from 'vitest';
import { powerToDb } from '../../src/main/core/features/audio/mel';

const K = 10 / Math.LN10;
const ref = (v: number, amin = 1e-10) => Math.log(v > amin ? v : amin) * K;

describe('powerToDb', () => {
  it('is within 5e-15 dB of 10 log10 by Math.log over 1e-17..1e17', () => {
    let s = 12345;
    const x = Float64Array.from({ length: 200_000 }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.exp((s / 2 ** 31 - 1) * 39);
    });
    const want = Array.from(x, (v) => ref(v, 1e-300));
    powerToDb(x, null, 1e-300);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - want[i]));
    expect(worst).toBeLessThan(5e-15);
  });

  it('gives values at or below amin exactly 10 log10(amin) as before, and handles views at an offset', () => {
    const buf = new Float64Array(16);
    const x = buf.subarray(3, 11);
    x.set([0, 1e-10, 5e-11, 1e-12, 1e-10 * (1 + 4e-16), 2, 4, 1e300]);
    const want = Array.from(x, (v) => ref(v));
    powerToDb(x, null);
    for (let i = 0; i < 4; i++) expect(x[i]).toBe(want[i]);
    for (let i = 4; i < x.length; i++) expect(Math.abs(x[i] - want[i])).toBeLessThan(1e-12);
    expect(buf[2]).toBe(0);
    expect(buf[11]).toBe(0);
  });

  it('clips to max - topDb', () => {
    const x = new Float64Array([1, 1e-3, 1e-9, 1e-20]);
    powerToDb(x, 80);
    expect(x[0]).toBeCloseTo(0, 12);
    expect(x[1]).toBeCloseTo(-30, 12);
    expect(x[2]).toBeCloseTo(-80, 12);
    expect(x[3]).toBeCloseTo(-80, 12);
  });
});
