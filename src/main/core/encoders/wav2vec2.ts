// wav2vec2-base-960h utterance embedding (fed with decoded samples: jobs/encoder-feed.ts): 16 kHz mono PCM, per-utterance zero-mean unit-variance
// normalisation (Wav2Vec2FeatureExtractor, do_normalize), run in chunks so that long audio has
// bounded memory, then the mean of the last hidden state over time (768-d).
// One utterance per run: wav2vec2-base takes no attention mask, so padding several utterances
// into one batch would change their outputs.
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import type { InstalledModel } from '../models/store';
import { openSession, type Device, type Provider } from '../models/providers';

export const WAV2VEC2_SAMPLE_RATE = 16000;
/**
 * preprocessing version, stored with the features. p2: the PCM is the media stage's own decode
 * (media/decode-clip.ts pcmOutputArgs: the first audio stream, mono as the channel mean, where p1 let
 * ffmpeg pick the stream and downmixed stereo to 0.707 (L + R)); a segment's samples are cut where
 * the media stage cuts them (media/decode-recording.ts), not from a seek to its start.
 */
export const WAV2VEC2_PREP = 'p2';
/** wav2vec2's conv feature encoder needs at least one receptive field (400 samples = 25 ms) */
export const MIN_SAMPLES = 400;

/** (x - mean) / sqrt(var + 1e-7), as the feature extractor does (population variance). */
export function normalizeWaveform(x: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length || 1;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
  v /= x.length || 1;
  const inv = 1 / Math.sqrt(v + 1e-7);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) * inv;
  return out;
}

/** Chunk boundaries of `n` samples: chunks of `chunk` samples; a short tail joins the previous chunk. */
export function chunkRanges(n: number, chunk: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += chunk) out.push([s, Math.min(n, s + chunk)]);
  if (out.length > 1 && out[out.length - 1][1] - out[out.length - 1][0] < MIN_SAMPLES * 8) {
    const last = out.pop()!;
    out[out.length - 1][1] = last[1];
  }
  return out;
}

export class Wav2Vec2Encoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: Provider,
    readonly threads: number,
    readonly model: InstalledModel,
    private readonly chunkSamples: number,
  ) {}

  static async open(
    model: InstalledModel,
    device: Device,
    notes: (l: string) => void,
    opts: { chunkSeconds?: number; threads?: number } = {},
  ): Promise<Wav2Vec2Encoder> {
    const s = await openSession(model.modelPath, device, notes, opts.threads);
    const sec = opts.chunkSeconds ?? Number(model.manifest.preprocessing.chunkSeconds ?? 20);
    return new Wav2Vec2Encoder(s.session, s.provider, s.threads, model, Math.round(sec * WAV2VEC2_SAMPLE_RATE));
  }

  get version(): string {
    return `${this.model.version}-${WAV2VEC2_PREP}`;
  }

  /** The 768-d embedding of one utterance's 16 kHz mono PCM. */
  async embed(pcm: Float32Array): Promise<Float32Array> {
    if (pcm.length < MIN_SAMPLES) throw new Error(`audio too short for wav2vec2 (${pcm.length} samples, needs ${MIN_SAMPLES} = 25 ms)`);
    const x = normalizeWaveform(pcm);
    const outName = this.model.info.output;
    let sum: Float64Array | null = null;
    let frames = 0;
    for (const [s, e] of chunkRanges(x.length, this.chunkSamples)) {
      const feeds = { input_values: new (loadOrt().Tensor)('float32', x.subarray(s, e), [1, e - s]) };
      const res = await this.session.run(feeds, [outName]);
      const t = res[outName];
      const dims = t.dims as number[];
      if (dims.length !== 3)
        throw new Error(
          `${this.model.manifest.name}: output ${outName} has shape [${dims}], expected [1, frames, ${this.model.manifest.dim}]`,
        );
      const [, T, D] = dims;
      const data = t.data as Float32Array;
      sum ??= new Float64Array(D);
      for (let f = 0; f < T; f++) for (let d = 0; d < D; d++) sum[d] += data[f * D + d];
      frames += T;
      t.dispose?.();
    }
    if (!sum || frames === 0) throw new Error('wav2vec2 produced no frame');
    const out = new Float32Array(sum.length);
    for (let d = 0; d < sum.length; d++) out[d] = sum[d] / frames;
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
