// Audio features of one clip from its 16 kHz mono PCM: the DSP summary (MFCC, spectral centroid, ZCR,
// RMS, tempo, pitch; means and spreads) and its fixed-length vector, versioned by AUDIO_FEATURE_VERSION.
import type { AudioSummary } from '../../../../shared/types';
import { mfcc, MFCC_PARAMS } from './mfcc';
import { yinPitch } from './pitch';
import { rms } from './rms';
import { centroidOfPower } from './spectral-centroid';
import { applyMelFrames } from './mel';
import { finite, meanStd } from './stats';
import { scratchF64 } from './scratch';
import { powerFrames } from './stft';
import { centeredFrameCount } from './window';
import { onsetFromMel, onsetMelFilterbank, tempoFromOnset, TEMPO_PARAMS } from './tempo';
import { zeroCrossingRate } from './zcr';

export { mfcc, MFCC_PARAMS } from './mfcc';
export { yinPitch, PITCH_PARAMS } from './pitch';
export { rms } from './rms';
export { spectralCentroid } from './spectral-centroid';
export { zeroCrossingRate } from './zcr';
export { onsetStrength, tempoFromOnset, TEMPO_PARAMS } from './tempo';
export { stft } from './stft';

/**
 * Bump when any feature definition changes, so stored summaries computed with an older
 * definition can be recognised and recomputed.
 */
export const AUDIO_FEATURE_VERSION = 'audio-v1:mfcc25-torchaudio;librosa0.11-centroid-zcr-rms-tempo;yin60-500';

/** The longest analysis window (librosa's n_fft / frame_length of 2048 samples). */
export const MIN_WINDOW_SAMPLES = 2048;

export class AudioTooShortError extends Error {
  readonly samples: number;
  readonly minSamples: number;
  constructor(samples: number, sampleRate: number, minSamples: number = MIN_WINDOW_SAMPLES) {
    const ms = (x: number) => Math.round((x / sampleRate) * 1000 * 10) / 10;
    super(
      `audio clip is too short: ${samples} samples (${ms(samples)} ms) is shorter than one analysis window of ` +
        `${minSamples} samples (${ms(minSamples)} ms at ${sampleRate} Hz)`,
    );
    this.name = 'AudioTooShortError';
    this.samples = samples;
    this.minSamples = minSamples;
  }
}

/** Peak below -60 dBFS: nothing audible to analyse (features are still computed, all finite). */
export function isSilent(pcm: Float32Array): boolean {
  const limit = Math.pow(10, -60 / 20);
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i];
    // a NaN sample is not "sound" either; it is sanitised in computeAudioSummary
    if (v > limit || v < -limit) return false;
  }
  return true;
}

/** Replaces NaN/Infinity samples by 0 (copying only when needed) so no feature can turn NaN. */
function sanitize(pcm: Float32Array): Float32Array {
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i])) {
      const c = new Float32Array(pcm);
      for (let j = i; j < c.length; j++) if (!Number.isFinite(c[j])) c[j] = 0;
      return c;
    }
  }
  return pcm;
}

/**
 * V3 + V4 for one clip (16 kHz mono float PCM in [-1, 1]): torchaudio-definition MFCC mean/std
 * over time, librosa-definition spectral centroid / ZCR / RMS mean and std over frames, librosa
 * beat_track tempo, and YIN pitch mean/std over voiced frames with the voiced fraction.
 */
