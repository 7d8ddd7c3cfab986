// Tempo as librosa.beat.beat_track estimates it (onset strength, then the autocorrelation tempogram's
// peak under a log-normal prior), without running the beat tracker.
import { complexFFT, type ComplexFFT } from './fft-wasm';
import { applyMel, melFilterbank, powerToDb, type MelFilterbank } from './mel';
import { scratchF64 } from './scratch';
import type { Spectrogram } from './stft';
import { hannPeriodic } from './window';

/**
 * Tempo the way librosa.beat.beat_track(y, sr) estimates it (librosa 0.11), i.e. the seed's V4
 * tempo, computed without running the beat tracker itself:
 *
 * 1. onset strength (librosa.onset.onset_strength with aggregate=np.median, as beat_track calls
 *    it): 128-band Slaney mel power spectrogram (n_fft 2048, hop 512), power_to_db with top_db 80,
 *    positive first difference per band, median across bands, shifted right by
 *    1 + n_fft / (2 hop) = 3 frames to undo the framing delay;
 * 2. if the envelope is all zero, beat_track returns tempo 0 (no onsets at all);
 * 3. autocorrelation tempogram over 8 s windows (250 frames), Hann-windowed, centered with a
 *    linear ramp to zero at the ends, each frame normalised by its max, averaged over time;
 * 4. the lag maximising log1p(1e6 * ac) + log-normal prior (mean 120 BPM, 1 octave std),
 *    excluding tempi >= 320 BPM; tempo = 60 * sr / (hop * lag).
 */
export const TEMPO_PARAMS = {
  nFft: 2048,
  hop: 512,
  nMels: 128,
  acSizeS: 8,
  startBpm: 120,
  stdBpm: 1,
  maxTempo: 320,
} as const;

/** The Slaney mel filterbank onset strength uses for a power spectrum of nFft points. */
export function onsetMelFilterbank(sampleRate: number, nFft: number): MelFilterbank {
  return melFilterbank({
    sampleRate,
    nFft,
    nMels: TEMPO_PARAMS.nMels,
    fMin: 0,
    fMax: sampleRate / 2,
    scale: 'slaney',
    norm: 'slaney',
    binFreqs: 'librosa',
  });
}

/** Onset strength envelope from a power spectrogram computed with n_fft 2048, hop 512. */
export function onsetStrength(power: Spectrogram, sampleRate: number): Float64Array {
  const fb = onsetMelFilterbank(sampleRate, power.nFft);
  const mel = applyMel(power, fb, scratchF64('onset.mel', power.frames * TEMPO_PARAMS.nMels));
  return onsetFromMel(mel, power.frames, power.nFft, power.hop);
}

/**
 * Onset strength from the mel power bands (mel[t * nMels + m], {@link onsetMelFilterbank}) of a
 * spectrogram of `frames` frames, n_fft `nFft`, hop `hop`. Converts `mel` to dB in place.
 */
export function onsetFromMel(mel: Float64Array, frames: number, nFft: number, hop: number): Float64Array {
  const S = powerToDb(mel, 80);
  const T = frames;
  const M = TEMPO_PARAMS.nMels;
  const env = new Float64Array(T);
  const lagPad = 1 + Math.floor(nFft / (2 * hop));
  const diff = new Float64Array(M);
  for (let i = 0; i + 1 < T; i++) {
    const t = i + lagPad;
    if (t >= T) break; // trimmed to the input length, as librosa does
    const a = i * M;
    const b = (i + 1) * M;
    let zeros = 0;
    for (let m = 0; m < M; m++) {
      const d = S[b + m] - S[a + m];
      if (d > 0) diff[m] = d;
      else {
        diff[m] = 0;
        zeros++;
      }
    }
    // more than half the bands not rising: the median is 0 (the values are >= 0)
    env[t] = zeros > M >> 1 ? 0 : median(diff);
  }
  return env;
}

/** Median of a scratch array (reordered in place): quickselect, then the max of the lower half. */
function median(x: Float64Array): number {
  const n = x.length;
  const k = n >> 1;
  select(x, k);
  if (n % 2) return x[k];
  let lo = x[0];
  for (let i = 1; i < k; i++) if (x[i] > lo) lo = x[i];
  return 0.5 * (lo + x[k]);
}

