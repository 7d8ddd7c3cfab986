// Our audio features against torchaudio / librosa reference values computed by
// scripts/pyref/make_audio_fixtures.py (committed in test/fixtures/audio; no Python at test time).
//
// Tolerances, and why:
//  * MFCC (V3) is the same definition as torchaudio.transforms.MFCC(sr, n_mfcc=25): against
//    torchaudio run entirely in float64 we agree to 1e-9 relative (measured ~1e-12); against the
//    float32 run the seed actually performs, to 1e-3 * max(1, |value|) (measured <= 2.2e-4),
//    which is float32 round-off in torchaudio, not a difference in definition.
//  * centroid, ZCR, RMS are librosa 0.11's definitions (same framing, padding and window), so
//    1e-5 relative (measured <= 2e-7; ZCR is exact) where the brief only asked for ~1%.
//  * tempo: the same onset envelope and autocorrelation-with-prior as librosa.beat.beat_track,
//    whose result is a discrete lag (tempo = 60 sr / (hop * lag)). The lag must be identical: an
//    argmax over two nearly equal scores could in principle flip between float32 (librosa) and
//    float64 (ours), but on every fixture it does not, and a +-1 allowance let a lag off by one pass.
//  * pitch: a different algorithm from pyin (plain YIN with a voicing threshold vs. pyin's
//    probabilistic thresholds + HMM), and librosa 0.11's yin uses a difference function biased by
//    the energy of the frame tail (ours is the textbook one), so agreement is per voiced frame, in Hz:
//    median |ours - pyin| <= 2 Hz on frames both call voiced, almost no octave errors, mean F0 over
//    those frames within 2 Hz, clip mean within 5 Hz ("a few Hz"). Our voicing is stricter than
//    pyin's (breathy frames with d' > 0.35 are unvoiced), so voiced_ratio is only bounded below.
import { beforeEach, describe, expect, it } from 'vitest';
import { computeAudioSummary, mfcc, onsetStrength, stft, yinPitch } from '../../src/main/core/features/audio';
import { fixtureNames, loadFixture } from '../fixtures/audio/signals';

const names = fixtureNames();
const SR = 16000;

function relErr(a: number, b: number, floor = 1e-12): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

