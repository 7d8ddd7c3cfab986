// The pretrained encoders fed from the media stage's own decode: the workers hand back each clip's or
// segment's 16 kHz PCM (wav2vec2) and its selected frames' crops (ResNet-50), moved, not copied, and
// they are embedded here, in the main thread, once the item's media results are stored. While more
// than a limit waits, `onFull(true)` lets the job hold tasks back and pause the recordings being
// decoded, so memory stays bounded on a 2 h recording. Each item is stored in its own transaction:
// a cancel leaves an item stored whole or not at all.
import type { Db } from '../store/db';
import type { InstalledModel } from '../models/store';
import type { Device } from '../models/providers';
import { Wav2Vec2Encoder, WAV2VEC2_PREP } from '../encoders/wav2vec2';
import { ResNetEncoder, toPixelValues, RESNET_PREP, CROP, RESIZE } from '../encoders/resnet';
import type { CropSpec, Crops } from '../media/crop-frames';
import { EmbeddingWriter, type EmbeddingKind } from '../store/embedding-writer';
import { ProgressMeter } from './progress';
import type { ProgressEvent } from '../../../shared/types';
import type { ItemClaims } from './media-claims';
import { encoderClaims, newRun, openFailed, type EncoderRun } from './encoder-stage';

/** Samples waiting for wav2vec2 before the media stage is held back (4 min of audio, 15 MB). */
export const FEED_LIMIT_SAMPLES = 16000 * 240;
/** Crops waiting for ResNet-50 before the media stage is held back (48 MB). */
export const FEED_LIMIT_FRAMES = 320;
/** ResNet-50's input as the decode prepares it. */
export const RESNET_CROPS: CropSpec = { resize: RESIZE, crop: CROP };

export interface FeedOptions {
  signal?: AbortSignal;
  /** the queue went over its limit (true) or back under half of it (false) */
  onFull?: (full: boolean) => void;
  /** queued units (samples, frames) past which the feed is full */
  limit?: number;
}

interface Item<T> {
  id: number;
  file: string;
  input: T;
  size: number;
}

type Encoder = Wav2Vec2Encoder | ResNetEncoder;

/** A queue of decoded items and the loop that embeds and stores them. */
abstract class Feed<T, E extends Encoder> {
  /** items handed to the feed (done here, whatever the outcome: the separate decode skips them) */
  readonly handled = new Set<number>();
  readonly run: EncoderRun;
  protected readonly writer: EmbeddingWriter;
  protected readonly meta: { extractor: string; version: string; provider: string };
  private readonly claims: ItemClaims;
  private queue: Item<T>[] = [];
  private queued = 0;
  private full = false;
  private waiters: (() => void)[] = [];
  private pumping: Promise<void> | null = null;
  private error: Error | null = null;
  private meter: ProgressMeter | null = null;
  private onProgress?: (e: ProgressEvent) => void;

  protected constructor(
    protected readonly db: Db,
    readonly enc: E,
    protected readonly kind: EmbeddingKind,
    private readonly limit: number,
    protected readonly o: FeedOptions,
  ) {
    const name = enc.model.manifest.name;
    this.run = newRun(name, enc.version, enc);
    this.meta = { extractor: name, version: enc.version, provider: enc.provider };
    this.writer = new EmbeddingWriter(db);
    this.claims = encoderClaims(db, kind, name, enc.version);
    o.signal?.addEventListener('abort', () => this.setFull(false), { once: true });
  }

  /** Embeds these items (at least one) and stores each, one transaction per item. */
  protected abstract embed(items: Item<T>[]): Promise<void>;
  /** How many queued items the next run of the model takes. */
  protected abstract take(queue: Item<T>[]): number;

  /** Called when the queue goes over its limit (true) and back under half of it (false). */
  setOnFull(f: (full: boolean) => void): void {
    this.o.onFull = f;
  }

