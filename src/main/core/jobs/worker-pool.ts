// A fixed pool of extraction workers; in-process mode (size 0) for debugging and tests.
// Audio-only lanes take whole clips in batches (one ffmpeg run each); a run's first group is one clip,
// so the features start while the other lane's first batch decodes.
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import {
  processAudioBatch,
  processMedia,
  processRecording,
  type MediaResult,
  type MediaWants,
  type RecordingOutcome,
} from './process-media';
import { closeLauncher } from '../media/launcher';
import type { SegmentSpec } from '../media/decode-recording';
import type { FlowControl } from '../media/run-ffmpeg';
import type { CropSpec } from '../media/crop-frames';

/** A whole clip (one utterance), or a recording with its segments (one decode, a result per segment). */
export interface MediaTask {
  id: number;
  file: string;
  segments?: SegmentSpec[];
  /** hand each result's decoded PCM and selected frames' crops back too (jobs/encoder-feed.ts) */
  feed?: { pcm?: boolean; crops?: CropSpec };
}

/** A run's stop: whether it has stopped, and stopping it (every lane). */
interface Halt {
  halted(): boolean;
  now(): void;
}
type Exec<T> = (t: T, emit: (o: TaskOutcome) => void, stop: { now: () => void }) => Promise<void>;

export type TaskOutcome = { ok: true; result: MediaResult } | { ok: false; id: number; message: string; aborted: boolean };

/** The bundled worker sits beside the bundled CLI; other bundles (bench) and the TypeScript
 * sources (tests) use the build in out/node. */
