// A fixed pool of extraction workers; in-process mode (size 0) for debugging and tests.
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import { processMedia, type MediaResult } from './process-media';
import { closeLauncher } from '../media/launcher';

export interface MediaTask { id: number; file: string }

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

  constructor(readonly size: number, private readonly ffmpeg: string, workerPath = size > 0 ? defaultWorkerPath() : '') {
    // trackUnmanagedFds off: the ffmpeg launcher opens its FIFOs with fs.openSync and hands each fd
    // to a pipe socket that closes it; tracking would warn "opened in unmanaged mode twice" for every
    // read end (media/launcher.ts)
    for (let i = 0; i < size; i++) this.workers.push(new Worker(workerPath, { trackUnmanagedFds: false }));
  }

  /** Runs tasks with at most `size` (or 1 in-process) at a time, reporting each outcome as it lands. */
  async run(tasks: MediaTask[], onOutcome: (o: TaskOutcome) => void, signal?: AbortSignal): Promise<void> {
    let next = 0;
    const take = () => (signal?.aborted || next >= tasks.length ? null : tasks[next++]);
    const lanes = this.size > 0
      ? this.workers.map((w) => this.lane(take, onOutcome, (t) => this.onWorker(w, t)))
      : [this.lane(take, onOutcome, (t) => this.inProcess(t))];
    const abort = () => {
      for (const w of this.workers) w.postMessage({ type: 'abort' });
      for (const c of this.controllers) c.abort();
    };
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await Promise.all(lanes);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(async (w) => {
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
    }));
    if (this.size === 0) await closeLauncher();
  }

  private async lane(take: () => MediaTask | null, onOutcome: (o: TaskOutcome) => void, exec: (t: MediaTask) => Promise<TaskOutcome>) {
    for (let t = take(); t; t = take()) onOutcome(await exec(t));
  }

  private onWorker(w: Worker, t: MediaTask): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      const onMessage = (m: { type: 'result'; result: MediaResult } | { type: 'failed'; id: number; message: string; aborted: boolean }) => {
        cleanup();
        resolve(m.type === 'result' ? { ok: true, result: m.result } : { ok: false, id: m.id, message: m.message, aborted: m.aborted });
      };
      const onError = (e: Error) => {
        cleanup();
        resolve({ ok: false, id: t.id, message: `worker crashed: ${e.message}`, aborted: false });
      };
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ type: 'task', ffmpeg: this.ffmpeg, id: t.id, file: t.file });
    });
  }

  private async inProcess(t: MediaTask): Promise<TaskOutcome> {
    const c = new AbortController();
    this.controllers.add(c);
    try {
      return { ok: true, result: await processMedia(this.ffmpeg, t.id, t.file, c.signal) };
    } catch (e) {
      return { ok: false, id: t.id, message: (e as Error).message, aborted: c.signal.aborted };
    } finally {
      this.controllers.delete(c);
    }
  }
}