describe('audio features vs torchaudio / librosa references', () => {
  it('has the expected fixtures', () => {
    expect(names).toEqual(expect.arrayContaining(['tone220', 'chirp', 'mix150', 'clicks100bpm', 'speech-male', 'speech-female']));
  });

  describe.each(names)('%s', (name) => {
    const f = loadFixture(name);
    const ref = f.reference;
    // computed in each test, not while the file is collected: mutation testing then knows which
    // tests cover the feature code (a value made at collection time makes every mutant 'static')
    let s: ReturnType<typeof computeAudioSummary>;
    beforeEach(() => {
      s = computeAudioSummary(f.pcm, SR);
    });

    it('input samples match the ones Python analysed', () => {
      expect(f.pcm.length).toBe(f.n_samples);
      let sum = 0;
      let sumsq = 0;
      for (const v of f.pcm) {
        sum += v;
        sumsq += v * v;
      }
      expect(Math.abs(sum - f.checksum.sum)).toBeLessThan(1e-9 * Math.max(1, f.n_samples));
      expect(relErr(sumsq, f.checksum.sumsq)).toBeLessThan(1e-12);
    });

    it('MFCC mean/std over time equal torchaudio (float64: 1e-9, float32 seed: 1e-3)', () => {
      const m = mfcc(f.pcm, SR);
      expect(m.frames).toBe(ref.mfcc_frames);
      for (let c = 0; c < 25; c++) {
        const scale = Math.max(1, Math.abs(ref.mfcc_mean[c]));
        expect(Math.abs(s.mfcc_mean[c] - ref.mfcc_mean[c]) / scale).toBeLessThan(1e-9);
        expect(Math.abs(s.mfcc_std[c] - ref.mfcc_std[c]) / Math.max(1, ref.mfcc_std[c])).toBeLessThan(1e-9);
        expect(Math.abs(s.mfcc_mean[c] - ref.mfcc_mean_f32[c]) / Math.max(1, Math.abs(ref.mfcc_mean_f32[c]))).toBeLessThan(1e-3);
        expect(Math.abs(s.mfcc_std[c] - ref.mfcc_std_f32[c]) / Math.max(1, ref.mfcc_std_f32[c])).toBeLessThan(1e-3);
      }
      // individual frames, so framing/padding is checked and not only the averages
      for (const [t, col] of Object.entries(ref.mfcc_frames_sample)) {
        for (let c = 0; c < 25; c++) {
          expect(Math.abs(m.data[Number(t) * 25 + c] - col[c]) / Math.max(1, Math.abs(col[c]))).toBeLessThan(1e-9);
        }
      }
    });

    it('spectral centroid, ZCR, RMS mean/std equal librosa (1e-5 relative)', () => {
      expect(relErr(s.spectral_centroid_hz, ref.centroid_mean)).toBeLessThan(1e-5);
      expect(relErr(s.spectral_centroid_std_hz, ref.centroid_std)).toBeLessThan(1e-5);
      expect(relErr(s.zcr, ref.zcr_mean)).toBeLessThan(1e-5);
      expect(relErr(s.zcr_std, ref.zcr_std)).toBeLessThan(1e-5);
      expect(relErr(s.rms, ref.rms_mean)).toBeLessThan(1e-5);
      expect(relErr(s.rms_std, ref.rms_std)).toBeLessThan(1e-5);
    });

    it('onset envelope and tempo equal librosa.beat.beat_track (the same lag)', () => {
      const env = onsetStrength(stft(f.pcm, { nFft: 2048, hop: 512, pad: 'constant', power: 2 }), SR);
      expect(env.length).toBe(ref.librosa_frames);
      let sum = 0;
      let max = 0;
      for (const v of env) {
        sum += v;
        max = Math.max(max, v);
      }
      expect(Math.abs(sum - ref.onset_env_sum)).toBeLessThan(1e-4 * Math.max(1, ref.onset_env_sum));
      expect(Math.abs(max - ref.onset_env_max)).toBeLessThan(1e-4 * Math.max(1, ref.onset_env_max));
      if (ref.beat_track_tempo === 0) {
        expect(s.tempo_bpm).toBe(0);
      } else {
        // the same integer lag as librosa, hence the same tempo (to float round-off)
        const lag = (bpm: number) => (60 * SR) / (512 * bpm);
        expect(Math.abs(lag(ref.beat_track_tempo) - Math.round(lag(ref.beat_track_tempo)))).toBeLessThan(1e-9);
        expect(Math.round(lag(s.tempo_bpm))).toBe(Math.round(lag(ref.beat_track_tempo)));
        expect(Math.abs(s.tempo_bpm - ref.beat_track_tempo)).toBeLessThan(1e-9 * ref.beat_track_tempo);
      }
    });

    const pyinVoiced = Array.from(ref.pyin_voiced, (ch) => ch === '1');
    const pitched = ref.pyin_voiced_ratio > 0.5;
    // (the 1 kHz click track has no pitch in the 60-500 Hz range: only tempo is checked there)
    if (pitched)
      it('pitch agrees with pyin on voiced frames (few Hz)', () => {
        const tr = yinPitch(f.pcm, SR);
        expect(tr.voiced.length).toBe(ref.pitch_frames);
        const diffs: number[] = [];
        let gross = 0;
        let oursOnly = 0;
        let nOurs = 0;
        let sumOurs = 0;
        let sumPyin = 0;
        for (let t = 0; t < tr.voiced.length; t++) {
          if (tr.voiced[t]) nOurs++;
          if (tr.voiced[t] && pyinVoiced[t]) {
            diffs.push(Math.abs(tr.f0[t] - ref.pyin_f0[t]));
            if (Math.abs(tr.f0[t] / ref.pyin_f0[t] - 1) > 0.2) gross++;
            sumOurs += tr.f0[t];
            sumPyin += ref.pyin_f0[t];
          } else if (tr.voiced[t]) oursOnly++;
        }
        diffs.sort((a, b) => a - b);
        const n = diffs.length;
        expect(n).toBeGreaterThan(20);
        expect(diffs[n >> 1]).toBeLessThan(2); // median, Hz
        expect(gross / n).toBeLessThanOrEqual(0.02); // octave errors
        expect(Math.abs(sumOurs / n - sumPyin / n)).toBeLessThan(2);
        // precision of our voicing: what we call voiced, pyin calls voiced too
        expect(oursOnly / nOurs).toBeLessThan(0.05);
        // recall: stricter than pyin, but not by much
        expect(s.voiced_ratio).toBeGreaterThan(0.7 * ref.pyin_voiced_ratio);
        // the clip-level value that goes into AudioSummary
        expect(s.pitch_hz).not.toBeNull();
        expect(Math.abs((s.pitch_hz ?? 0) - (ref.pyin_mean_f0 ?? 0))).toBeLessThan(5);
      });

    if (pitched)
      it('pitch is close to librosa.yin frame by frame', () => {
        const tr = yinPitch(f.pcm, SR);
        const diffs: number[] = [];
        for (let t = 0; t < tr.voiced.length; t++) {
          if (tr.voiced[t] && pyinVoiced[t]) diffs.push(Math.abs(tr.f0[t] - ref.yin_f0[t]));
        }
        diffs.sort((a, b) => a - b);
        expect(diffs[diffs.length >> 1]).toBeLessThan(1.5);
      });

    it('never returns NaN or Infinity', () => {
      for (const v of Object.values(s)) {
        for (const x of Array.isArray(v) ? v : [v]) if (x !== null) expect(Number.isFinite(x)).toBe(true);
      }
    });
  });

  it('tone and chirp: pitch is the analytic one', () => {
    const tone = computeAudioSummary(loadFixture('tone220').pcm, SR);
    expect(Math.abs((tone.pitch_hz ?? 0) - 220)).toBeLessThan(0.5);
    // linear chirp 100 -> 400 Hz: mean instantaneous frequency 250 Hz
    const chirp = computeAudioSummary(loadFixture('chirp').pcm, SR);
    expect(Math.abs((chirp.pitch_hz ?? 0) - 250)).toBeLessThan(2);
    expect(chirp.voiced_ratio).toBeGreaterThan(0.95);
    // std of a uniform 100..400 sweep is 300 / sqrt(12)
    expect(Math.abs((chirp.pitch_std_hz ?? 0) - 300 / Math.sqrt(12))).toBeLessThan(3);
  });

  it('click track at 100 BPM: tempo within one lag bin of 100', () => {
    const s = computeAudioSummary(loadFixture('clicks100bpm').pcm, SR);
    const lag = (bpm: number) => (60 * SR) / (512 * bpm);
    expect(Math.abs(lag(s.tempo_bpm) - lag(100))).toBeLessThan(1);
  });
});
