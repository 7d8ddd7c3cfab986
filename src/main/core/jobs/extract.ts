// The resumable extraction job: media stage (worker pool, one ffmpeg pass per clip) then the text
// stage. Items whose stage is recorded are skipped, so a killed run resumes where it stopped;
// results are committed in batches, one transaction each, so a kill loses at most one batch.
// An item whose audio did not change (a video-only version change: feature-repo.ts saveMedia) keeps
// its wav2vec2 embedding and is not fed to wav2vec2 again; ResNet-50 reruns on its new frames.
import os from 'node:os';
import type { Db } from '../store/db';
import { FeatureWriter, audioEmbeddingKeptCheck, type KeptAudioEncoder, type MediaVersions } from '../store/feature-repo';
import { WorkerPool, type TaskOutcome } from './worker-pool';
import { ProgressMeter } from './progress';
import type { ProgressEvent } from '../../../shared/types';
import { AUDIO_FEATURE_VERSION } from '../features/audio';
import { VIDEO_FEATURE_VERSION } from '../features/video/select-frames';
import { runTextStageAsync } from './text-stage';
import { shardMembers, type ShardSpec } from './shard';
import { runEncoderStage, type EncoderRun } from './encoder-stage';
import { runNeuralTextStage } from './text-neural-stage';
import { findInstalled } from '../models/store';
import type { Device } from '../models/providers';
import type { MediaTask } from './worker-pool';
import { planMediaTasks, mediaStageVersion, MEDIA_STAGE_VERSION, SEGMENT_SUFFIX } from './media-tasks';
import { MediaClaims } from './media-claims';
import { failedMediaResult, type MediaWants } from './process-media';
import { AudioFeed, VideoFeed, RESNET_CROPS } from './encoder-feed';

export { MEDIA_STAGE_VERSION } from './media-tasks';

export interface ExtractOptions {
  ffmpeg: string;
  workers?: number; // default: available cores (audio-only on <= 2 cores: the calling thread); 0 = in the calling thread
  /**
   * The caller's thread has nothing else to serve (the CLI): on <= 2 cores whole clips too are
   * analysed in it, not in worker threads. Off for the app's server and Electron's main process, whose
   * event loop must not stall for a clip's frame statistics (~60 ms a 720p clip).
   */
  dedicatedThread?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  batchSize?: number;
  limit?: number; // process at most this many media items (used by tests and sharding)
  shard?: ShardSpec; // only the utterances of this shard (media and text), see shard.ts
  /** data folder whose installed pretrained models are used (none given: built-in encoders only) */
  dataDir?: string;
  /** execution provider for the pretrained encoders (default auto) */
  device?: Device;
  /** one-line notes from the pretrained encoders (provider fallback, what runs where) */
  onNote?: (line: string) => void;
  /** streams to decode (`--modalities`; default both) */
  wants?: MediaWants;
  /** PCM samples that may wait for wav2vec2 before the media stage is held back (encoder-feed.ts; tests) */
  feedLimitSamples?: number;
  /** crops that may wait for ResNet-50 before the media stage is held back (encoder-feed.ts; tests) */
  feedLimitFrames?: number;
}

export interface ExtractSummary {
  media: { processed: number; failed: number; skipped: number; pending: number };
  text: { encoded: number; failed: number; refit: boolean; fittedOn: string | null; encoder?: string };
  /** the pretrained encoders that ran in this call (empty: none installed, or nothing left to do) */
  encoders?: EncoderRun[];
  cancelled: boolean;
}

