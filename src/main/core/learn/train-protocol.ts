// What the training worker (train-worker.ts) and its caller (train-in-worker.ts) exchange, and the
// cancel flag they share: an Int32 in a SharedArrayBuffer, readable while the worker computes.
import type { TrainOptions, TrainProgress, TrainResult } from './train';

/** The options that cross the thread boundary (no callbacks, no signal). */
export type TrainWorkerOptions = Omit<TrainOptions, 'onProgress' | 'signal'>;

export interface TrainWorkerData {
  dbPath: string;
  options: TrainWorkerOptions;
  /** Int32[1]: 0 running, 1 cancel requested */
  stop: SharedArrayBuffer;
}

export type TrainWorkerMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; result: TrainResult }
  | { type: 'failed'; message: string; aborted: boolean; trainError: boolean };

export function newStopFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

export function requestStop(flag: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(flag), 0, 1);
}

/**
 * An AbortSignal whose `aborted` reads the shared flag at each check: the solvers poll it inside
 * their loops, where no message or timer can get through. Listeners ('abort' events) fire too, from
 * a light poll of the flag whenever the worker's event loop turns.
 */
export function sharedFlagSignal(flag: SharedArrayBuffer): { signal: AbortSignal; dispose: () => void } {
  const cell = new Int32Array(flag);
  const ac = new AbortController();
  const raised = () => Atomics.load(cell, 0) === 1;
  Object.defineProperty(ac.signal, 'aborted', { get: () => raised(), configurable: true });
  const timer = setInterval(() => {
    if (raised()) {
      clearInterval(timer);
      ac.abort();
    }
  }, 100);
  timer.unref();
  return { signal: ac.signal, dispose: () => clearInterval(timer) };
}
