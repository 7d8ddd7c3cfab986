// The pretrained audio and video encoders (wav2vec2, ResNet-50) on items whose media stage was done
// without them: the model was installed later, or an item failed and is tried again on the next run.
// Everything else is fed from the media stage's own decode (encoder-feed.ts); only these items are
// decoded again here, one session per model, ResNet frames batched across clips, ffmpeg decoding of
// the next item overlapping inference of the current one. An item is done when it has features of
// the installed model's version. A segment of a longer recording (start_s < end_s) gets wav2vec2 on
// its own samples, cut as the media stage cuts them (ffmpeg-read.ts decodeSegmentPcm), and ResNet-50
// on its own selected frames (indexed from the segment's frame 0, at frame_entropy.t0_s).
import type { Db } from '../store/db';
import { encoderTodo, featureChecker, type EncoderTodoRow } from '../store/extract-queries';
import type { ProgressEvent } from '../../../shared/types';
import { findInstalled, type InstalledModel } from '../models/store';
import type { Device } from '../models/providers';
import { Wav2Vec2Encoder, WAV2VEC2_PREP } from '../encoders/wav2vec2';
import { ResNetEncoder, toPixelValues, RESNET_PREP, CROP, RESIZE } from '../encoders/resnet';
import { decodeCroppedFrames, decodePcm16k, decodeSegmentPcm } from '../media/ffmpeg-read';
import { EmbeddingWriter, type EmbeddingKind } from '../store/embedding-writer';
import { ProgressMeter } from './progress';
import { ItemClaims } from './media-claims';
import type { AudioFeed, VideoFeed } from './encoder-feed';
import { isSegment, spanErrorMessage, spanProblem } from './span-check';

export interface EncoderRun {
  model: string;
  version: string;
  provider: string;
  threads: number;
  encoded: number;
  failed: number;
}

export interface EncoderStageOptions {
  ffmpeg: string;
  dataDir: string;
  device: Device;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** one line per provider fallback or notable event */
  onNote?: (line: string) => void;
  /** frames per ResNet run (default 16) */
  frameBatch?: number;
  /** only these utterances (a shard) */
  only?: Set<number>;
  /** wav2vec2 as fed during the media stage (encoder-feed.ts): its session is used here and released, its items skipped */
  audioFeed?: AudioFeed;
  /** ResNet-50 as fed during the media stage, likewise */
  videoFeed?: VideoFeed;
}

type Todo = EncoderTodoRow;

/** The span of a segment (null for a whole clip); a span that cannot be extracted is never the whole clip. */
function spanOf(t: Todo): { startS: number; durationS: number } | null {
  return isSegment(t.start_s, t.end_s) ? { startS: t.start_s!, durationS: t.end_s! - t.start_s! } : null;
}

/** A fresh run's counts (nothing encoded yet) for a model on the provider its session uses. */
export function newRun(model: string, version: string, enc: { provider: string; threads: number }): EncoderRun {
  return { model, version, provider: enc.provider, threads: enc.threads, encoded: 0, failed: 0 };
}

export async function runEncoderStage(db: Db, o: EncoderStageOptions): Promise<EncoderRun[]> {
  const runs: EncoderRun[] = [];
  const note = o.onNote ?? (() => {});
  const w2v = o.audioFeed ? o.audioFeed.enc.model : findInstalled(o.dataDir, 'wav2vec2-base-960h');
  if (w2v && !o.signal?.aborted) {
    const r = await runAudio(db, w2v, o, note);
    if (r) runs.push(r);
  } else await o.audioFeed?.enc.release();
  const rn = o.videoFeed ? o.videoFeed.enc.model : findInstalled(o.dataDir, 'resnet-50');
  if (rn && !o.signal?.aborted) {
    const r = await runVideo(db, rn, o, note);
    if (r) runs.push(r);
  } else await o.videoFeed?.enc.release();
  return runs;
}

