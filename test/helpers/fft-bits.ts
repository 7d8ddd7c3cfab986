// Inputs and a bit-for-bit comparison for the FFT kernel tests (audio-fft-wasm, audio-fft-mixed-wasm).
import { lcg } from './lcg';

/** 2n random values of mixed magnitudes and signs, with exact zeros of both signs and repeats mixed in */
export function fftInput(n: number, seed: number): Float64Array {
  const u = lcg(seed);
  const d = new Float64Array(2 * n);
  for (let i = 0; i < d.length; i++) {
    const r = u();
    if (r < 0.05) d[i] = 0;
    else if (r < 0.1) d[i] = -0;
    else if (r < 0.15 && i > 0) d[i] = d[i - 1];
    else d[i] = (u() - 0.5) * 10 ** Math.floor(u() * 12 - 6);
  }
  return d;
}

/** positions where two arrays differ in any bit (so -0 differs from 0) */
export function bitDiffs(a: Float64Array, b: Float64Array): number[] {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) out.push(i);
  return out;
}
