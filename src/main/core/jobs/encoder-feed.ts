// wav2vec2 fed from the media stage's own decode: the workers hand back each clip's or segment's
// 16 kHz PCM (moved, not copied) and it is embedded here, in the main thread, as results arrive.
// While more than `limitSamples` wait, `onFull(true)` lets the job hold tasks back and pause the
// recordings being decoded, so memory stays bounded on a 2 h recording. Each embedding is stored in
// its own transaction: a cancel leaves an item stored whole or not at all.
import type { Db } from '../store/db';
import type { InstalledModel } from '../models/store';
import type { Device } from '../models/providers';
import { Wav2Vec2Encoder, WAV2VEC2_PREP } from '../encoders/wav2vec2';
import { EmbeddingWriter } from './embedding-writer';
import { ProgressMeter } from './progress';
import type { ProgressEvent } from '../../../shared/types';
import type { ItemClaims } from './media-claims';
import { encoderClaims, openFailed, type EncoderRun } from './encoder-stage';

/** Samples waiting for wav2vec2 before the media stage is held back (4 min of audio, 15 MB). */
export const FEED_LIMIT_SAMPLES = 16000 * 240;

interface Item {
  id: number;
  file: string;
  pcm: Float32Array;
}

export interface AudioFeedOptions {
  signal?: AbortSignal;
  /** the queue went over its limit (true) or back under half of it (false) */
  onFull?: (full: boolean) => void;
  limitSamples?: number;
}

export class AudioFeed {
  /** items handed to the feed (done here, whatever the outcome: the separate decode skips them) */
  readonly handled = new Set<number>();
  readonly run: EncoderRun;
  private readonly writer: EmbeddingWriter;
  private readonly claims: ItemClaims;
  private readonly meta: { extractor: string; version: string; provider: string };
  private readonly limit: number;
  private queue: Item[] = [];
  private queued = 0;
  private full = false;
  private waiters: (() => void)[] = [];
  private pumping: Promise<void> | null = null;
  private error: Error | null = null;
  private meter: ProgressMeter | null = null;
  private onProgress?: (e: ProgressEvent) => void;

  private constructor(
    private readonly db: Db,
    readonly enc: Wav2Vec2Encoder,
    private readonly o: AudioFeedOptions,
  ) {
    const name = enc.model.manifest.name;
    this.run = { model: name, version: enc.version, provider: enc.provider, threads: enc.threads, encoded: 0, failed: 0 };
    this.meta = { extractor: name, version: enc.version, provider: enc.provider };
    this.writer = new EmbeddingWriter(db);
    this.claims = encoderClaims(db, 'audio.embedding', name, enc.version);
    this.limit = o.limitSamples ?? FEED_LIMIT_SAMPLES;
    o.signal?.addEventListener('abort', () => this.setFull(false), { once: true });
  }

  /** The feed with its model loaded, or null when the model does not load (said in one note). */
  static async open(
    db: Db,
    model: InstalledModel,
    device: Device,
    note: (l: string) => void,
    o: AudioFeedOptions = {},
  ): Promise<AudioFeed | null> {
    const enc = await Wav2Vec2Encoder.open(model, device, note).catch((e: Error) => openFailed(model, e, note));
    if (enc) note(`${model.manifest.name}: fed from the media stage's decode on ${enc.provider} (${enc.threads} threads)`);
    return enc ? new AudioFeed(db, enc, o) : null;
  }

  /** Called when the queue goes over its limit (true) and back under half of it (false). */
  setOnFull(f: (full: boolean) => void): void {
    this.o.onFull = f;
  }

  /** The model's stored version (model file version and preprocessing). */
  static version(model: InstalledModel): string {
    return `${model.version}-${WAV2VEC2_PREP}`;
  }

  /** Queues one item's PCM; throws the error that stopped the feed (a failed store), if any. */
  push(id: number, file: string, pcm: Float32Array): void {
    if (this.error) throw this.error;
    if (this.o.signal?.aborted) return;
    this.handled.add(id);
    this.queue.push({ id, file, pcm });
    this.queued += pcm.length;
    if (this.queued > this.limit) this.setFull(true);
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  /** Resolves when the queue has room (at once unless it is full). */
  room(): Promise<void> {
    return this.full ? new Promise((r) => this.waiters.push(r)) : Promise.resolve();
  }

  /** Reports progress from now on (after the media stage: what is left to embed). */
  report(onProgress?: (e: ProgressEvent) => void): void {
    this.onProgress = onProgress;
    this.meter = new ProgressMeter(`extract ${this.run.model}`, this.handled.size);
    this.meter.done = this.run.encoded + this.run.failed;
    this.meter.errors = this.run.failed;
  }

  /** Waits for the queue to be embedded (or dropped on cancel); rethrows a store failure. */
  async drain(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.error) throw this.error;
  }

  /** Gives the claims back (after drain) and, unless the separate stage takes the session over, the model. */
  async close(releaseModel = true): Promise<void> {
    this.claims.close();
    this.queue = [];
    if (releaseModel) await this.enc.release();
  }

  private setFull(full: boolean): void {
    if (full === this.full) return;
    this.full = full;
    this.o.onFull?.(full);
    if (!full) for (const w of this.waiters.splice(0)) w();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length && !this.o.signal?.aborted) {
        const it = this.queue[0];
        await this.embedOne(it);
        this.queue.shift();
        this.queued -= it.pcm.length;
        if (this.queued <= this.limit / 2) this.setFull(false);
      }
    } catch (e) {
      this.error = e as Error;
      this.queue = [];
      this.queued = 0;
      this.setFull(false);
    }
  }

  private async embedOne(it: Item): Promise<void> {
    if (!this.claims.accept(it.id)) return; // held or done by another extractor
    let vec: Float32Array | null = null;
    let err: string | null = null;
    try {
      vec = await this.enc.embed(it.pcm);
    } catch (e) {
      err = (e as Error).message;
    }
    if (this.o.signal?.aborted) return; // cancelled meanwhile: nothing stored for it
    const kind = 'audio.embedding';
    const ok = this.db.transaction(() => {
      if (vec && this.writer.save(it.id, kind, [{ frame: -1, vector: vec }], this.meta)) return true;
      this.writer.fail(it.id, kind, it.file, err ?? 'the embedding has a NaN or infinite value', this.meta.version);
      return false;
    })();
    if (ok) this.run.encoded++;
    else this.run.failed++;
    if (this.meter) {
      this.meter.done++;
      if (!ok) this.meter.errors++;
      this.onProgress?.(this.meter.event());
    }
  }
}