export async function runExtraction(db: Db, opts: ExtractOptions): Promise<ExtractSummary> {
  const members = opts.shard ? shardMembers(db, opts.shard) : undefined;
  const wants = opts.wants ?? { audio: true, video: true };
  const stageVersion = mediaStageVersion(wants);
  // clips and recordings (segments grouped by their media file: one decode each)
  const plan =
    wants.audio || wants.video
      ? planMediaTasks(db, wants, members, opts.limit)
      : { tasks: [], items: 0, skipped: 0, pending: 0, badSpans: [] };
  const todo = plan.tasks;
  const summary: ExtractSummary = {
    media: { processed: 0, failed: 0, skipped: plan.skipped, pending: plan.pending },
    text: { encoded: 0, failed: 0, refit: false, fittedOn: null },
    cancelled: false,
  };
  // what this run's items are marked with; a one-stream run keeps the other stream's current results (feature-repo.ts)
  const undecoded = wants.audio && wants.video ? null : wants.audio ? ('video' as const) : ('audio' as const);
  const versionsFor = (sfx: string): MediaVersions => ({
    audio: AUDIO_FEATURE_VERSION,
    video: VIDEO_FEATURE_VERSION,
    stage: stageVersion + sfx,
    ...(undecoded && { undecoded: { stream: undecoded, fullStage: MEDIA_STAGE_VERSION + sfx, segmentSuffix: SEGMENT_SUFFIX } }),
  });
  const versions = versionsFor('');
  const segVersions = versionsFor(SEGMENT_SUFFIX);
  // a span that cannot be extracted: its item error (and no features, older ones dropped), no decode
  if (plan.badSpans.length) {
    const writer = new FeatureWriter(db);
    db.transaction(() => {
      for (const b of plan.badSpans) writer.saveMedia(failedMediaResult(b.id, b.file, 'span', b.message), segVersions);
    })();
    summary.media.processed += plan.badSpans.length;
    summary.media.failed += plan.badSpans.length;
  }

  const device = opts.device ?? 'auto';
  // wav2vec2 and ResNet-50, when installed, are fed from the media stage's decode (encoder-feed.ts)
  const { audio: feed, video: feedV, keepAudio } = await openFeeds(db, todo, wants, device, opts);
  const feeds = [feed, feedV].filter((f): f is AudioFeed | VideoFeed => f !== null);
  if (todo.length > 0) {
    const writer = new FeatureWriter(db, keepAudio);
    const meter = new ProgressMeter('extract media', plan.items - plan.badSpans.length);
    const cores = os.availableParallelism();
    // Audio-only work on one or two cores (no worker count asked for, nothing fed to an encoder): the
    // features run in this thread, two clips in flight, so that the next clip's ffmpeg (a process of
    // its own, on the other core) decodes while this one's features are computed. Worker threads cost
    // more CPU than the features' own there (200 clips, Node CPU 2.6-3.4 s in this thread against
    // 4.1-4.5 s with two workers): every thread compiles the features afresh, and V8's warm-up costs
    // ~300 ms a thread (a fresh process's first three clips take 170-245, 70-117 and 20-45 ms against
    // 6-9 ms warm; a warm-up on synthetic audio only moves that cost). One worker beside two lanes
    // here, 3 runs each alternately: user CPU 3.28-3.54 s against 2.64-3.64 s, wall 2.04-2.17 s
    // against 1.71-2.47 s, so no gain.
    // The same holds for whole clips where this thread serves nothing else (dedicatedThread): 20 720p
    // clips through the CLI, alternately, CPU 7.03-7.26 s with two workers against 5.79-6.37 s here
    // with two clips in flight and 5.80-6.19 s with three, wall 3.86-4.08 s against 3.39-3.72 and
    // 3.29-3.49 s, the stored rows identical; so three in flight (the ffmpeg runs carry more of a
    // whole clip's work than of an audio-only one). Recordings keep the workers: no gain measured
    // (a 10-minute one, long-recording-bench: 2.5x its plain decode's CPU in this thread, one run;
    // 2.3-2.9x with the workers over four runs).
    const clipsOnly = todo.every((t) => !t.segments);
    const inThread =
      feeds.length === 0 && opts.workers === undefined && cores <= 2 && (!wants.video || (opts.dedicatedThread === true && clipsOnly));
    const size = inThread ? 0 : Math.min(opts.workers ?? cores, todo.length);
    const lanes = inThread ? (wants.video ? 3 : 2) : size;
    // audio only: whole clips AUDIO_BATCH to an ffmpeg run, fewer when that would leave a lane idle
    const audioBatch = Math.max(1, Math.min(AUDIO_BATCH, Math.floor(todo.length / (2 * Math.max(1, lanes)))));
    const pool = new WorkerPool(size, opts.ffmpeg, undefined, wants, { lanes: inThread ? lanes : 1, audioBatch });
    // the pool waits, and recordings pause, while a feed is full
    const full = new Set<object>();
    for (const f of feeds)
      f.setOnFull((isFull) => {
        if (isFull) full.add(f);
        else full.delete(f);
        pool.setPaused(full.size > 0);
      });
    // another extractor on this database (serve + CLI) shares the tasks: each is claimed as it starts
    const claims = new MediaClaims(db, stageVersion);
    const files = new Map(todo.flatMap((t) => (t.segments ?? [{ id: t.id }]).map((s) => [s.id, t.file] as const)));
    pool.onRecording = (file, o) => {
      db.transaction(() => writer.saveRecording(file, o))();
      // ES_TIMING=1: the features' own CPU per recording (the long-recording bench reads it)
      if (process.env.ES_TIMING === '1' && o.timings) process.stderr.write(`timing ${JSON.stringify({ file, ...o.timings })}\n`);
    };
    const batch: TaskOutcome[] = [];
    // the ids whose wav2vec2 embedding was kept (the same audio)
    const save = db.transaction((items: TaskOutcome[]) => {
      const kept = new Set<number>();
      for (const o of items)
        if (o.ok && writer.saveMedia(o.result, o.result.segment ? segVersions : versions)) kept.add(o.result.utteranceId);
      return kept;
    });
    // the PCM goes to wav2vec2 once the media results are stored (storing them drops older embeddings)
    const flush = (items: TaskOutcome[]) => {
      const kept = save(items);
      for (const o of items) {
        if (!o.ok) continue;
        if (o.result.crops) feedV?.push(o.result.utteranceId, o.result.file, o.result.crops, o.result.crops.frames.length);
        o.result.crops = undefined;
        if (!o.result.pcm) continue;
        if (!kept.has(o.result.utteranceId)) feed?.push(o.result.utteranceId, o.result.file, o.result.pcm, o.result.pcm.length);
        o.result.pcm = undefined;
      }
    };
    let lastFlush = Date.now();
    try {
      await pool.run(
        todo,
        (o) => {
          if (!o.ok && o.aborted) return; // cancelled mid-clip: left pending for the next run
          // an unexpected failure (a bug, a crashed worker) is still this item's error, not the job's
          if (!o.ok) o = { ok: true, result: failedMediaResult(o.id, files.get(o.id) ?? '', 'decode', o.message) };
          if (!files.has(o.result.utteranceId)) return; // not asked for (cannot happen; guards the counts)
          batch.push(o);
          meter.done++;
          if (o.result.failed || o.result.errors.some((e) => e.level === 'error')) meter.errors++;
          summary.media.processed++;
          if (o.result.failed) summary.media.failed++;
          if (batch.length >= (opts.batchSize ?? 16) || Date.now() - lastFlush > 1000) {
            flush(batch.splice(0));
            lastFlush = Date.now();
            if (MEM_LOG) logMemory(summary.media.processed);
          }
          opts.onProgress?.(meter.event());
        },
        opts.signal,
        (t) => {
          if (claims.accept(t)) return true;
          meter.done += t.segments?.length ?? 1; // held or finished by another extractor
          return false;
        },
        feeds.length ? () => Promise.all(feeds.map((f) => f.room())).then(() => undefined) : undefined,
      );
      flush(batch.splice(0));
    } catch (e) {
      for (const f of feeds) await f.close();
      throw e;
    } finally {
      claims.close(); // after the last flush: a task is handed back only once its results are stored
      await pool.close();
    }
    summary.media.skipped += claims.elsewhere;
  }
  // what the media stage handed over and is not embedded yet (nothing, on a cancel); on a failure
  // every feed lets go of its model, otherwise the encoder stage takes the sessions over
  try {
    for (const f of feeds) {
      f.report(opts.onProgress);
      await f.drain();
    }
  } catch (e) {
    for (const f of feeds) await f.close();
    throw e;
  }
  for (const f of feeds) await f.close(!!opts.signal?.aborted);
  if (opts.signal?.aborted) {
    summary.cancelled = true;
    return summary;
  }
  // pretrained encoders (only those installed in the data folder), then the text stage
  summary.encoders = [];
  if (opts.dataDir) {
    summary.encoders.push(
      ...(await runEncoderStage(db, {
        ffmpeg: opts.ffmpeg,
        dataDir: opts.dataDir,
        device,
        signal: opts.signal,
        onProgress: opts.onProgress,
        onNote: opts.onNote,
        only: members,
        audioFeed: feed ?? undefined,
        videoFeed: feedV ?? undefined,
      })),
    );
    if (opts.signal?.aborted) {
      summary.cancelled = true;
      return summary;
    }
  }
  const minilm = opts.dataDir ? findInstalled(opts.dataDir, 'all-MiniLM-L6-v2') : null;
  const neural = minilm
    ? await runNeuralTextStage(db, minilm, { device, signal: opts.signal, onProgress: opts.onProgress, onNote: opts.onNote, only: members })
    : null;
  if (minilm && neural) {
    summary.text = { encoded: neural.encoded, failed: neural.failed, refit: false, fittedOn: null, encoder: minilm.manifest.name };
    if (neural.run) summary.encoders.push(neural.run);
    if (opts.signal?.aborted) summary.cancelled = true;
    return summary;
  }
  // in batches with a turn of the event loop between them: a cancel stops it (done batches kept)
  const text = await runTextStageAsync(db, opts.onProgress, members, opts.signal);
  summary.text = { encoded: text.encoded, failed: text.failed, refit: text.refit, fittedOn: text.fittedOn };
  if (text.cancelled) summary.cancelled = true;
  return summary;
}

