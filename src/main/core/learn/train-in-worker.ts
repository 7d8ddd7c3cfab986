// Runs trainModel in a worker thread (train-worker.ts) on the database file, relaying progress and
// turning the caller's AbortSignal into the shared cancel flag the solvers poll.
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import { TrainError, type TrainOptions, type TrainResult } from './train';
import { newStopFlag, requestStop, type TrainWorkerData, type TrainWorkerMessage } from './train-protocol';
import { AbortError } from '../abort';

/** The bundled worker sits beside the bundled CLI / app; the TypeScript sources (tests) use out/node. */
export function defaultTrainWorkerPath(): string {
  const candidates = [
    path.join(__dirname, 'train-worker.js'),
    path.resolve(__dirname, '../node/train-worker.js'),
    path.resolve(__dirname, '../../../../out/node/train-worker.js'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`training worker not found (looked for ${candidates.join(', ')}): run npm run build`);
  return found;
}

/**
 * Trains on `dbPath` in a worker thread. Resolves with the worker's TrainResult; rejects with a
 * TrainError (bad data), an AbortError (cancelled through `opts.signal`: no model stored) or an Error.
 */
export function trainInWorker(dbPath: string, opts: TrainOptions, workerPath = defaultTrainWorkerPath()): Promise<TrainResult> {
  const { onProgress, signal, ...options } = opts;
  const stop = newStopFlag();
  if (signal?.aborted) requestStop(stop);
  const data: TrainWorkerData = { dbPath, options, stop };
  const worker = new Worker(workerPath, { workerData: data });
  const onAbort = () => requestStop(stop);
  signal?.addEventListener('abort', onAbort, { once: true });
  // settled when the thread has ended (its database connection closed), with what it last said
  return new Promise<TrainResult>((resolve, reject) => {
    let outcome: { ok: true; result: TrainResult } | { ok: false; error: Error } | null = null;
    worker.on('message', (m: TrainWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') outcome = { ok: true, result: m.result };
      else {
        const e = m.trainError ? new TrainError(m.message) : new Error(m.message);
        outcome = { ok: false, error: m.aborted ? new AbortError('training cancelled') : e };
      }
    });
    worker.on('error', (e) => (outcome ??= { ok: false, error: e }));
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      const o = outcome ?? { ok: false as const, error: new Error(`the training worker ended without a result (exit code ${code})`) };
      if (o.ok) resolve(o.result);
      else reject(o.error);
    });
  });
}
