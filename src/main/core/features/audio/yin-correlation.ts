// YIN's windowed autocorrelation r_t(tau) = sum_{j<W} x[s_t+j] x[s_t+j+tau] for a run of frames, from
// FFTs of short chunks shared between overlapping frames (pitch.ts turns it into the difference function).
import { complexFFT, type ComplexFFT } from './fft-wasm';

/**
 * Frame t's window [s_t, s_t + W) is cut into W/B chunks of B samples, and
 *   r_t(tau) = sum over its chunks a of h_a(tau),  h_a(tau) = sum_{j<B} x[a+j] x[a+j+tau].
 * h_a is a cross-correlation of the chunk with the segment x[a, a + mB): with C_a the N-point FFT
 * of the zero-padded chunk, S_a = sum_{l<m} exp(-2 pi i k l B / N) C_{a+lB} is the segment's FFT
 * (put together from the spectra of the m chunks it spans) and IFFT(conj(C_a) S_a) the circular
 * correlation. Summing H_a = conj(C_a) S_a over a frame's chunks before one inverse FFT gives r_t
 * (linearity) for every lag with j + tau < mB; the few terms past that (segment end or wrap-around,
 * j > mB - tau) are added directly. Frames on the same chunk grid (B dividing the hop) share their
 * chunks. At W 512, hop 256, lags up to 269: B 256, m 2, N 512, so S_a = C_a + (-1)^k C_{a+B}; a
 * frame costs one complex 512-point FFT (half a packed pair of chunks, half a packed pair of
 * inverses) plus 91 direct terms per chunk, where one FFT of the frame's own 781-sample segment
 * cost 1.5 complex 1024-point FFTs. Samples outside the clip are 0. Equal to the direct sum up to
 * floating-point round-off.
 */
