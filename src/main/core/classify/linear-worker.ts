// Worker thread entry of the threaded linear SVM fit (linear-parallel.ts): the training rows and the
// fit's binary problems arrive once (rows as SharedArrayBuffer-backed arrays); it takes problems from
// the shared counter until none is left, posting each one's weights.
/*
 * Each task runs taskRunner (primalBinary, linear-tron.ts), the same code the calling thread and the
 * sequential fit run, on rows rebuilt over the same arrays (a CSR block gets its own WebAssembly
 * kernel here), so the weights are the same bits. Cancel: the shared flag, polled by TRON at each
 * Newton step and between tasks (the caller also terminates the thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAbortError } from '../abort';
import { linearRowsFromShared } from './linear-rows';
import { taskRunner, type LinearTaskResult, type LinearWorkerData } from './linear-parallel';

const data = workerData as LinearWorkerData;
const ctl = new Int32Array(data.ctl);
const stop = (): boolean => Atomics.load(ctl, 0) === 1;
const run = taskRunner(linearRowsFromShared(data.rows), data, stop);
const post = (m: LinearTaskResult, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);

while (!stop()) {
  const k = Atomics.add(ctl, 1, 1);
  if (k >= data.tasks.length) break;
  try {
    const { w, iter } = run(data.tasks[k]);
    post({ id: k, w, iter }, [w.buffer as ArrayBuffer]);
  } catch (e) {
    post({ id: k, error: (e as Error)?.message ?? String(e), aborted: isAbortError(e) });
    break;
  }
}