export function computeAudioSummary(pcm: Float32Array, sampleRate: number): AudioSummary {
  if (!(sampleRate > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
  if (pcm.length < MIN_WINDOW_SAMPLES) throw new AudioTooShortError(pcm.length, sampleRate);
  const x = sanitize(pcm);

  const m = mfcc(x, sampleRate, MFCC_PARAMS.nMfcc);
  const mfccMean: number[] = [];
  const mfccStd: number[] = [];
  for (let c = 0; c < m.nMfcc; c++) {
    const s = meanStd(m.data, m.frames, c, m.nMfcc);
    mfccMean.push(finite(s.mean));
    mfccStd.push(finite(s.std));
  }

  // One 2048/512 power STFT feeds both the centroid (on its square root) and the onset envelope's
  // mel bands, frame by frame (no spectrogram kept; the mel bands go to a reused buffer).
  const { nFft, hop } = TEMPO_PARAMS;
  const frames = centeredFrameCount(x.length, hop);
  const fb = onsetMelFilterbank(sampleRate, nFft);
  const mel = scratchF64('summary.onsetMel', frames * fb.nMels);
  const centroidT = new Float64Array(frames);
  powerFrames(x, nFft, hop, 'constant', (t, a, b) => {
    centroidT[t] = centroidOfPower(a, sampleRate / nFft);
    if (b) centroidT[t + 1] = centroidOfPower(b, sampleRate / nFft);
    applyMelFrames(a, b, fb, mel, t * fb.nMels, (t + 1) * fb.nMels);
  });
  const centroid = meanStd(centroidT);
  const tempo = tempoFromOnset(onsetFromMel(mel, frames, nFft, hop), sampleRate, hop);

  const z = meanStd(zeroCrossingRate(x));
  const r = meanStd(rms(x));

  const track = yinPitch(x, sampleRate);
  let nv = 0;
  for (let t = 0; t < track.voiced.length; t++) nv += track.voiced[t];
  let pitchMean: number | null = null;
  let pitchStd: number | null = null;
  if (nv > 0) {
    const v = new Float64Array(nv);
    for (let t = 0, j = 0; t < track.voiced.length; t++) if (track.voiced[t]) v[j++] = track.f0[t];
    const s = meanStd(v);
    pitchMean = Number.isFinite(s.mean) ? s.mean : null;
    pitchStd = pitchMean === null ? null : finite(s.std);
  }

  return {
    duration_s: x.length / sampleRate,
    sample_rate: sampleRate,
    pitch_hz: pitchMean,
    pitch_std_hz: pitchStd,
    voiced_ratio: track.voiced.length ? nv / track.voiced.length : 0,
    rms: finite(r.mean),
    rms_std: finite(r.std),
    zcr: finite(z.mean),
    zcr_std: finite(z.std),
    spectral_centroid_hz: finite(centroid.mean),
    spectral_centroid_std_hz: finite(centroid.std),
    tempo_bpm: finite(tempo),
    mfcc_mean: mfccMean,
    mfcc_std: mfccStd,
  };
}

/** Length of audioFeatureVector's output. */
export const AUDIO_FEATURE_DIM = 60;

/**
 * Fixed-order numeric vector for the classifier / fusion (60 values):
 *   [0, 25)   mfcc_mean[0..24]
 *   [25, 50)  mfcc_std[0..24]
 *   50 spectral_centroid_hz, 51 spectral_centroid_std_hz,
 *   52 zcr, 53 zcr_std,
 *   54 rms, 55 rms_std,
 *   56 pitch_hz (0 when null), 57 pitch_std_hz (0 when null),
 *   58 voiced_ratio, 59 tempo_bpm
 * Raw units (Hz, BPM, dB-derived MFCC): scaling is the consumer's job (it has the training set).
 */
export function audioFeatureVector(s: AudioSummary): Float32Array {
  const v = new Float32Array(AUDIO_FEATURE_DIM);
  for (let i = 0; i < 25; i++) {
    v[i] = finite(s.mfcc_mean[i] ?? 0);
    v[25 + i] = finite(s.mfcc_std[i] ?? 0);
  }
  const rest = [
    s.spectral_centroid_hz,
    s.spectral_centroid_std_hz,
    s.zcr,
    s.zcr_std,
    s.rms,
    s.rms_std,
    s.pitch_hz ?? 0,
    s.pitch_std_hz ?? 0,
    s.voiced_ratio,
    s.tempo_bpm,
  ];
  for (let i = 0; i < rest.length; i++) v[50 + i] = finite(rest[i]);
  return v;
}
