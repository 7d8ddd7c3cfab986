// Zero-crossing rate per frame as librosa.feature.zero_crossing_rate.
import { scratchI32 } from './scratch';
import { centeredFrameCount } from './window';

export const ZCR_PARAMS = { frameLength: 2048, hop: 512 } as const;

/**
 * librosa.feature.zero_crossing_rate(frame_length=2048, hop_length=512, center=True): the signal
 * is edge-padded by frame_length/2, and each frame counts sign changes between consecutive samples
 * inside it (the first sample has no predecessor: pad=False), divided by frame_length. Values with
 * |x| <= 1e-10 count as 0, and 0 counts as positive (librosa's threshold and zero_pos defaults).
 */
export function zeroCrossingRate(
  pcm: Float32Array,
  frameLength: number = ZCR_PARAMS.frameLength,
  hop: number = ZCR_PARAMS.hop,
): Float64Array {
  const n = pcm.length;
  const frames = centeredFrameCount(n, hop);
  const half = frameLength >> 1;
  const out = new Float64Array(frames);
  if (n === 0) return out;
  // cum[l] = crossings between pcm[i-1] and pcm[i] for 1 <= i <= l. The edge padding repeats pcm[0]
  // and pcm[n-1], so it adds none: padded crossing i is pcm crossing i - half when that is in
  // [1, n-1], else none; frame t counts padded crossings t*hop+1 .. t*hop+frameLength-1.
  const cum = scratchI32('zcr.prefix', n);
  cum[0] = 0;
  // branch-free: speech changes sign at random, a branch on it mispredicts
  let prev = +isNeg(pcm[0]);
  let c = 0;
  for (let i = 1; i < n; i++) {
    const neg = +isNeg(pcm[i]);
    c += neg ^ prev;
    cum[i] = c;
    prev = neg;
  }
  for (let t = 0; t < frames; t++) {
    const lo = Math.max(1, t * hop + 1 - half);
    const hi = Math.min(n - 1, t * hop + frameLength - 1 - half);
    out[t] = hi >= lo ? (cum[hi] - cum[lo - 1]) / frameLength : 0;
  }
  return out;
}

function isNeg(v: number): boolean {
  // threshold 1e-10 maps tiny values to +0; otherwise the sign bit
  return v < -1e-10;
}