export function defaultWorkerPath(): string {
  const candidates = [
    path.join(__dirname, 'extract-worker.js'),
    path.resolve(__dirname, '../node/extract-worker.js'),
    path.resolve(__dirname, '../../../../out/node/extract-worker.js'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`extraction worker not found (looked for ${candidates.join(', ')}): run npm run build`);
  return found;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly controllers = new Set<AbortController>();
  private readonly flows = new Set<FlowControl>();
  private paused = false;
  private closed = false;
  /** true until a lane of the current run starts taking its first group (groupLane) */
  private firstGroup = false;

  /** a recording task's own outcome (peaks, probe), after its segments' results */
  onRecording?: (file: string, o: RecordingOutcome) => void;

  constructor(
    readonly size: number,
    private readonly ffmpeg: string,
    workerPath = size > 0 ? defaultWorkerPath() : '',
    private readonly wants: MediaWants = { audio: true, video: true },
    /**
     * `lanes`: in-process mode (size 0), tasks in flight at once (one computes while the others'
     * ffmpeg decodes); `audioBatch`: whole clips a lane (a worker, or an in-process lane) takes at
     * once for one ffmpeg run when only audio is wanted (jobs/process-media.ts processAudioBatch)
     */
    private readonly opts: { lanes?: number; audioBatch?: number } = {},
  ) {
    // trackUnmanagedFds off: the ffmpeg launcher opens its FIFOs with fs.openSync and hands each fd
    // to a pipe socket that closes it; tracking would warn "opened in unmanaged mode twice" for every
    // read end (media/launcher.ts)
    for (let i = 0; i < size; i++) this.workers.push(new Worker(workerPath, { trackUnmanagedFds: false }));
  }

  /** Runs tasks with at most `size` (in-process: `lanes`) at a time, reporting each outcome as it lands. */
  /** `accept`: asked right before a task starts (work claims, jobs/media-claims.ts); false skips it. */
  /** `gate`: awaited before each task is handed out (the encoder feed holds tasks back while it is full). */
  async run(
    tasks: MediaTask[],
    onOutcome: (o: TaskOutcome) => void,
    signal?: AbortSignal,
    accept?: (t: MediaTask) => boolean,
    gate?: () => Promise<void>,
  ): Promise<void> {
    let next = 0;
    this.firstGroup = true;
    // a lane that failed (its outcome handler threw) stops the others: no task is started after it
    // and the ones in flight are aborted, their outcomes dropped (run has rejected by then)
    let failed = false;
    const take = async (): Promise<MediaTask | null> => {
      if (gate && !signal?.aborted && !failed && next < tasks.length) await gate();
      while (!signal?.aborted && !failed && next < tasks.length) {
        const t = tasks[next++];
        if (!accept || accept(t)) return t;
      }
      return null;
    };
    const abort = () => {
      for (const w of this.workers) w.postMessage({ type: 'abort' });
      for (const c of this.controllers) c.abort();
    };
    const halt: Halt = {
      halted: () => failed,
      now: () => {
        if (failed) return;
        failed = true;
        abort();
      },
    };
    const lanes = (
      this.size > 0
        ? this.workers.map((w) =>
            this.groupLane(
              take,
              onOutcome,
              halt,
              (t, emit, stop) => this.onWorker(w, t, emit, stop),
              (g, emit, stop) => this.onWorkerBatch(w, g, emit, stop),
            ),
          )
        : Array.from({ length: Math.max(1, this.opts.lanes ?? 1) }, () =>
            this.groupLane(
              take,
              onOutcome,
              halt,
              (t, emit, stop) => this.inProcess(t, emit, stop),
              (g, emit, stop) => this.inProcessBatch(g, emit, stop),
            ),
          )
    ).map((l) =>
      l.catch((e: unknown) => {
        halt.now();
        throw e;
      }),
    );
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await Promise.all(lanes);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** Pauses (true) or resumes the recordings being decoded: ffmpeg waits on its full pipe meanwhile. */
  setPaused(paused: boolean): void {
    if (paused === this.paused || this.closed) return;
    this.paused = paused;
    for (const w of this.workers) w.postMessage({ type: paused ? 'pause' : 'resume' });
    for (const f of this.flows) (paused ? f.pause : f.resume)?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.workers.map(async (w) => {
        // let the worker reap its ffmpeg launcher first (bounded: a wedged worker is terminated anyway)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 6000);
          function done() {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('exit', done);
            resolve();
          }
          const onMessage = (m: { type: string }) => {
            if (m.type === 'closed') done();
          };
          w.on('message', onMessage);
          w.once('exit', done);
          w.postMessage({ type: 'close' });
        });
        await w.terminate();
      }),
    );
    if (this.size === 0) await closeLauncher();
  }

  /**
   * Runs tasks one after another. An outcome handler that throws (the database is full, say) stops
   * every lane at once (`halt`: the tasks in flight are aborted, their outcomes dropped) and rejects
   * this lane with that error.
   */
  private async lane<T>(
    take: () => Promise<T | null>,
    onOutcome: (o: TaskOutcome) => void,
    halt: Halt,
    exec: (t: T, emit: (o: TaskOutcome) => void, stop: { now: () => void }) => Promise<void>,
  ) {
    for (let t = await take(); t; t = await take()) {
      let failure: { error: unknown } | null = null;
      const stop = { now: () => {} };
      const emit = (o: TaskOutcome) => {
        if (failure || halt.halted()) return;
        try {
          onOutcome(o);
        } catch (e) {
          failure = { error: e };
          stop.now();
          halt.now();
        }
      };
      await exec(t, emit, stop);
      if (failure) throw (failure as { error: unknown }).error;
    }
  }

  /**
   * A lane. When only audio is wanted it takes up to `audioBatch` whole clips at a time and decodes
   * them with one ffmpeg run (`many`); a recording, a clip fed to an encoder, or a batch of one goes
   * alone (`one`).
   */
  private groupLane(
    take: () => Promise<MediaTask | null>,
    onOutcome: (o: TaskOutcome) => void,
    halt: Halt,
    one: Exec<MediaTask>,
    many: Exec<MediaTask[]>,
  ) {
    const batch = this.wants.audio && !this.wants.video ? Math.max(1, this.opts.audioBatch ?? 1) : 1;
    let held: MediaTask | null = null; // a recording taken while filling a batch: the next task
    const takeGroup = async (): Promise<MediaTask[] | null> => {
      // the run's first group is one clip: its ffmpeg run ends sooner, so this thread starts on features
      // while the other lanes' first (whole) batches decode
      const size = this.firstGroup ? 1 : batch;
      this.firstGroup = false;
      const first = held ?? (await take());
      held = null;
      if (!first) return null;
      const group = [first];
      if (first.segments || first.feed) return group;
      while (group.length < size) {
        const t = await take();
        if (!t) break;
        if (t.segments || t.feed) {
          held = t;
          break;
        }
        group.push(t);
      }
      return group;
    };
    return this.lane(takeGroup, onOutcome, halt, (g, emit, stop) => (g.length === 1 ? one(g[0], emit, stop) : many(g, emit, stop)));
  }

  /** Whole clips, audio only, one ffmpeg run for them all (clips it could not decode are redone alone). */
  private inProcessBatch(g: MediaTask[], emit: (o: TaskOutcome) => void, stop: { now: () => void }): Promise<void> {
    const pending = new Set(g.map((t) => t.id));
    return this.onThread(pending, emit, stop, (signal) =>
      processAudioBatch(
        this.ffmpeg,
        g,
        (r) => {
          pending.delete(r.utteranceId);
          emit({ ok: true, result: r });
        },
        signal,
      ),
    );
  }

  /** Whole clips, audio only, in a worker: one ffmpeg run for them all, a result each as it comes. */
  private onWorkerBatch(w: Worker, g: MediaTask[], emit: (o: TaskOutcome) => void, stop: { now: () => void }): Promise<void> {
    const pending = new Set(g.map((t) => t.id));
    stop.now = () => w.postMessage({ type: 'abort' });
    type Msg = { type: 'result'; result: MediaResult } | { type: 'failed'; message: string; aborted: boolean } | { type: 'batchDone' };
    const items = g.map((t) => ({ id: t.id, file: t.file }));
    return this.converse<Msg>(w, { type: 'batch', ffmpeg: this.ffmpeg, items }, pending, emit, (m) => {
      if (m.type === 'result') {
        pending.delete(m.result.utteranceId);
        emit({ ok: true, result: m.result });
        return false;
      }
      // a failure of the batch (an abort): every clip not yet reported carries it
      if (m.type === 'failed') for (const id of pending) emit({ ok: false, id, message: m.message, aborted: m.aborted });
      return true;
    });
  }

  /** A task in a worker: a clip's one result, or a recording's segment results as they come. */
  private onWorker(w: Worker, t: MediaTask, emit: (o: TaskOutcome) => void, stop: { now: () => void }): Promise<void> {
    const pending = new Set((t.segments ?? [{ id: t.id }]).map((s) => s.id));
    stop.now = () => w.postMessage({ type: 'abort' });
    type Msg =
      | { type: 'result'; result: MediaResult }
      | { type: 'failed'; id: number; message: string; aborted: boolean }
      | { type: 'recording'; file: string; outcome: RecordingOutcome };
    const task = { type: 'task', ffmpeg: this.ffmpeg, id: t.id, file: t.file, segments: t.segments, wants: this.wants, feed: t.feed };
    return this.converse<Msg>(w, task, pending, emit, (m) => {
      if (m.type === 'recording') {
        this.onRecording?.(m.file, m.outcome);
        return true;
      }
      if (m.type === 'result') {
        pending.delete(m.result.utteranceId);
        emit({ ok: true, result: m.result });
        return !t.segments; // a recording: more segments, then the recording message
      }
      // a failure of the task: every segment not yet reported carries it
      for (const id of t.segments ? pending : [m.id]) emit({ ok: false, id, message: m.message, aborted: m.aborted });
      return true;
    });
  }

  /**
   * Sends `message` to worker `w` and hands its replies to `onMessage` until that says the exchange
   * is over (true); a worker that crashes meanwhile fails every id still in `pending`.
   */
  private converse<M>(
    w: Worker,
    message: unknown,
    pending: Set<number>,
    emit: (o: TaskOutcome) => void,
    onMessage: (m: M) => boolean,
  ): Promise<void> {
    return new Promise((resolve) => {
      const onReply = (m: M) => {
        if (!onMessage(m)) return;
        cleanup();
        resolve();
      };
      const onError = (e: Error) => {
        cleanup();
        for (const id of pending) emit({ ok: false, id, message: `worker crashed: ${e.message}`, aborted: false });
        resolve();
      };
      const cleanup = () => {
        w.off('message', onReply);
        w.off('error', onError);
      };
      w.on('message', onReply);
      w.on('error', onError);
      w.postMessage(message);
    });
  }

  private inProcess(t: MediaTask, emit: (o: TaskOutcome) => void, stop: { now: () => void }): Promise<void> {
    const pending = new Set((t.segments ?? [{ id: t.id }]).map((s) => s.id));
    const flow: FlowControl = {};
    this.flows.add(flow);
    return this.onThread(pending, emit, stop, async (signal) => {
      try {
        if (t.segments) {
          const outcome = await processRecording(
            this.ffmpeg,
            t.file,
            t.segments,
            (r) => {
              pending.delete(r.utteranceId);
              emit({ ok: true, result: r });
              if (this.paused) flow.pause?.(); // paused before ffmpeg had started
            },
            signal,
            this.wants,
            { ...t.feed, flow },
          );
          this.onRecording?.(t.file, outcome);
        } else {
          emit({ ok: true, result: await processMedia(this.ffmpeg, t.id, t.file, signal, this.wants, t.feed) });
        }
      } finally {
        this.flows.delete(flow);
      }
    });
  }

  /**
   * Runs `work` in this thread under an abort controller that `stop` and the pool's abort reach; an
   * error fails every id still in `pending` (aborted when the controller was).
   */
  private async onThread(
    pending: Set<number>,
    emit: (o: TaskOutcome) => void,
    stop: { now: () => void },
    work: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const c = new AbortController();
    this.controllers.add(c);
    stop.now = () => c.abort();
    try {
      await work(c.signal);
    } catch (e) {
      for (const id of pending) emit({ ok: false, id, message: (e as Error).message, aborted: c.signal.aborted });
    } finally {
      this.controllers.delete(c);
    }
  }
}
