// Worker thread entry of the threaded linear SVM fit (linear-parallel.ts): the training rows arrive
// once as SharedArrayBuffer-backed arrays, then one TRON binary problem per message, its weights back.
/*
 * Each task runs primalBinary (linear-tron.ts), the same code the sequential fit runs, on rows rebuilt
 * over the same arrays (a CSR block gets its own WebAssembly kernel here), so the weights are the same
 * bits. The fold models' rows are X.subset of the fold's training rows, as in fitLinear; only the
 * latest fold's subset is kept (the tasks come fold by fold). Cancel: a shared Int32 flag, polled by
 * TRON at each Newton step (the caller also terminates the thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAbortError } from '../abort';
import { foldRows } from './linear-calibrate';
import { linearRowsFromShared, type LinearRows } from './linear-rows';
import { primalBinary } from './linear-tron';
import type { LinearTask, LinearTaskResult, LinearWorkerData } from './linear-parallel';

const data = workerData as LinearWorkerData;
const X = linearRowsFromShared(data.rows);
const cell = new Int32Array(data.stop);
const stop = (): boolean => Atomics.load(cell, 0) === 1;
const all = Int32Array.from({ length: X.n }, (_, i) => i);
let foldView: { f: number; rows: Int32Array; X: LinearRows } | null = null;

/** The rows of a task's binary problem: all of them, or fold f's training rows. */
function rowsOf(f: number): { rows: Int32Array; X: LinearRows } {
  if (f < 0) return { rows: all, X };
  if (foldView?.f !== f) {
    foldView = null; // let the previous fold's subset go before the next one is made
    const { train } = foldRows(data.fold!, f, data.y);
    foldView = { f, rows: train, X: X.subset(train) };
  }
  return foldView;
}

parentPort!.on('message', (t: LinearTask) => {
  let out: LinearTaskResult;
  try {
    const { rows, X: Xs } = rowsOf(t.fold);
    const Cpos = data.C * (data.classWeight?.[t.cls] ?? 1);
    const { w, iter } = primalBinary(Xs, data.y, rows, t.cls, Cpos, data.C, t.eps, data.maxIter, stop);
    parentPort!.postMessage({ id: t.id, w, iter } satisfies LinearTaskResult, [w.buffer as ArrayBuffer]);
    return;
  } catch (e) {
    out = { id: t.id, error: (e as Error)?.message ?? String(e), aborted: isAbortError(e) };
  }
  parentPort!.postMessage(out);
});
