// Audio features on signals whose answer is known in closed form.
import { describe, expect, it } from 'vitest';
import {
  AUDIO_FEATURE_DIM,
  AUDIO_FEATURE_VERSION,
  AudioTooShortError,
  audioFeatureVector,
  computeAudioSummary,
  isSilent,
  rms,
  spectralCentroid,
  stft,
  yinPitch,
  zeroCrossingRate,
} from '../../src/main/core/features/audio';
import type { AudioSummary } from '../../src/shared/types';

const SR = 16000;

function sine(freq: number, amp: number, seconds: number, sr = SR): Float32Array {
  const n = Math.round(seconds * sr);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / sr);
  return x;
}

/** every number in the summary (including arrays) is finite */
function expectAllFinite(s: AudioSummary): void {
  for (const [k, v] of Object.entries(s)) {
    if (v === null) continue;
    const vals = Array.isArray(v) ? v : [v];
    for (const x of vals) expect(Number.isFinite(x), `${k} = ${x}`).toBe(true);
  }
  expect(s.mfcc_mean).toHaveLength(25);
  expect(s.mfcc_std).toHaveLength(25);
}

/** interior frames only: centered frames at the clip edges are half zero padding */
function interior(x: Float64Array, skip = 3): Float64Array {
  return x.subarray(skip, x.length - skip);
}