export interface ChunkGeometry {
  /** chunk length */
  B: number;
  /** chunks a segment spans */
  m: number;
  /** FFT size */
  N: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The cheapest chunking for window W, hop and lags up to maxLag (rough flop counts). */
export function chooseChunks(W: number, hop: number, maxLag: number): ChunkGeometry {
  const g = gcd(W, hop);
  const lengths = [W];
  for (let d = 16; d <= g; d++) if (g % d === 0 && d !== W) lengths.push(d);
  let best: ChunkGeometry | null = null;
  let bestCost = Infinity;
  for (const B of lengths) {
    for (let m = 1; m <= Math.ceil((B + maxLag) / B); m++) {
      let N = 2;
      while (N < m * B) N <<= 1;
      if (N <= maxLag) continue; // a term would wrap more than once
      const fft = 2.5 * N * Math.log2(N);
      let direct = 0;
      for (let tau = 0; tau <= maxLag; tau++) direct += Math.max(0, B + tau - m * B);
      // new chunks per frame: hop/B on a shared grid, else the frame's own m
      const fresh = hop % B === 0 ? hop / B : m;
      const cost = fresh * (0.5 * fft + 4 * m * N) + (W / B) * (N + 2 * direct) + 0.5 * fft;
      if (cost < bestCost) {
        bestCost = cost;
        best = { B, m, N };
      }
    }
  }
  return best!;
}

interface Plan extends ChunkGeometry {
  fft: ComplexFFT;
  /** exp(-2 pi i k l B / N), k = 0..N/2, interleaved, for l = 1..m-1 */
  shift: Float64Array[];
  /** packed input / output of two chunks' FFT */
  z: Float64Array;
  Z: Float64Array;
  P: Float64Array;
  r: Float64Array;
  /** spare half spectra (N + 2 values) */
  pool: Float64Array[];
  /** streamRuns: the last chunk's spectrum and cross-spectrum (N + 2 values each) */
  keptC?: Float64Array;
  keptH?: Float64Array;
}
const plans = new Map<string, Plan>();

function plan(g: ChunkGeometry): Plan {
  const key = `${g.B}/${g.m}/${g.N}`;
  let p = plans.get(key);
  if (!p) {
    const { B, m, N } = g;
    const shift: Float64Array[] = [];
    for (let l = 1; l < m; l++) {
      const w = new Float64Array(N + 2);
      for (let k = 0; k <= N >> 1; k++) {
        // exact for the quarter turns (N = 4B): no round-off from cos(pi/2)
        const q = (((k * l * B) % N) + N) % N;
        const a = (-2 * Math.PI * q) / N;
        w[2 * k] = 4 * q === N || 4 * q === 3 * N ? 0 : Math.cos(a);
        w[2 * k + 1] = 2 * q === N || q === 0 ? 0 : Math.sin(a);
      }
      shift.push(w);
    }
    p = {
      ...g,
      fft: complexFFT(N),
      shift,
      z: new Float64Array(2 * N),
      Z: new Float64Array(2 * N),
      P: new Float64Array(2 * N),
      r: new Float64Array(2 * N),
      pool: [],
    };
    plans.set(key, p);
  }
  return p;
}

/**
 * Computes r_t(tau), tau = 0..maxLag, for the given frames (ascending) and hands each to
 * `onFrame(t, r)` (r valid during the call), two frames per inverse FFT.
 */
export function windowedAutocorrelation(
  pcm: Float32Array,
  frames: readonly number[],
  starts: (t: number) => number,
  W: number,
  maxLag: number,
  geom: ChunkGeometry,
  onFrame: (t: number, r: Float64Array) => void,
): void {
  const p = plan(geom);
  const { B, m, N, fft, shift, z, Z, P, r, pool } = p;
  if (m === 2 && N === 2 * B && W === 2 * B && starts(1) - starts(0) === B) {
    streamRuns(pcm, frames, starts, maxLag, p, onFrame);
    return;
  }
  const half = N >> 1;
  const bins = N + 2;
  const take = () => pool.pop() ?? new Float64Array(bins);
  // the segment shift exp(-2 pi i k B / N) is (-1)^k exactly
  const alternating = m === 2 && N === 2 * B;
  const C = new Map<number, Float64Array>();
  const H = new Map<number, Float64Array>();
  // chunks a and a + B in one complex FFT (z = x_a + i x_b): C_a and C_b from its conjugate symmetry
  const chunk = (a: number): Float64Array => {
    const hit = C.get(a);
    if (hit) return hit;
    const b = a + B;
    loadChunkPair(z, pcm, a, B);
    // z beyond 2B stays 0 (nothing else writes there)
    fft.transform(Z, z);
    const ca = take();
    const cb = C.has(b) ? null : take();
    for (let k = 0; k <= half; k++) {
      const nk = k === 0 ? 0 : N - k;
      const zr = Z[2 * k],
        zi = Z[2 * k + 1],
        wr = Z[2 * nk],
        wi = Z[2 * nk + 1];
      ca[2 * k] = 0.5 * (zr + wr);
      ca[2 * k + 1] = 0.5 * (zi - wi);
      if (cb) {
        cb[2 * k] = 0.5 * (zi + wi);
        cb[2 * k + 1] = -0.5 * (zr - wr);
      }
    }
    C.set(a, ca);
    if (cb) C.set(b, cb);
    return ca;
  };
  const cross = (a: number): Float64Array => {
    let h = H.get(a);
    if (h) return h;
    h = take();
    const c0 = chunk(a);
    if (alternating) {
      // m = 2, N = 2B: S_a = C_a + (-1)^k C_{a+B}, then H = conj(C_a) * S_a in the same pass
      const c1 = chunk(a + B);
      for (let k = 0; k < bins; k += 4) {
        let ar = c0[k],
          ai = c0[k + 1],
          sr = ar + c1[k],
          si = ai + c1[k + 1];
        h[k] = ar * sr + ai * si;
        h[k + 1] = ar * si - ai * sr;
        if (k + 2 < bins) {
          ar = c0[k + 2];
          ai = c0[k + 3];
          sr = ar - c1[k + 2];
          si = ai - c1[k + 3];
          h[k + 2] = ar * sr + ai * si;
          h[k + 3] = ar * si - ai * sr;
        }
      }
      H.set(a, h);
      return h;
    }
    h.set(c0);
    for (let l = 1; l < m; l++) {
      const c = chunk(a + l * B);
      const w = shift[l - 1];
      for (let k = 0; k < bins; k += 2) {
        const cr = c[k],
          ci = c[k + 1],
          wr = w[k],
          wi = w[k + 1];
        h[k] += cr * wr - ci * wi;
        h[k + 1] += cr * wi + ci * wr;
      }
    }
    // H = conj(C_a) * S_a
    for (let k = 0; k < bins; k += 2) {
      const ar = c0[k],
        ai = c0[k + 1],
        sr = h[k],
        si = h[k + 1];
      h[k] = ar * sr + ai * si;
      h[k + 1] = ar * si - ai * sr;
    }
    H.set(a, h);
    return h;
  };
  const frameSpectrum = (t: number, out: Float64Array) => {
    const s = starts(t);
    out.set(cross(s));
    for (let i = B; i < W; i += B) {
      const h = cross(s + i);
      for (let k = 0; k < bins; k++) out[k] += h[k];
    }
  };
  const evictBefore = (a: number) => {
    for (const map of [C, H])
      for (const [k, v] of map)
        if (k < a) {
          map.delete(k);
          pool.push(v);
        }
  };
  const ra = take();
  const rb = take();
  const out = new Float64Array(maxLag + 1);
  const mB = m * B;
  const emit = (t: number, lane: 0 | 1, scale: number) => emitFrame(pcm, t, starts, W, maxLag, B, N, mB, r, lane, scale, out, onFrame);
  for (let i = 0; i < frames.length; i += 2) {
    const ta = frames[i];
    const tb = i + 1 < frames.length ? frames[i + 1] : -1;
    frameSpectrum(ta, ra);
    if (tb >= 0) frameSpectrum(tb, rb);
    else rb.fill(0);
    // Q = conj(R_a + i*R_b) over the full circle from the half spectra; IFFT(X) = conj(FFT(conj X)) / N
    for (let k = 0; k <= half; k++) {
      const ar = ra[2 * k],
        ai = ra[2 * k + 1],
        br = rb[2 * k],
        bi = rb[2 * k + 1];
      P[2 * k] = ar - bi;
      P[2 * k + 1] = -(ai + br);
      if (k > 0 && k < half) {
        const j = N - k;
        P[2 * j] = ar + bi;
        P[2 * j + 1] = ai - br;
      }
    }
    fft.transform(r, P);
    emit(ta, 0, 1 / N);
    if (tb >= 0) emit(tb, 1, -1 / N);
    if (i + 2 < frames.length) evictBefore(starts(frames[i + 2]));
  }
  evictBefore(Infinity);
  pool.push(ra, rb);
}

/**
 * The default geometry (W = 2B, hop B, N = 2B, so S_a = C_a + (-1)^k C_{a+B}), streamed over each
 * run of consecutive frames: frame f of a run starting at chunk s0 needs H_f and H_{f+1} (chunk
 * indices), and H_c needs C_c and C_{c+1}. Chunks are transformed two per complex FFT (c, c+1 for
 * even c); one pass over the bins of that FFT unpacks C_c and C_{c+1}, forms H_{c-1} (from the kept
 * C_{c-1}) and H_c, and packs the spectra of frames c-2 and c-1 (H_{c-2}, kept, + H_{c-1}; H_{c-1}
 * + H_c) for their joint inverse FFT. The same sums as the general path below, in one pass instead
 * of five and without the chunk maps.
 */
function streamRuns(
  pcm: Float32Array,
  frames: readonly number[],
  starts: (t: number) => number,
  maxLag: number,
  p: Plan,
  onFrame: (t: number, r: Float64Array) => void,
): void {
  const { B, N, fft, z, Z, P, r } = p;
  const half = N >> 1;
  const bins = N + 2;
  const keptC = p.keptC ?? (p.keptC = new Float64Array(bins));
  const keptH = p.keptH ?? (p.keptH = new Float64Array(bins));
  const out = new Float64Array(maxLag + 1);
  const W = 2 * B;
  for (let i = 0; i < frames.length;) {
    // the run frames[i .. j)
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[j - 1] + 1) j++;
    const t0 = frames[i];
    const len = j - i;
    const s0 = starts(t0);
    for (let c = 0; c < len + 2; c += 2) {
      // chunks c and c + 1 of the run
      const a = s0 + c * B;
      loadChunkPair(z, pcm, a, B);
      fft.transform(Z, z);
      const pair = c >= 2; // frames c-2 and c-1 are complete
      for (let k = 0; k <= half; k++) {
        const nk = k === 0 ? 0 : N - k;
        const zr = Z[2 * k],
          zi = Z[2 * k + 1],
          wr = Z[2 * nk],
          wi = Z[2 * nk + 1];
        // C_c, C_{c+1}
        const car = 0.5 * (zr + wr),
          cai = 0.5 * (zi - wi),
          cbr = 0.5 * (zi + wi),
          cbi = -0.5 * (zr - wr);
        const sign = k & 1;
        // H_c = conj(C_c) (C_c +- C_{c+1})
        let sr = sign ? car - cbr : car + cbr;
        let si = sign ? cai - cbi : cai + cbi;
        const hcr = car * sr + cai * si,
          hci = car * si - cai * sr;
        if (pair) {
          // H_{c-1} = conj(C_{c-1}) (C_{c-1} +- C_c)
          const pr = keptC[2 * k],
            pi = keptC[2 * k + 1];
          sr = sign ? pr - car : pr + car;
          si = sign ? pi - cai : pi + cai;
          const hpr = pr * sr + pi * si,
            hpi = pr * si - pi * sr;
          // R_a = H_{c-2} + H_{c-1}, R_b = H_{c-1} + H_c; Q = conj(R_a + i R_b) over the full circle
          const ar = keptH[2 * k] + hpr,
            ai = keptH[2 * k + 1] + hpi,
            br = hpr + hcr,
            bi = hpi + hci;
          P[2 * k] = ar - bi;
          P[2 * k + 1] = -(ai + br);
          if (k > 0 && k < half) {
            const q = N - k;
            P[2 * q] = ar + bi;
            P[2 * q + 1] = ai - br;
          }
        }
        keptC[2 * k] = cbr;
        keptC[2 * k + 1] = cbi;
        keptH[2 * k] = hcr;
        keptH[2 * k + 1] = hci;
      }
      if (!pair) continue;
      fft.transform(r, P);
      emitFrame(pcm, t0 + c - 2, starts, W, maxLag, B, N, W, r, 0, 1 / N, out, onFrame);
      if (c - 1 < len) emitFrame(pcm, t0 + c - 1, starts, W, maxLag, B, N, W, r, 1, -1 / N, out, onFrame);
    }
    i = j;
  }
}