async function runAudio(db: Db, model: InstalledModel, o: EncoderStageOptions, note: (l: string) => void): Promise<EncoderRun | null> {
  const kind = 'audio.embedding';
  const version = `${model.version}-${WAV2VEC2_PREP}`;
  const fed = o.audioFeed;
  const todo = encoderTodo(db, kind, model.manifest.name, version).filter((t) => (!o.only || o.only.has(t.id)) && !fed?.handled.has(t.id));
  const fedRun = fed && fed.handled.size > 0 ? fed.run : null;
  if (todo.length === 0) {
    await fed?.enc.release();
    return fedRun;
  }
  const enc = fed ? fed.enc : await Wav2Vec2Encoder.open(model, o.device, note).catch((e: Error) => openFailed(model, e, note));
  if (!enc) return null;
  const run: EncoderRun = fedRun ?? newRun(model.manifest.name, version, enc);
  note(`${model.manifest.name}: ${todo.length} utterances decoded again on ${enc.provider} (${enc.threads} threads)`);
  const writer = new EmbeddingWriter(db);
  const meter = new ProgressMeter(`extract ${model.manifest.name}`, todo.length);
  const meta = { extractor: model.manifest.name, version, provider: enc.provider };
  // another extractor on this database shares the items: each is claimed as its decode starts
  const claims = encoderClaims(db, kind, model.manifest.name, version);
  const decode = (t: Todo): Promise<{ skip: true } | { pcm: Float32Array } | { error: string }> => {
    if (!claims.accept(t.id)) return Promise.resolve({ skip: true as const });
    const problem = spanProblem(t.start_s, t.end_s);
    if (problem !== null) return Promise.resolve({ error: spanErrorMessage(t, t.file, t.start_s, t.end_s, problem) });
    return (spanOf(t) ? decodeSegmentPcm(o.ffmpeg, t.file, t.start_s!, t.end_s!, o.signal) : decodePcm16k(o.ffmpeg, t.file, o.signal)).then(
      (pcm) => ({ pcm }),
      (e: Error) => ({ error: e.message }),
    );
  };
  try {
    let next = todo.length ? decode(todo[0]) : null;
    for (let i = 0; i < todo.length && !o.signal?.aborted; i++) {
      const got = await next!;
      next = i + 1 < todo.length ? decode(todo[i + 1]) : null; // decode ahead while the model runs
      const t = todo[i];
      if ('skip' in got) {
        meter.done++; // held or done by another extractor
        continue;
      }
      let vec: Float32Array | null = null;
      let err = 'error' in got ? got.error : null;
      if (!err && 'pcm' in got) {
        try {
          vec = await enc.embed(got.pcm);
        } catch (e) {
          err = (e as Error).message;
        }
      }
      if (o.signal?.aborted) break;
      if (vec && writer.save(t.id, kind, [{ frame: -1, vector: vec }], meta)) run.encoded++;
      else {
        writer.fail(t.id, kind, t.file, err ?? 'the embedding has a NaN or infinite value', version);
        run.failed++;
        meter.errors++;
      }
      meter.done++;
      o.onProgress?.(meter.event());
    }
    await next?.catch(() => {});
  } finally {
    claims.close();
    await enc.release();
  }
  return run;
}

