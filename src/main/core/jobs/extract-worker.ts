// Worker thread: processes one clip at a time for the extraction pool.
import { parentPort } from 'node:worker_threads';
import { processMedia } from './process-media';

interface Task { type: 'task'; ffmpeg: string; id: number; file: string }
interface Abort { type: 'abort' }

let current: AbortController | null = null;

parentPort!.on('message', async (msg: Task | Abort) => {
  if (msg.type === 'abort') {
    current?.abort();
    return;
  }
  current = new AbortController();
  try {
    const r = await processMedia(msg.ffmpeg, msg.id, msg.file, current.signal);
    const transfer = [r.audioVector?.buffer, r.video?.entropy.buffer, r.video?.motion.buffer, r.video?.luma.buffer, r.video?.vector.buffer]
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    parentPort!.postMessage({ type: 'result', result: r }, transfer);
  } catch (e) {
    parentPort!.postMessage({ type: 'failed', id: msg.id, message: (e as Error).message, aborted: current.signal.aborted });
  } finally {
    current = null;
  }
});
