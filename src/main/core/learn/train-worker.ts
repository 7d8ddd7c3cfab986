// Worker thread entry: trains one model (trainModel) on its own connection to the database, so the
// process that started it (serve, the app, the CLI) keeps answering. Cancel is a shared flag.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../store/db';
import { trainModel, TrainError, type TrainOptions } from './train';
import { sharedFlagSignal, type TrainWorkerData, type TrainWorkerMessage } from './train-protocol';
import { isAbortError } from '../abort';

const data = workerData as TrainWorkerData;
const post = (m: TrainWorkerMessage) => parentPort!.postMessage(m);

async function main(): Promise<void> {
  const { signal, dispose } = sharedFlagSignal(data.stop);
  let db: ReturnType<typeof openDb> | null = null;
  try {
    db = openDb(data.dbPath);
    const opts: TrainOptions = { ...data.options, signal, onProgress: (p) => post({ type: 'progress', progress: p }) };
    const result = await trainModel(db, opts);
    post({ type: 'done', result });
  } catch (e) {
    const err = e as Error;
    post({
      type: 'failed',
      message: err?.message ?? String(e),
      aborted: signal.aborted || isAbortError(err),
      trainError: e instanceof TrainError,
    });
  } finally {
    dispose();
    db?.close();
  }
}

void main();