describe('audio features on analytic signals', () => {
  it('220 Hz sine: pitch 220 +- 3 Hz and voiced almost everywhere', () => {
    const s = computeAudioSummary(sine(220, 0.5, 3.6), SR);
    expectAllFinite(s);
    expect(s.pitch_hz).not.toBeNull();
    expect(Math.abs((s.pitch_hz ?? 0) - 220)).toBeLessThan(3);
    expect(s.pitch_std_hz ?? 99).toBeLessThan(1);
    expect(s.voiced_ratio).toBeGreaterThan(0.97);
    expect(s.duration_s).toBeCloseTo(3.6, 9);
    expect(s.sample_rate).toBe(SR);
  });

  it.each([80, 110, 150, 300, 440])('pitch of a %d Hz sine within 1 Hz', (f) => {
    const tr = yinPitch(sine(f, 0.3, 1), SR);
    const voicedF0 = Array.from(tr.f0).filter((_, t) => tr.voiced[t]);
    expect(voicedF0.length).toBeGreaterThan(tr.voiced.length * 0.9);
    for (const v of voicedF0) expect(Math.abs(v - f)).toBeLessThan(1);
  });

  it('RMS of a sine of amplitude A is A / sqrt(2)', () => {
    for (const amp of [0.1, 0.5, 0.9]) {
      const frames = rms(sine(330, amp, 2));
      for (const v of interior(frames)) expect(Math.abs(v / (amp / Math.SQRT2) - 1)).toBeLessThan(2e-3);
      // the clip mean includes the two half-padded edge frames at each end
      const s = computeAudioSummary(sine(330, amp, 3.6), SR);
      expect(Math.abs(s.rms / (amp / Math.SQRT2) - 1)).toBeLessThan(0.02);
    }
  });

  it('ZCR of a sine of frequency f is about 2f / sr', () => {
    for (const f of [100, 220, 1000, 3000]) {
      const frames = zeroCrossingRate(sine(f, 0.5, 2));
      const expected = (2 * f) / SR;
      // a 2048-sample frame holds 2f*2048/sr crossings, give or take one
      for (const v of interior(frames)) expect(Math.abs(v - expected)).toBeLessThanOrEqual(1.5 / 2048);
      const s = computeAudioSummary(sine(f, 0.5, 3.6), SR);
      expect(Math.abs(s.zcr / expected - 1)).toBeLessThan(0.05);
    }
  });

  it('spectral centroid of a pure tone is near its frequency', () => {
    for (const f of [220, 1000, 4000]) {
      const spec = stft(sine(f, 0.5, 2), { nFft: 2048, hop: 512, pad: 'constant', power: 1 });
      const c = interior(spectralCentroid(spec, SR));
      // Hann leakage is nearly symmetric; the bias comes from the 1/k^3 tails only
      for (const v of c) expect(Math.abs(v / f - 1)).toBeLessThan(0.015);
      const s = computeAudioSummary(sine(f, 0.5, 3.6), SR);
      expect(Math.abs(s.spectral_centroid_hz / f - 1)).toBeLessThan(0.03);
    }
  });

  it('silence gives finite values, pitch null, voiced_ratio 0, tempo 0', () => {
    const zeros = new Float32Array(SR * 2);
    expect(isSilent(zeros)).toBe(true);
    const s = computeAudioSummary(zeros, SR);
    expectAllFinite(s);
    expect(s.pitch_hz).toBeNull();
    expect(s.pitch_std_hz).toBeNull();
    expect(s.voiced_ratio).toBe(0);
    expect(s.rms).toBe(0);
    expect(s.zcr).toBe(0);
    expect(s.spectral_centroid_hz).toBe(0);
    expect(s.tempo_bpm).toBe(0);
    // every mel band at the -100 dB floor: c0 = -100 * 128 / sqrt(128), the rest 0
    expect(s.mfcc_mean[0]).toBeCloseTo(-100 * Math.sqrt(128), 6);
    for (let c = 1; c < 25; c++) expect(Math.abs(s.mfcc_mean[c])).toBeLessThan(1e-9);
  });

  it('near-silence (-120 dBFS) is silent, finite and unvoiced', () => {
    const x = sine(200, 1e-6, 1);
    expect(isSilent(x)).toBe(true);
    const s = computeAudioSummary(x, SR);
    expectAllFinite(s);
    expect(s.pitch_hz).toBeNull();
    expect(s.voiced_ratio).toBe(0);
  });

  it('isSilent uses -60 dBFS on the peak', () => {
    expect(isSilent(sine(200, 0.0009, 0.5))).toBe(true);
    expect(isSilent(sine(200, 0.0011, 0.5))).toBe(false);
  });

  it('a constant (DC) signal is not voiced', () => {
    const s = computeAudioSummary(new Float32Array(SR).fill(0.5), SR);
    expectAllFinite(s);
    expect(s.pitch_hz).toBeNull();
    expect(s.zcr).toBe(0);
  });

  it('a DC offset does not change the pitch', () => {
    const x = sine(150, 0.2, 1).map((v) => v + 0.3);
    const s = computeAudioSummary(x, SR);
    expect(Math.abs((s.pitch_hz ?? 0) - 150)).toBeLessThan(1);
  });

  it('white noise is mostly unvoiced', () => {
    let st = 1;
    const x = new Float32Array(SR * 2).map(() => {
      st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
      return 0.3 * (st / 2 ** 32 - 0.5);
    });
    const s = computeAudioSummary(x, SR);
    expectAllFinite(s);
    expect(s.voiced_ratio).toBeLessThan(0.05);
    expect(Math.abs(s.zcr - 0.5)).toBeLessThan(0.05);
  });

  it('an isolated impulse and a full-scale square wave stay finite', () => {
    const imp = new Float32Array(SR);
    imp[5000] = 1;
    expectAllFinite(computeAudioSummary(imp, SR));
    expectAllFinite(
      computeAudioSummary(
        new Float32Array(SR).map((_, i) => (i % 64 < 32 ? 1 : -1)),
        SR,
      ),
    );
  });

  it('NaN / Infinity samples are treated as 0 and never reach the output', () => {
    const x = sine(200, 0.5, 1);
    x[100] = NaN;
    x[2000] = Infinity;
    x[3000] = -Infinity;
    const s = computeAudioSummary(x, SR);
    expectAllFinite(s);
    expect(Math.abs((s.pitch_hz ?? 0) - 200)).toBeLessThan(2);
    expect(Number.isNaN(x[100])).toBe(true); // the caller's buffer is not modified
  });

  it('input shorter than one analysis window throws AudioTooShortError', () => {
    expect(() => computeAudioSummary(new Float32Array(2047), SR)).toThrow(AudioTooShortError);
    expect(() => computeAudioSummary(new Float32Array(0), SR)).toThrow(AudioTooShortError);
    try {
      computeAudioSummary(new Float32Array(1000), SR);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AudioTooShortError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('AudioTooShortError');
      expect((e as Error).message).toContain('128 ms');
      expect((e as Error).message).toContain('62.5 ms');
    }
    // exactly one window is enough
    expectAllFinite(computeAudioSummary(sine(300, 0.5, 2048 / SR), SR));
  });

  it('does not modify its input', () => {
    const x = sine(200, 0.5, 0.5);
    const copy = new Float32Array(x);
    computeAudioSummary(x, SR);
    expect(x).toEqual(copy);
  });

  it('audioFeatureVector has the documented fixed order', () => {
    const s = computeAudioSummary(sine(220, 0.5, 1), SR);
    const v = audioFeatureVector(s);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(AUDIO_FEATURE_DIM);
    expect(AUDIO_FEATURE_DIM).toBe(60);
    for (let i = 0; i < 25; i++) {
      expect(v[i]).toBeCloseTo(s.mfcc_mean[i], 3);
      expect(v[25 + i]).toBeCloseTo(s.mfcc_std[i], 3);
    }
    const rest = [
      s.spectral_centroid_hz,
      s.spectral_centroid_std_hz,
      s.zcr,
      s.zcr_std,
      s.rms,
      s.rms_std,
      s.pitch_hz,
      s.pitch_std_hz,
      s.voiced_ratio,
      s.tempo_bpm,
    ];
    rest.forEach((x, i) => expect(v[50 + i]).toBeCloseTo(x ?? 0, 3));

    const silent = audioFeatureVector(computeAudioSummary(new Float32Array(4096), SR));
    expect(silent[56]).toBe(0);
    expect(silent[57]).toBe(0);
    expect(silent.every((x) => Number.isFinite(x))).toBe(true);
    expect(typeof AUDIO_FEATURE_VERSION).toBe('string');
    expect(AUDIO_FEATURE_VERSION.length).toBeGreaterThan(0);
  });
});

