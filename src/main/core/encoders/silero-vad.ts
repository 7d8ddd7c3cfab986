// Silero VAD v5 (MIT; the ONNX file ships in the npm package @ricky0123/vad-web): speech probability
// per 32 ms window of 16 kHz audio, and speech segments from those probabilities as silero-vad's
// get_speech_timestamps makes them (hysteresis, minimum silence and speech, padding).
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import { openSession, type Device, type Provider } from '../models/providers';

export const VAD_RATE = 16000;
/** new samples per model run (32 ms at 16 kHz) */
export const VAD_WINDOW = 512;
/** samples of the previous window prepended to each run (v5's input is [1, 64 + 512]) */
export const VAD_CONTEXT = 64;
export const VAD_MODEL_FILE = '@ricky0123/vad-web/dist/silero_vad_v5.onnx';

export interface VadOptions {
  /** speech when the probability reaches this (default 0.5); speech ends below threshold - 0.15 */
  threshold: number;
  /** a pause shorter than this (s) does not end a segment (default 0.5) */
  minSilenceS: number;
  /** shorter speech (s) is dropped (default 0.25) */
  minSpeechS: number;
  /** seconds added before and after each segment (default 0.1); half the pause when two would overlap */
  padS: number;
}

export const VAD_DEFAULTS: VadOptions = { threshold: 0.5, minSilenceS: 0.5, minSpeechS: 0.25, padS: 0.1 };

/** Where the model file is (resolved at run time from node_modules; null when the package is missing). */
export function vadModelPath(): string | null {
  try {
    return require.resolve(VAD_MODEL_FILE);
  } catch {
    return null;
  }
}

export interface Segment {
  startS: number;
  endS: number;
}

/**
 * Runs the model over a recording fed in consecutive pieces of 16 kHz mono PCM (any length each):
 * the recurrent state and the 64-sample context carry over from piece to piece, so one recording in
 * pieces gives the same probabilities as in one go. One probability per 512-sample window; the last
 * partial window is padded with zeros by finish().
 */
export class SileroVad {
  private state = new Float32Array(2 * 128);
  private context = new Float32Array(VAD_CONTEXT);
  private pending = new Float32Array(0);
  private readonly input = new Float32Array(VAD_CONTEXT + VAD_WINDOW);
  private readonly sr = new (loadOrt().Tensor)('int64', BigInt64Array.from([BigInt(VAD_RATE)]), []);
  private probs: number[] = [];
  samples = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: Provider,
    readonly modelPath: string,
  ) {}

  /** One thread: each run is 576 samples, too small for more to help. */
  static async open(device: Device, notes: (l: string) => void, modelPath = vadModelPath()): Promise<SileroVad> {
    if (!modelPath) throw new Error(`Silero VAD model not found (${VAD_MODEL_FILE}); reinstall the dependencies with npm install`);
    const s = await openSession(modelPath, device, notes, 1);
    const names = s.session.inputNames.join(',');
    if (names !== 'input,state,sr') {
      await s.session.release();
      throw new Error(`${modelPath}: inputs ${names}, expected Silero VAD v5's input,state,sr`);
    }
    return new SileroVad(s.session, s.provider, modelPath);
  }

  /** Back to the start of a new recording. */
  reset(): void {
    this.state = new Float32Array(2 * 128);
    this.context = new Float32Array(VAD_CONTEXT);
    this.pending = new Float32Array(0);
    this.probs = [];
    this.samples = 0;
  }

  /** The next samples of the recording; runs every complete window. */
  async push(pcm: Float32Array, signal?: AbortSignal): Promise<void> {
    this.samples += pcm.length;
    let off = 0;
    if (this.pending.length) {
      // the window that straddles the previous piece and this one
      const need = VAD_WINDOW - this.pending.length;
      const first = new Float32Array(Math.min(VAD_WINDOW, this.pending.length + pcm.length));
      first.set(this.pending);
      first.set(pcm.subarray(0, need), this.pending.length);
      if (first.length < VAD_WINDOW) {
        this.pending = first;
        return;
      }
      this.probs.push(await this.run(first));
      off = need;
    }
    for (; off + VAD_WINDOW <= pcm.length; off += VAD_WINDOW) {
      if (signal?.aborted) throw new Error('cancelled');
      this.probs.push(await this.run(pcm.subarray(off, off + VAD_WINDOW)));
    }
    this.pending = pcm.slice(off);
  }

  /** The speech probability of every window of the recording (the partial last one zero-padded). */
  async finish(): Promise<Float32Array> {
    if (this.pending.length) {
      const last = new Float32Array(VAD_WINDOW);
      last.set(this.pending);
      this.probs.push(await this.run(last));
      this.pending = new Float32Array(0);
    }
    return Float32Array.from(this.probs);
  }

  private async run(window: Float32Array): Promise<number> {
    this.input.set(this.context);
    this.input.set(window, VAD_CONTEXT);
    const res = await this.session.run({
      input: new (loadOrt().Tensor)('float32', this.input, [1, VAD_CONTEXT + VAD_WINDOW]),
      state: new (loadOrt().Tensor)('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    });
    const p = (res.output.data as Float32Array)[0];
    this.state = Float32Array.from(res.stateN.data as Float32Array);
    this.context = window.slice(VAD_WINDOW - VAD_CONTEXT);
    return p;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Speech segments (seconds) from per-window probabilities of a recording of `totalSamples` samples:
 * speech starts at the first window >= threshold and ends at the first window below threshold - 0.15
 * that is followed by at least minSilence of such windows; segments of minSpeech or less are dropped;
 * then each is padded by pad, or by half the pause when the pause is shorter than two pads.
 */
export function speechSegments(probs: ArrayLike<number>, totalSamples: number, opts: Partial<VadOptions> = {}): Segment[] {
  const o = { ...VAD_DEFAULTS, ...opts };
  const neg = Math.max(o.threshold - 0.15, 0.01);
  const minSilence = o.minSilenceS * VAD_RATE;
  const minSpeech = o.minSpeechS * VAD_RATE;
  const pad = o.padS * VAD_RATE;
  const out: { start: number; end: number }[] = [];
  let triggered = false;
  let start = 0;
  let tempEnd = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    const at = i * VAD_WINDOW;
    if (p >= o.threshold && tempEnd) tempEnd = 0;
    if (p >= o.threshold && !triggered) {
      triggered = true;
      start = at;
      continue;
    }
    if (p < neg && triggered) {
      if (!tempEnd) tempEnd = at;
      if (at - tempEnd < minSilence) continue;
      if (tempEnd - start > minSpeech) out.push({ start, end: tempEnd });
      triggered = false;
      tempEnd = 0;
    }
  }
  if (triggered && totalSamples - start > minSpeech) out.push({ start, end: totalSamples });
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (i === 0) s.start = Math.max(0, s.start - pad);
    if (i < out.length - 1) {
      const gap = out[i + 1].start - s.end;
      const move = gap < 2 * pad ? Math.floor(gap / 2) : pad;
      s.end = Math.min(totalSamples, s.end + move);
      out[i + 1].start = Math.max(0, out[i + 1].start - move);
    } else s.end = Math.min(totalSamples, s.end + pad);
  }
  return out.map((s) => ({ startS: round3(s.start / VAD_RATE), endS: round3(s.end / VAD_RATE) }));
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
