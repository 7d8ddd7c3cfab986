// Spectral centroid per frame as librosa.feature.spectral_centroid.
import type { Spectrogram } from './stft';

/**
 * librosa.feature.spectral_centroid: per frame, sum_k f_k * S[k] / sum_k S[k] over the magnitude
 * spectrogram (n_fft 2048, hop 512, center, zero padding), f_k = k * sr / n_fft. A frame with no
 * energy gets 0, as librosa's util.normalize leaves all-zero columns at zero.
 */
export function spectralCentroid(
  spec: Spectrogram,
  sampleRate: number,
  /** 'power' lets callers share one |X|^2 STFT: the magnitude is taken here, bin by bin */
  input: 'magnitude' | 'power' = 'magnitude',
): Float64Array {
  const fromPower = input === 'power';
  const out = new Float64Array(spec.frames);
  const df = sampleRate / spec.nFft;
  const { data, bins } = spec;
  if (fromPower) {
    for (let t = 0; t < spec.frames; t++) out[t] = centroidOfPower(data.subarray(t * bins, (t + 1) * bins), df);
    return out;
  }
  for (let t = 0; t < spec.frames; t++) {
    const o = t * bins;
    let num = 0;
    let den = 0;
    for (let k = 0; k < bins; k++) {
      const s = data[o + k];
      num += k * s;
      den += s;
    }
    out[t] = den > 1e-30 ? (num * df) / den : 0;
  }
  return out;
}

/** The centroid (Hz) of one frame's power spectrum |X[k]|^2 (bins k * df), as {@link spectralCentroid} computes it from power. */
export function centroidOfPower(power: Float64Array, df: number): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    const s = Math.sqrt(power[k]);
    num += k * s;
    den += s;
  }
  return den > 1e-30 ? (num * df) / den : 0;
}
