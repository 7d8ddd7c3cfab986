// Frame RMS energy as librosa.feature.rms.
import { scratchF64 } from './scratch';
import { centeredFrameCount } from './window';

export const RMS_PARAMS = { frameLength: 2048, hop: 512 } as const;

/**
 * librosa.feature.rms(frame_length=2048, hop_length=512, center=True, pad_mode='constant'):
 * sqrt(mean(x^2)) over each zero-padded, unwindowed frame. Summed per frame (from per-block sums
 * when frames are whole blocks), not as differences of a running prefix sum, so that near-silent
 * frames do not suffer cancellation.
 */
export function rms(pcm: Float32Array, frameLength: number = RMS_PARAMS.frameLength, hop: number = RMS_PARAMS.hop): Float64Array {
  const n = pcm.length;
  const frames = centeredFrameCount(n, hop);
  const half = frameLength >> 1;
  const out = new Float64Array(frames);
  if (frameLength % hop === 0 && half % hop === 0) {
    // frames are whole hop-long blocks (librosa's 2048 / 512): sum each block once, then each frame's
    // blocks (all terms positive, so the regrouping costs nothing in accuracy)
    const blocks = Math.ceil(n / hop);
    const sums = blockSquares(pcm, hop, scratchF64('rms.blocks', blocks));
    const before = half / hop;
    const per = frameLength / hop;
    for (let t = 0; t < frames; t++) {
      const a = Math.max(0, t - before);
      const b = Math.min(blocks, t - before + per);
      let acc = 0;
      for (let j = a; j < b; j++) acc += sums[j];
      out[t] = Math.sqrt(acc / frameLength);
    }
    return out;
  }
  for (let t = 0; t < frames; t++) {
    const s = t * hop - half;
    const a = Math.max(0, s);
    const b = Math.min(n, s + frameLength);
    let acc = 0;
    for (let i = a; i < b; i++) acc += pcm[i] * pcm[i];
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}

/** sums[j] = sum of pcm[i]^2 over block j (hop samples; the last may be shorter). Its own function
 * so that V8's on-stack compilation of this long loop does not stop short of the code after it. */
function blockSquares(pcm: Float32Array, hop: number, sums: Float64Array): Float64Array {
  const n = pcm.length;
  for (let j = 0; j < sums.length; j++) {
    let acc = 0;
    for (let i = j * hop, e = Math.min(n, i + hop); i < e; i++) acc += pcm[i] * pcm[i];
    sums[j] = acc;
  }
  return sums;
}
