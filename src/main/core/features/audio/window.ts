/**
 * Windows and framing shared by every feature. All frames are "centered": frame t is centered on
 * sample t*hop, the signal being padded by n_fft/2 on each side (torch.stft / librosa center=True),
 * so there are 1 + floor(len / hop) frames. The padding is never materialised: `readFrame` copies
 * one frame into a reusable buffer and resolves out-of-range indices by the pad mode.
 */

/** How the signal is extended past its ends: zeros (librosa stft/rms), mirror without repeating
 * the edge sample (torch.stft 'reflect'), or repeat the edge sample (librosa zcr 'edge'). */
export type PadMode = 'constant' | 'reflect' | 'edge';

const hannCache = new Map<number, Float64Array>();

/** Periodic ("fftbins=True") Hann window, as torch.hann_window(n) and scipy get_window('hann', n). */
export function hannPeriodic(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    hannCache.set(n, w);
  }
  return w;
}

/** Number of centered frames (center=True): 1 + floor(len / hop). */
export function centeredFrameCount(length: number, hop: number): number {
  return 1 + Math.floor(length / hop);
}

function padIndex(i: number, n: number, mode: PadMode): number {
  // returns -1 for a zero sample
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return i < 0 ? 0 : n - 1;
  // reflect: x[-k] = x[k], x[n-1+k] = x[n-1-k]; loops for pads longer than the signal (numpy does
  // the same by repeated reflection)
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/**
 * Copies `out.length` samples starting at `start` (may be negative or run past the end) into
 * `out`, extending the signal by `mode`. The fast path (frame fully inside) is a plain copy.
 */
export function readFrame(pcm: Float32Array, start: number, out: Float64Array, mode: PadMode): void {
  const n = pcm.length;
  const len = out.length;
  if (start >= 0 && start + len <= n) {
    for (let i = 0; i < len; i++) out[i] = pcm[start + i];
    return;
  }
  for (let i = 0; i < len; i++) {
    const j = padIndex(start + i, n, mode);
    out[i] = j < 0 ? 0 : pcm[j];
  }
}
