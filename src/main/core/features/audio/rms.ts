// Frame RMS energy as librosa.feature.rms.
import { centeredFrameCount } from './window';

export const RMS_PARAMS = { frameLength: 2048, hop: 512 } as const;

/**
 * librosa.feature.rms(frame_length=2048, hop_length=512, center=True, pad_mode='constant'):
 * sqrt(mean(x^2)) over each zero-padded, unwindowed frame. Summed directly per frame (not with a
 * running prefix sum) so that near-silent frames do not suffer cancellation.
 */
export function rms(pcm: Float32Array, frameLength: number = RMS_PARAMS.frameLength, hop: number = RMS_PARAMS.hop): Float64Array {
  const n = pcm.length;
  const frames = centeredFrameCount(n, hop);
  const half = frameLength >> 1;
  const out = new Float64Array(frames);
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