/**
 * Hands r_t to onFrame: lane 0 (sign +1) or 1 (sign -1) of the inverse, plus the terms with
 * j + tau >= mB: the segment buffer held 0 there (mB <= i < N) or, past N, the wrapped sample
 * x[a + i - N].
 */
function emitFrame(
  pcm: Float32Array,
  t: number,
  starts: (t: number) => number,
  W: number,
  maxLag: number,
  B: number,
  N: number,
  mB: number,
  r: Float64Array,
  lane: 0 | 1,
  scale: number,
  out: Float64Array,
  onFrame: (t: number, r: Float64Array) => void,
): void {
  const n = pcm.length;
  for (let tau = 0; tau <= maxLag; tau++) out[tau] = scale * r[2 * tau + lane];
  if (B + maxLag > mB) {
    const s = starts(t);
    const inside = s >= 0 && s + W - B + N <= n && s + W + maxLag <= n;
    for (let a = s; a < s + W; a += B) {
      for (let tau = mB - B + 1; tau <= maxLag; tau++) {
        let acc = 0;
        if (inside)
          for (let j = Math.max(0, mB - tau); j < B; j++) {
            const i = j + tau;
            acc += pcm[a + j] * (pcm[a + i] - (i >= N ? pcm[a + i - N] : 0));
          }
        else
          for (let j = Math.max(0, mB - tau); j < B; j++) {
            const i = j + tau;
            acc += sampleAt(pcm, a + j) * (sampleAt(pcm, a + i) - (i >= N ? sampleAt(pcm, a + i - N) : 0));
          }
        out[tau] += acc;
      }
    }
  }
  onFrame(t, out);
}

function sampleAt(pcm: Float32Array, i: number): number {
  return i >= 0 && i < pcm.length ? pcm[i] : 0;
}

/**
 * The chunks at a and a + B (B samples each, zero outside the clip) interleaved as one complex FFT
 * input z = x_a + i x_b; the range checks only where a chunk reaches past either end.
 */
function loadChunkPair(z: Float64Array, pcm: Float32Array, a: number, B: number): void {
  const n = pcm.length;
  const b = a + B;
  if (a >= 0 && b + B <= n) {
    for (let q = 0; q < B; q++) {
      z[2 * q] = pcm[a + q];
      z[2 * q + 1] = pcm[b + q];
    }
  } else {
    for (let q = 0; q < B; q++) {
      const ia = a + q;
      z[2 * q] = ia >= 0 && ia < n ? pcm[ia] : 0;
      const ib = b + q;
      z[2 * q + 1] = ib >= 0 && ib < n ? pcm[ib] : 0;
    }
  }
}
