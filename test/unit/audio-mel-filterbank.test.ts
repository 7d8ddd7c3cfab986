// melFilterbank scans only the bins inside each triangle: its sparse rows must equal, value for value,
// the rows of the definition evaluated on every bin (torchaudio melscale_fbanks / librosa filters.mel).
import { describe, expect, it } from 'vitest';
import { hzToMel, melFilterbank, melToHz, type MelOptions } from '../../src/main/core/features/audio/mel';

/** The dense matrix W[m][k] of the definition, every bin of every filter (the code before the cursor). */
function dense(o: MelOptions): number[][] {
  const bins = (o.nFft >> 1) + 1;
  const lin = (a: number, b: number, n: number) => {
    const out = new Float64Array(n);
    const step = (b - a) / (n - 1);
    for (let i = 0; i < n; i++) out[i] = a + step * i;
    out[n - 1] = b;
    return out;
  };
  const freqs =
    o.binFreqs === 'torchaudio'
      ? lin(0, Math.floor(o.sampleRate / 2), bins)
      : Float64Array.from({ length: bins }, (_, k) => (k * o.sampleRate) / o.nFft);
  const fPts = lin(hzToMel(o.fMin, o.scale), hzToMel(o.fMax, o.scale), o.nMels + 2).map((m) => melToHz(m, o.scale));
  const rows: number[][] = [];
  for (let m = 0; m < o.nMels; m++) {
    const [lo, mid, hi] = [fPts[m], fPts[m + 1], fPts[m + 2]];
    const enorm = o.norm === 'slaney' ? 2 / (hi - lo) : 1;
    const row: number[] = [];
    for (let k = 0; k < bins; k++) {
      const v = Math.max(0, Math.min((freqs[k] - lo) / (mid - lo), (hi - freqs[k]) / (hi - mid)));
      row.push(v > 0 ? v * enorm : 0);
    }
    rows.push(row);
  }
  return rows;
}

function expand(o: MelOptions): number[][] {
  const fb = melFilterbank(o);
  const rows: number[][] = [];
  for (let m = 0; m < fb.nMels; m++) {
    const row = new Array<number>(fb.bins).fill(0);
    for (let j = 0; j < fb.len[m]; j++) row[fb.start[m] + j] = fb.weights[fb.offset[m] + j];
    rows.push(row);
  }
  return rows;
}

describe('melFilterbank', () => {
  const cases: MelOptions[] = [];
  for (const sampleRate of [8000, 11025, 16000, 22050, 44100, 48000])
    for (const nFft of [400, 512, 2048]) {
      cases.push({
        sampleRate,
        nFft,
        nMels: 128,
        fMin: 0,
        fMax: Math.floor(sampleRate / 2),
        scale: 'htk',
        norm: null,
        binFreqs: 'torchaudio',
      });
      cases.push({ sampleRate, nFft, nMels: 128, fMin: 0, fMax: sampleRate / 2, scale: 'slaney', norm: 'slaney', binFreqs: 'librosa' });
      cases.push({ sampleRate, nFft, nMels: 40, fMin: 300, fMax: sampleRate / 3, scale: 'slaney', norm: null, binFreqs: 'torchaudio' });
    }
  // edges that do not increase take the every-bin path
  cases.push({ sampleRate: 16000, nFft: 400, nMels: 20, fMin: 6000, fMax: 200, scale: 'htk', norm: 'slaney', binFreqs: 'librosa' });

  it('equals the definition on every bin (HTK and Slaney, 8-48 kHz, 400-2048 points, reversed edges)', () => {
    for (const o of cases) {
      const got = expand(o);
      const want = dense(o);
      let nonzero = 0;
      for (let m = 0; m < o.nMels; m++)
        for (let k = 0; k < want[m].length; k++) {
          if (!Object.is(got[m][k], want[m][k])) throw new Error(`${JSON.stringify(o)}: W[${m}][${k}] ${got[m][k]} != ${want[m][k]}`);
          if (want[m][k] !== 0) nonzero++;
        }
      expect(nonzero, JSON.stringify(o)).toBeGreaterThan(0);
    }
  });
});
