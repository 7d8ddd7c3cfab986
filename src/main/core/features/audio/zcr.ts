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
  // crossing[i] = 1 when padded samples i-1 and i differ in sign; prefix sums make each frame O(1)
  const padded = n + 2 * half;
  const prefix = scratchI32('zcr.prefix', padded + 1);
  prefix[0] = 0;
  prefix[1] = 0;
  let prevNeg = isNeg(pcm[0]); // edge padding repeats pcm[0]
  for (let i = 1; i < padded; i++) {
    const j = i - half;
    const v = j < 0 ? pcm[0] : j >= n ? pcm[n - 1] : pcm[j];
    const neg = isNeg(v);
    prefix[i + 1] = prefix[i] + (neg !== prevNeg ? 1 : 0);
    prevNeg = neg;
  }
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const s = t * hop; // frame covers padded [s, s + frameLength); crossings at s+1 .. s+frameLength-1
    out[t] = (prefix[s + frameLength] - prefix[s + 1]) / frameLength;
  }
  return out;
}

function isNeg(v: number): boolean {
  // threshold 1e-10 maps tiny values to +0; otherwise the sign bit
  return v < -1e-10;
}