async function runVideo(db: Db, model: InstalledModel, o: EncoderStageOptions, note: (l: string) => void): Promise<EncoderRun | null> {
  const kind = 'video.embedding';
  const version = `${model.version}-${RESNET_PREP}`;
  const fed = o.videoFeed;
  const todo = encoderTodo(db, kind, model.manifest.name, version).filter(
    (t) => (!o.only || o.only.has(t.id)) && !fed?.handled.has(t.id) && t.selected && (JSON.parse(t.selected) as number[]).length > 0,
  );
  const fedRun = fed && fed.handled.size > 0 ? fed.run : null;
  if (todo.length === 0) {
    await fed?.enc.release();
    return fedRun;
  }
  const enc = fed
    ? fed.enc
    : await ResNetEncoder.open(model, o.device, note, { batchSize: o.frameBatch }).catch((e: Error) => openFailed(model, e, note));
  if (!enc) return null;
  const run: EncoderRun = fedRun ?? newRun(model.manifest.name, version, enc);
  note(`${model.manifest.name}: ${todo.length} clips on ${enc.provider} (${enc.threads} threads)`);
  const writer = new EmbeddingWriter(db);
  const meter = new ProgressMeter(`extract ${model.manifest.name}`, todo.length);
  const meta = { extractor: model.manifest.name, version, provider: enc.provider };
  const claims = encoderClaims(db, kind, model.manifest.name, version);
  const decode = (t: Todo) =>
    !claims.accept(t.id)
      ? Promise.resolve({ skip: true as const })
      : decodeCroppedFrames(o.ffmpeg, t.file, JSON.parse(t.selected!) as number[], {
          crop: CROP,
          resize: RESIZE,
          signal: o.signal,
          segment: t.t0_s !== null && t.fps ? { t0S: t.t0_s, fps: t.fps } : undefined,
        }).then(
          (f) => ({ f }),
          (e: Error) => ({ error: e.message }),
        );

  // clips wait in `pending` until their frames fill a batch, then run together
  let pending: { t: Todo; frames: number[]; pixels: Float32Array }[] = [];
  const flush = async () => {
    if (!pending.length) return;
    const n = pending.reduce((a, p) => a + p.frames.length, 0);
    const all = new Float32Array(n * 3 * 224 * 224);
    let off = 0;
    for (const p of pending) {
      all.set(p.pixels, off);
      off += p.pixels.length;
    }
    let vecs: Float32Array[] | null = null;
    let err: string | null = null;
    try {
      vecs = await enc.embed(all, n);
    } catch (e) {
      err = (e as Error).message;
    }
    const save = db.transaction(() => {
      let k = 0;
      for (const p of pending) {
        const rows = p.frames.map((frame) => ({ frame, vector: vecs ? vecs[k++] : new Float32Array(0) }));
        if (vecs && writer.save(p.t.id, kind, rows, meta)) run.encoded++;
        else {
          writer.fail(p.t.id, kind, p.t.file, err ?? 'the embedding has a NaN or infinite value', version);
          run.failed++;
          meter.errors++;
        }
        meter.done++;
      }
    });
    save();
    pending = [];
    o.onProgress?.(meter.event());
  };
  try {
    let next = decode(todo[0]);
    for (let i = 0; i < todo.length && !o.signal?.aborted; i++) {
      const got = await next;
      if (i + 1 < todo.length) next = decode(todo[i + 1]);
      const t = todo[i];
      if ('skip' in got) {
        meter.done++; // held or done by another extractor
        continue;
      }
      if ('error' in got) {
        writer.fail(t.id, kind, t.file, got.error, version);
        run.failed++;
        meter.errors++;
        meter.done++;
        continue;
      }
      pending.push({ t, frames: got.f.frames, pixels: toPixelValues(got.f.rgb, got.f.frames.length) });
      if (pending.reduce((a, p) => a + p.frames.length, 0) >= enc.batchSize) await flush();
    }
    if (!o.signal?.aborted) await flush();
    await next.catch(() => {});
  } finally {
    claims.close(); // after the last flush: an item is handed back once its result is stored
    await enc.release();
  }
  return run;
}

/** Claims on this encoder's items; an item is done once it has this model version's features. */
export function encoderClaims(db: Db, kind: EmbeddingKind, name: string, version: string): ItemClaims {
  return new ItemClaims(db, `${kind}:${name}:${version}`, featureChecker(db, kind, name, version));
}

/** An installed model that does not load (a damaged file): one line, and the run goes on without it. */
export function openFailed(model: InstalledModel, e: Error, note: (l: string) => void): null {
  note(
    `${model.manifest.name}: cannot load ${model.modelPath}: ${e.message.split('\n')[0].slice(0, 300)}; skipped (install it again with models pull or import)`,
  );
  return null;
}