describe('reused buffers', () => {
  it('a clip gives the same summary before and after clips of other lengths (no stale scratch)', () => {
    const chirp = Float32Array.from({ length: 40000 }, (_, i) => 0.4 * Math.sin(2 * Math.PI * (150 + i / 200) * (i / SR)));
    const first = computeAudioSummary(chirp, SR);
    computeAudioSummary(sine(300, 0.7, 6), SR); // longer: the buffers grow
    computeAudioSummary(sine(90, 0.2, 0.2), SR); // shorter: the old contents stay past its end
    expect(computeAudioSummary(chirp, SR)).toEqual(first);
    // a spectrogram the caller keeps is its own, not a reused buffer
    const a = stft(chirp, { nFft: 2048, hop: 512, pad: 'constant', power: 2 });
    const copy = Float64Array.from(a.data);
    computeAudioSummary(sine(300, 0.7, 3), SR);
    expect(a.data).toEqual(copy);
  });
});

describe('pitch tracker options', () => {
  it('gives the same answer after being called with other window sizes (no stale scratch)', () => {
    const x = sine(180, 0.4, 1);
    const a = yinPitch(x, SR);
    yinPitch(sine(95, 0.4, 1), SR, { window: 300, fMin: 80 });
    const b = yinPitch(x, SR);
    expect(Array.from(b.f0)).toEqual(Array.from(a.f0));
    const c = yinPitch(x, SR, { window: 300, fMin: 80 });
    const voiced = Array.from(c.f0).filter((_, t) => c.voiced[t]);
    expect(voiced.length).toBeGreaterThan(c.voiced.length * 0.9);
    for (const v of voiced) expect(Math.abs(v - 180)).toBeLessThan(1);
  });
});
