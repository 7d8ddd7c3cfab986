// Worker thread entry of the threaded linear SVM fit (linear-parallel.ts) and C search (linear-cv.ts):
// the training rows and the binary problems arrive once (rows as SharedArrayBuffer-backed arrays); it
// takes problems from the shared counter until none is left, posting each one's weights (a fit) or
// held-out decision values (the search).
/*
 * Each task runs taskRunner or cvTaskRunner (primalBinary, linear-tron.ts), the same code the calling
 * thread and the sequential fit run, on rows rebuilt over the same arrays (a CSR block gets its own
 * WebAssembly kernel here), so the results are the same bits. Cancel: the shared flag, polled by TRON
 * at each Newton step and between tasks (the caller also terminates the thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAbortError } from '../abort';
import { linearRowsFromShared } from './linear-rows';
import { cvTaskRunner, cvWorkerRows } from './linear-cv';
import { taskRunner, type LinearWorkerData, type TaskMessage } from './linear-parallel';

const data = workerData as LinearWorkerData;
const ctl = new Int32Array(data.ctl);
const stop = (): boolean => Atomics.load(ctl, 0) === 1;
const run: (k: number) => { r: unknown; transfer: ArrayBuffer[] } =
  data.kind === 'cv'
    ? ((solve) => (k: number) => {
        const r = solve(data.tasks[k]);
        return { r, transfer: r.dec.map((d) => d.buffer as ArrayBuffer) };
      })(cvTaskRunner(cvWorkerRows(data), data, stop))
    : ((solve) => (k: number) => {
        const r = solve(data.tasks[k]);
        return { r, transfer: r.map((x) => x.w.buffer as ArrayBuffer) };
      })(taskRunner(linearRowsFromShared(data.rows), data, stop));
const post = (m: TaskMessage<unknown>, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);

const tasks = data.tasks.length;
while (!stop()) {
  const k = Atomics.add(ctl, 1, 1);
  if (k >= tasks) break;
  try {
    const { r, transfer } = run(k);
    post({ id: k, r }, transfer);
  } catch (e) {
    post({ id: k, error: (e as Error)?.message ?? String(e), aborted: isAbortError(e) });
    break;
  }
}
