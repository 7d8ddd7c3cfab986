/**
 * Mixed-radix (2, 3, 4, 5, generic) complex FFT, Stockham autosort, for sizes that are not powers
 * of two. fft.js only handles powers of two, but torchaudio's MFCC uses n_fft = 400 = 4*4*5*5,
 * and zero-padding to 512 would change the spectrum (bins at k*40 Hz, not k*31.25 Hz), so the
 * 400-point DFT has to be computed as such. Power-of-two sizes go through fft.js's algorithm
 * (fft-wasm.ts); fft-mixed-wasm.ts runs radices 4 and 5 of this one in WebAssembly, with the same bits.
 *
 * Allocation happens once per plan; `forward` works in place on caller-owned buffers.
 */
/** The radix-5 butterfly's constants: cos and sin of 2 pi / 5 and 4 pi / 5. */
export const RADIX5 = {
  k1: Math.cos((2 * Math.PI) / 5),
  k2: Math.cos((4 * Math.PI) / 5),
  q1: Math.sin((2 * Math.PI) / 5),
  q2: Math.sin((4 * Math.PI) / 5),
};

export class MixedRadixFFT {
  readonly n: number;
  /** the stages' radices in order, and the twiddles; fft-mixed-wasm.ts runs the same plan */
  readonly radices: number[];
  /** exp(-2*pi*i*k/n) for k in [0, n) */
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  private readonly tr: Float64Array;
  private readonly ti: Float64Array;
  /** scratch for the generic radix */
  private readonly gr: Float64Array;
  private readonly gi: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`FFT size must be a positive integer, got ${n}`);
    this.n = n;
    const radices: number[] = [];
    let m = n;
    for (const r of [4, 2, 3, 5]) {
      while (m % r === 0) {
        radices.push(r);
        m /= r;
      }
    }
    for (let p = 7; m > 1; p += 2) {
      while (m % p === 0) {
        radices.push(p);
        m /= p;
      }
    }
    this.radices = radices;
    this.wr = new Float64Array(n);
    this.wi = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const a = (-2 * Math.PI * k) / n;
      this.wr[k] = Math.cos(a);
      this.wi[k] = Math.sin(a);
    }
    this.tr = new Float64Array(n);
    this.ti = new Float64Array(n);
    const maxR = Math.max(1, ...radices);
    this.gr = new Float64Array(maxR * 2);
    this.gi = new Float64Array(maxR * 2);
  }

  /** In-place forward DFT: X[k] = sum_j x[j] exp(-2 pi i j k / n). */
  forward(re: Float64Array, im: Float64Array): void {
    const N = this.n;
    let xr = re;
    let xi = im;
    let yr = this.tr;
    let yi = this.ti;
    let len = N; // current sub-transform length
    let s = 1; // stride
    const wr = this.wr;
    const wi = this.wi;
    for (const r of this.radices) {
      const m = len / r;
      if (r === 4) {
        for (let p = 0; p < m; p++) {
          const w1 = p * s;
          const c1 = wr[w1],
            s1 = wi[w1];
          const c2 = wr[2 * w1],
            s2 = wi[2 * w1];
          const c3 = wr[3 * w1],
            s3 = wi[3 * w1];
          for (let q = 0; q < s; q++) {
            const i0 = q + s * p;
            const i1 = i0 + s * m;
            const i2 = i1 + s * m;
            const i3 = i2 + s * m;
            const a0r = xr[i0],
              a0i = xi[i0],
              a1r = xr[i1],
              a1i = xi[i1];
            const a2r = xr[i2],
              a2i = xi[i2],
              a3r = xr[i3],
              a3i = xi[i3];
            const t0r = a0r + a2r,
              t0i = a0i + a2i;
            const t1r = a0r - a2r,
              t1i = a0i - a2i;
            const t2r = a1r + a3r,
              t2i = a1i + a3i;
            const t3r = a1r - a3r,
              t3i = a1i - a3i;
            const o = q + s * r * p;
            yr[o] = t0r + t2r;
            yi[o] = t0i + t2i;
            // b1 = t1 - i*t3
            const b1r = t1r + t3i,
              b1i = t1i - t3r;
            yr[o + s] = b1r * c1 - b1i * s1;
            yi[o + s] = b1r * s1 + b1i * c1;
            const b2r = t0r - t2r,
              b2i = t0i - t2i;
            yr[o + 2 * s] = b2r * c2 - b2i * s2;
            yi[o + 2 * s] = b2r * s2 + b2i * c2;
            // b3 = t1 + i*t3
            const b3r = t1r - t3i,
              b3i = t1i + t3r;
            yr[o + 3 * s] = b3r * c3 - b3i * s3;
            yi[o + 3 * s] = b3r * s3 + b3i * c3;
          }
        }
      } else if (r === 2) {
        for (let p = 0; p < m; p++) {
          const c1 = wr[p * s],
            s1 = wi[p * s];
          for (let q = 0; q < s; q++) {
            const i0 = q + s * p;
            const i1 = i0 + s * m;
            const ar = xr[i0],
              ai = xi[i0],
              br = xr[i1],
              bi = xi[i1];
            const o = q + 2 * s * p;
            yr[o] = ar + br;
            yi[o] = ai + bi;
            const dr = ar - br,
              di = ai - bi;
            yr[o + s] = dr * c1 - di * s1;
            yi[o + s] = dr * s1 + di * c1;
          }
        }
      } else if (r === 5) {
        const { k1, k2, q1, q2 } = RADIX5;
        for (let p = 0; p < m; p++) {
          const w1 = p * s;
          const c1 = wr[w1],
            s1 = wi[w1],
            c2 = wr[2 * w1],
            s2 = wi[2 * w1];
          const c3 = wr[3 * w1],
            s3 = wi[3 * w1],
            c4 = wr[4 * w1],
            s4 = wi[4 * w1];
          for (let q = 0; q < s; q++) {
            const i0 = q + s * p;
            const sm = s * m;
            const a0r = xr[i0],
              a0i = xi[i0];
            const a1r = xr[i0 + sm],
              a1i = xi[i0 + sm];
            const a2r = xr[i0 + 2 * sm],
              a2i = xi[i0 + 2 * sm];
            const a3r = xr[i0 + 3 * sm],
              a3i = xi[i0 + 3 * sm];
            const a4r = xr[i0 + 4 * sm],
              a4i = xi[i0 + 4 * sm];
            const t1r = a1r + a4r,
              t1i = a1i + a4i,
              t3r = a1r - a4r,
              t3i = a1i - a4i;
            const t2r = a2r + a3r,
              t2i = a2i + a3i,
              t4r = a2r - a3r,
              t4i = a2i - a3i;
            const r1r = a0r + k1 * t1r + k2 * t2r,
              r1i = a0i + k1 * t1i + k2 * t2i;
            const r2r = a0r + k2 * t1r + k1 * t2r,
              r2i = a0i + k2 * t1i + k1 * t2i;
            const u1r = q1 * t3r + q2 * t4r,
              u1i = q1 * t3i + q2 * t4i;
            const u2r = q2 * t3r - q1 * t4r,
              u2i = q2 * t3i - q1 * t4i;
            const o = q + s * 5 * p;
            yr[o] = a0r + t1r + t2r;
            yi[o] = a0i + t1i + t2i;
            // b1 = r1 - i*u1, b4 = r1 + i*u1, b2 = r2 - i*u2, b3 = r2 + i*u2
            let br = r1r + u1i,
              bi = r1i - u1r;
            yr[o + s] = br * c1 - bi * s1;
            yi[o + s] = br * s1 + bi * c1;
            br = r2r + u2i;
            bi = r2i - u2r;
            yr[o + 2 * s] = br * c2 - bi * s2;
            yi[o + 2 * s] = br * s2 + bi * c2;
            br = r2r - u2i;
            bi = r2i + u2r;
            yr[o + 3 * s] = br * c3 - bi * s3;
            yi[o + 3 * s] = br * s3 + bi * c3;
            br = r1r - u1i;
            bi = r1i + u1r;
            yr[o + 4 * s] = br * c4 - bi * s4;
            yi[o + 4 * s] = br * s4 + bi * c4;
          }
        }
      } else {
        // generic odd radix (3, 7, ...): direct r-point DFT per butterfly
        const gr = this.gr;
        const gi = this.gi;
        const step = N / r; // exp(-2 pi i jk / r) = w[(jk mod r) * N/r]
        for (let p = 0; p < m; p++) {
          for (let q = 0; q < s; q++) {
            const i0 = q + s * p;
            for (let j = 0; j < r; j++) {
              gr[j] = xr[i0 + j * s * m];
              gi[j] = xi[i0 + j * s * m];
            }
            const o = q + s * r * p;
            for (let k = 0; k < r; k++) {
              let sr = 0,
                si = 0;
              for (let j = 0; j < r; j++) {
                const w = ((j * k) % r) * step;
                sr += gr[j] * wr[w] - gi[j] * wi[w];
                si += gr[j] * wi[w] + gi[j] * wr[w];
              }
              const tw = p * k * s;
              yr[o + k * s] = sr * wr[tw] - si * wi[tw];
              yi[o + k * s] = sr * wi[tw] + si * wr[tw];
            }
          }
        }
      }
      const ar = xr,
        ai = xi;
      xr = yr;
      xi = yi;
      yr = ar;
      yi = ai;
      len = m;
      s *= r;
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }
}