  /** Queues one item; throws the error that stopped the feed (a failed store), if any. */
  push(id: number, file: string, input: T, size: number): void {
    if (this.error) throw this.error;
    if (this.o.signal?.aborted) return;
    this.handled.add(id);
    this.queue.push({ id, file, input, size });
    this.queued += size;
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

  /** Stores one item's vectors (or its error) in one transaction, unless the run was cancelled meanwhile. */
  protected store(it: Item<T>, rows: { frame: number; vector: Float32Array }[] | null, err: string | null): void {
    if (this.o.signal?.aborted) return;
    const ok = this.db.transaction(() => {
      if (rows && this.writer.save(it.id, this.kind, rows, this.meta)) return true;
      this.writer.fail(it.id, this.kind, it.file, err ?? 'the embedding has a NaN or infinite value', this.meta.version);
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

  private setFull(full: boolean): void {
    if (full === this.full) return;
    this.full = full;
    this.o.onFull?.(full);
    if (!full) for (const w of this.waiters.splice(0)) w();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length && !this.o.signal?.aborted) {
        const items = this.queue.slice(0, Math.max(1, this.take(this.queue)));
        // held or done by another extractor: skipped
        const mine = items.filter((it) => this.claims.accept(it.id));
        if (mine.length) await this.embed(mine);
        this.queue.splice(0, items.length);
        for (const it of items) this.queued -= it.size;
        if (this.queued <= this.limit / 2) this.setFull(false);
      }
    } catch (e) {
      this.error = e as Error;
      this.queue = [];
      this.queued = 0;
      this.setFull(false);
    }
  }
}

/** wav2vec2 on each item's PCM, one item per run (the model takes no attention mask). */
export class AudioFeed extends Feed<Float32Array, Wav2Vec2Encoder> {
  static async open(
    db: Db,
    model: InstalledModel,
    device: Device,
    note: (l: string) => void,
    o: FeedOptions = {},
  ): Promise<AudioFeed | null> {
    const enc = await Wav2Vec2Encoder.open(model, device, note).catch((e: Error) => openFailed(model, e, note));
    if (enc) note(`${model.manifest.name}: fed from the media stage's decode on ${enc.provider} (${enc.threads} threads)`);
    return enc ? new AudioFeed(db, enc, 'audio.embedding', o.limit ?? FEED_LIMIT_SAMPLES, o) : null;
  }

  static version(model: InstalledModel): string {
    return `${model.version}-${WAV2VEC2_PREP}`;
  }

  protected take(): number {
    return 1;
  }

  protected async embed([it]: Item<Float32Array>[]): Promise<void> {
    let vec: Float32Array | null = null;
    let err: string | null = null;
    try {
      vec = await this.enc.embed(it.input);
    } catch (e) {
      err = (e as Error).message;
    }
    this.store(it, vec ? [{ frame: -1, vector: vec }] : null, err);
  }
}

/** ResNet-50 on the selected frames' crops, frames of several items in one batch. */
export class VideoFeed extends Feed<Crops, ResNetEncoder> {
  static async open(
    db: Db,
    model: InstalledModel,
    device: Device,
    note: (l: string) => void,
    o: FeedOptions & { frameBatch?: number } = {},
  ): Promise<VideoFeed | null> {
    const enc = await ResNetEncoder.open(model, device, note, { batchSize: o.frameBatch }).catch((e: Error) => openFailed(model, e, note));
    if (enc) note(`${model.manifest.name}: fed from the media stage's decode on ${enc.provider} (${enc.threads} threads)`);
    return enc ? new VideoFeed(db, enc, 'video.embedding', o.limit ?? FEED_LIMIT_FRAMES, o) : null;
  }

  static version(model: InstalledModel): string {
    return `${model.version}-${RESNET_PREP}`;
  }

  protected take(queue: Item<Crops>[]): number {
    let frames = 0;
    let n = 0;
    while (n < queue.length && frames < this.enc.batchSize) frames += queue[n++].size;
    return n;
  }

  protected async embed(items: Item<Crops>[]): Promise<void> {
    const n = items.reduce((a, it) => a + it.input.frames.length, 0);
    const all = new Uint8Array(items.reduce((a, it) => a + it.input.rgb.length, 0));
    let off = 0;
    for (const it of items) {
      all.set(it.input.rgb, off);
      off += it.input.rgb.length;
    }
    let vecs: Float32Array[] | null = null;
    let err: string | null = null;
    try {
      vecs = await this.enc.embed(toPixelValues(all, n), n);
    } catch (e) {
      err = (e as Error).message;
    }
    let k = 0;
    for (const it of items) {
      const rows = vecs ? it.input.frames.map((frame) => ({ frame, vector: vecs![k++] })) : null;
      this.store(it, rows, err);
    }
  }
}
