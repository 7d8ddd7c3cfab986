// powerToDb runs Math.log's algorithm (fdlibm's log) inlined in its loop: every dB value must be the one
// 10 log10 by Math.log gives, to the bit, so that stored MFCC / onset values do not move at all.
import { describe, expect, it } from 'vitest';
import { powerToDb } from '../../src/main/core/features/audio/mel';
import { lcg } from '../helpers/lcg';

const K = 10 / Math.LN10;
const ref = (v: number, amin = 1e-10) => Math.log(v > amin ? v : amin) * K;

describe('powerToDb', () => {
  it('equals 10 log10 by Math.log bit for bit over 1e-300..1e300, near 1 and on exact powers of two', () => {
    const r = lcg(12345);
    const x: number[] = [];
    for (let i = 0; i < 100_000; i++) x.push(Math.exp((r() * 2 - 1) * 690)); // the whole normal range
    for (let i = 0; i < 50_000; i++) x.push(1 + (r() - 0.5) * 2 ** -Math.floor(r() * 53)); // |f| < 2^-20 branch
    for (let i = 0; i < 50_000; i++) x.push(r() * 4); // the sqrt(2) split of the mantissa
    for (let e = -1022; e <= 1023; e++) x.push(2 ** e, 2 ** e * Math.SQRT2, 2 ** e * (1 + 2 ** -52));
    x.push(Number.MAX_VALUE, Number.MIN_VALUE, 5e-324 * 3, Infinity);
    const got = Float64Array.from(x);
    powerToDb(got, null, 0);
    let mismatches = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(got[i], ref(x[i], 0))) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('gives values at or below amin 10 log10(amin), and handles views at an offset', () => {
    const buf = new Float64Array(16);
    const x = buf.subarray(3, 11);
    x.set([0, 1e-10, 5e-11, 1e-12, 1e-10 * (1 + 4e-16), 2, 4, 1e300]);
    const want = Array.from(x, (v) => ref(v));
    powerToDb(x, null);
    expect(Array.from(x)).toEqual(want);
    expect(buf[2]).toBe(0);
    expect(buf[11]).toBe(0);
  });

  it('clips to max - topDb', () => {
    const x = new Float64Array([1, 1e-3, 1e-9, 1e-20]);
    powerToDb(x, 80);
    expect(Array.from(x)).toEqual([ref(1), ref(1e-3), ref(1) - 80, ref(1) - 80]);
  });
});