/** Hoare quickselect: afterwards x[k] is the k-th smallest, x[<k] <= x[k] <= x[>k]. */
function select(x: Float64Array, k: number): void {
  let l = 0;
  let r = x.length - 1;
  while (r > l) {
    const pivot = x[(l + r) >> 1];
    let i = l;
    let j = r;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        const tmp = x[i];
        x[i] = x[j];
        x[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

const acPlans = new Map<number, { fft: ComplexFFT; z: Float64Array; Z: Float64Array; q: Float64Array; out: Float64Array }>();

/** Global tempo in BPM from an onset envelope (librosa.feature.tempo with beat_track's defaults). */
export function tempoFromOnset(env: Float64Array, sampleRate: number, hop: number = TEMPO_PARAMS.hop): number {
  let any = false;
  for (let i = 0; i < env.length; i++)
    if (env[i] !== 0) {
      any = true;
      break;
    }
  if (!any) return 0;

  // librosa.time_to_frames(8.0): floor(int(8 * sr) / hop)
  const win = Math.floor(Math.floor(TEMPO_PARAMS.acSizeS * sampleRate) / hop);
  const n = env.length;
  const half = win >> 1;
  // np.pad(mode='linear_ramp', end_values=0): left ramps 0 -> env[0], right env[n-1] -> 0
  const padded = new Float64Array(n + 2 * half);
  for (let i = 0; i < half; i++) {
    padded[i] = (env[0] * i) / half;
    padded[n + half + i] = (env[n - 1] * (half - 1 - i)) / half;
  }
  padded.set(env, half);
  // Each frame t is padded[t .. t+win) windowed; full linear autocorrelation via FFT of >= 2*win-1
  let nfft = 2;
  while (nfft < 2 * win - 1) nfft <<= 1;
  let p = acPlans.get(nfft);
  if (!p) {
    const c = () => new Float64Array(2 * nfft);
    p = { fft: complexFFT(nfft), z: c(), Z: c(), q: c(), out: c() };
    acPlans.set(nfft, p);
  }
  const { fft, z, Z, q, out } = p;
  const w = hannPeriodic(win);
  const mask = nfft - 1;
  // The tempogram's mean over frames, sum_t ac_t / max|ac_t| / n. A real sequence's autocorrelation
  // peaks at lag 0 (|ac[j]| <= ac[0] = energy), and ac_t = IFFT(|Y_t|^2), so the mean is one inverse
  // transform of sum_t |Y_t|^2 / E_t (E_t the windowed frame's energy, summed directly; all-zero
  // frames add nothing) instead of one per frame. Two frames per complex FFT: z = a + i*b gives A
  // and B by conjugate symmetry. z past win (2 * win values) is never written, so it stays 0.
  q.fill(0);
  for (let t = 0; t < n; t += 2) {
    const hasB = t + 1 < n;
    let ea = 0;
    let eb = 0;
    for (let j = 0; j < win; j++) {
      const ya = padded[t + j] * w[j];
      const yb = hasB ? padded[t + 1 + j] * w[j] : 0;
      z[2 * j] = ya;
      z[2 * j + 1] = yb;
      ea += ya * ya;
      eb += yb * yb;
    }
    // (the per-frame form skipped frames whose max |ac| = nfft * E was not above 1e-300)
    const ga = nfft * ea > 1e-300 ? 0.25 / ea : 0;
    const gb = nfft * eb > 1e-300 ? 0.25 / eb : 0;
    if (ga === 0 && gb === 0) continue;
    fft.transform(Z, z);
    // the power spectra are even: bins 0..nfft/2 are enough
    for (let k = 0; k <= nfft >> 1; k++) {
      const nk = (nfft - k) & mask;
      const zr = Z[2 * k],
        zi = Z[2 * k + 1],
        wr = Z[2 * nk],
        wi = Z[2 * nk + 1];
      const ar = zr + wr,
        ai = zi - wi,
        br = zi + wi,
        bi = zr - wr;
      q[2 * k] += ga * (ar * ar + ai * ai) + gb * (br * br + bi * bi);
    }
  }
  for (let k = (nfft >> 1) + 1; k < nfft; k++) q[2 * k] = q[2 * (nfft - k)];
  // q is real and even, so its forward FFT is nfft times its inverse: nfft * sum_t ac_t / E_t
  fft.transform(out, q);
  const acMean = new Float64Array(win);
  for (let j = 0; j < win; j++) acMean[j] = out[2 * j] / (nfft * n);

  let best = -1;
  let bestScore = -Infinity;
  const log2Start = Math.log2(TEMPO_PARAMS.startBpm);
  for (let k = 1; k < win; k++) {
    const bpm = (60 * sampleRate) / (hop * k);
    if (bpm >= TEMPO_PARAMS.maxTempo) continue;
    const z = (Math.log2(bpm) - log2Start) / TEMPO_PARAMS.stdBpm;
    const score = Math.log1p(1e6 * acMean[k]) - 0.5 * z * z;
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best > 0 ? (60 * sampleRate) / (hop * best) : 0;
}