/**
 * The encoder feeds for this run's media tasks: wav2vec2 when it is installed, audio is decoded and
 * some item's audio embedding is not kept (feature-repo.ts saveMedia: the same audio keeps it),
 * ResNet-50 when it is installed and video is decoded (every item of the tasks: storing an item's
 * media results drops its older video embeddings). Marks the tasks so that their decode hands back
 * the PCM (not for a task whose every item keeps its embedding) and the selected frames' crops.
 * An item expected to keep its embedding that does not (its new audio failed) is left to the
 * encoder stage's separate decode.
 */
async function openFeeds(
  db: Db,
  tasks: MediaTask[],
  wants: MediaWants,
  device: Device,
  opts: ExtractOptions,
): Promise<{ audio: AudioFeed | null; video: VideoFeed | null; keepAudio: KeptAudioEncoder | null }> {
  if (!opts.dataDir || tasks.length === 0) return { audio: null, video: null, keepAudio: null };
  const note = opts.onNote ?? (() => {});
  const w2v = wants.audio ? findInstalled(opts.dataDir, 'wav2vec2-base-960h') : null;
  const rn = wants.video ? findInstalled(opts.dataDir, 'resnet-50') : null;
  const keepAudio = w2v ? { extractor: w2v.manifest.name, version: AudioFeed.version(w2v), segmentSuffix: SEGMENT_SUFFIX } : null;
  let pcm = new Set<MediaTask>();
  if (keepAudio) {
    const kept = audioEmbeddingKeptCheck(db);
    const keeps = (id: number, segment: 0 | 1) => kept.get({ id, audio: AUDIO_FEATURE_VERSION, segment, ...keepAudio }) !== undefined;
    pcm = new Set(tasks.filter((t) => !(t.segments ? t.segments.every((s) => keeps(s.id, 1)) : keeps(t.id, 0))));
  }
  const audio = pcm.size ? await AudioFeed.open(db, w2v!, device, note, { signal: opts.signal, limit: opts.feedLimitSamples }) : null;
  const video = rn ? await VideoFeed.open(db, rn, device, note, { signal: opts.signal, limit: opts.feedLimitFrames }) : null;
  for (const t of tasks) {
    const wantsPcm = !!audio && pcm.has(t);
    if (wantsPcm || video) t.feed = { pcm: wantsPcm, crops: video ? RESNET_CROPS : undefined };
  }
  return { audio, video, keepAudio };
}

/**
 * Whole clips per ffmpeg run in audio-only work (jobs/process-media.ts processAudioBatch): 200 bench
 * clips decoded alone and 8 to a run, ffmpeg CPU per clip 11.3-11.5 against 8.4-9.8 ms, Node's side
 * 1.5-1.7 against 0.4-0.7 ms; PCM and probes identical.
 */
const AUDIO_BATCH = 8;

// ES_MEM_LOG=1: one stderr line per committed batch, to see whether memory grows with clips done
const MEM_LOG = process.env.ES_MEM_LOG === '1';
function logMemory(done: number): void {
  const m = process.memoryUsage();
  const mb = (b: number) => (b / 1048576).toFixed(1);
  process.stderr.write(
    `mem clips=${done} rss=${mb(m.rss)} heap=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`,
  );
}
