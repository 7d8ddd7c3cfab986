// Short-time Fourier transform (power-of-two and mixed-radix sizes) into a frame-major spectrogram.
import { complexFFT } from './fft-wasm';
import { mixedFFT, type InterleavedFFT } from './fft-mixed-wasm';
import { frameKernel, frameKernelBytes, type FrameKernel } from './stft-wasm';
import { centeredFrameCount, hannPeriodic, readFrame, type PadMode } from './window';

/** A spectrogram laid out frame-major: data[t * bins + k], bins = nFft/2 + 1. */
export interface Spectrogram {
  frames: number;
  bins: number;
  nFft: number;
  hop: number;
  data: Float64Array;
}

export interface StftOptions {
  nFft: number;
  hop: number;
  pad: PadMode;
  /** 1: magnitude |X| (librosa's default S for spectral features), 2: power |X|^2 */
  power: 1 | 2;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 1 && (n & (n - 1)) === 0;
}

// Plans and scratch buffers are kept per size so repeated clips allocate nothing but the output.
interface Plan {
  /** fft.js's algorithm (powers of two) or fft-mixed.ts's (others), interleaved [re, im, ...] */
  fft: InterleavedFFT;
  /** interleaved complex input / output of the packed pair of frames (the kernel's own, if it has them) */
  z: Float64Array;
  out: Float64Array;
  a: Float64Array;
  b: Float64Array;
  /** the pack and power loops in WebAssembly, where the FFT is a kernel */
  kernel: FrameKernel | null;
}
const plans = new Map<number, Plan>();
function planFor(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    const fft = isPowerOfTwo(n) ? complexFFT(n, frameKernelBytes(n)) : mixedFFT(n, frameKernelBytes(n));
    p = {
      fft,
      kernel: frameKernel(fft, hannPeriodic(n)),
      z: fft.input ?? new Float64Array(2 * n),
      out: fft.output ?? new Float64Array(2 * n),
      a: new Float64Array(n),
      b: new Float64Array(n),
    };
    plans.set(n, p);
  }
  return p;
}

/**
 * Short-time Fourier transform magnitude or power with a periodic Hann window of length nFft,
 * centered frames (torch.stft / librosa.stft with center=True), one-sided. `out` (optional, of
 * length frames * bins) receives the data instead of a new array; every element is written.
 */
export function stft(pcm: Float32Array, opt: StftOptions, out?: Float64Array): Spectrogram {
  const { nFft, hop, power } = opt;
  const frames = centeredFrameCount(pcm.length, hop);
  const bins = (nFft >> 1) + 1;
  if (out && out.length !== frames * bins) throw new RangeError(`stft output needs ${frames * bins} values, got ${out.length}`);
  const data = out ?? new Float64Array(frames * bins);
  const put = (t: number, p: Float64Array) => {
    const o = t * bins;
    if (power === 2) for (let k = 0; k < bins; k++) data[o + k] = p[k];
    else for (let k = 0; k < bins; k++) data[o + k] = Math.sqrt(p[k]);
  };
  powerFrames(pcm, nFft, hop, opt.pad, (t, a, b) => {
    put(t, a);
    if (b) put(t + 1, b);
  });
  return { frames, bins, nFft, hop, data };
}

/** Per-size buffers for the power of the two frames of a pair. */
const frameBuffers = new Map<number, [Float64Array, Float64Array]>();

/**
 * The power STFT two frames at a time, without storing the spectrogram: `onFrames(t, a, b)` gets
 * frames t and t + 1's |X[k]|^2, k = 0..nFft/2 (b null when t is the last frame; valid during the
 * call only), for t = 0, 2, 4, ... in order. The values are those {@link stft} stores (it is built
 * on this). Consumers that reduce each frame right away (mel bands, centroid) keep their working
 * set in cache instead of a spectrogram of up to a MB, and can interleave the two frames' sums.
 */
export function powerFrames(
  pcm: Float32Array,
  nFft: number,
  hop: number,
  pad: PadMode,
  onFrames: (t: number, a: Float64Array, b: Float64Array | null) => void,
): void {
  const frames = centeredFrameCount(pcm.length, hop);
  const bins = (nFft >> 1) + 1;
  let fb = frameBuffers.get(nFft);
  if (!fb) {
    fb = [new Float64Array(bins), new Float64Array(bins)];
    frameBuffers.set(nFft, fb);
  }
  const [pwA, pwB] = fb;
  const win = hannPeriodic(nFft);
  const half = nFft >> 1;

  // Two real frames per complex FFT: z = a + i*b, then A[k] = (Z[k] + conj Z[N-k]) / 2 and
  // B[k] = (Z[k] - conj Z[N-k]) / 2i. With fft.js this beats two realTransform calls, and it is
  // what makes the non-power-of-two (mixed-radix) transform affordable.
  const { fft, z, out, a, b, kernel } = planFor(nFft);
  const packed = kernel && hop <= nFft ? kernel : null;
  const n = pcm.length;
  for (let t = 0; t < frames; t += 2) {
    const hasB = t + 1 < frames;
    const sa = t * hop - half;
    const sb = sa + hop;
    const inside = sa >= 0 && sb + nFft <= n;
    if (!inside) {
      readFrame(pcm, sa, a, pad);
      if (hasB) readFrame(pcm, sb, b, pad);
      else b.fill(0);
    }
    // interleaved [re, im, re, im, ...]
    if (inside && packed) {
      packed.samples.set(pcm.subarray(sa, sb + nFft));
      packed.pack(hop);
    } else if (inside) {
      for (let i = 0; i < nFft; i++) {
        z[2 * i] = pcm[sa + i] * win[i];
        z[2 * i + 1] = pcm[sb + i] * win[i];
      }
    } else {
      for (let i = 0; i < nFft; i++) {
        z[2 * i] = a[i] * win[i];
        z[2 * i + 1] = b[i] * win[i];
      }
    }
    fft.transform(out, z);
    if (kernel) {
      kernel.power();
      onFrames(t, kernel.pwA, hasB ? kernel.pwB : null);
      continue;
    }
    for (let k = 0; k < bins; k++) {
      const nk = k === 0 ? 0 : nFft - k;
      const xr = out[2 * k],
        xi = out[2 * k + 1];
      const wr = out[2 * nk],
        wi = out[2 * nk + 1];
      const ar = xr + wr,
        ai = xi - wi; // 2*A[k]
      pwA[k] = 0.25 * (ar * ar + ai * ai);
      const br = xi + wi,
        bi = xr - wr; // 2*B[k] up to a rotation
      pwB[k] = 0.25 * (br * br + bi * bi);
    }
    onFrames(t, pwA, hasB ? pwB : null);
  }
}
