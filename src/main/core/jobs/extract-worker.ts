// Worker thread: processes one clip at a time for the extraction pool.
import { parentPort, threadId } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { processAudioBatch, processMedia, processRecording, type MediaResult, type MediaWants } from './process-media';
import type { FlowControl } from '../media/run-ffmpeg';
import type { CropSpec } from '../media/crop-frames';
import type { SegmentSpec } from '../media/decode-recording';
import { closeLauncher } from '../media/launcher';

interface Task {
  type: 'task';
  ffmpeg: string;
  id: number;
  file: string;
  segments?: SegmentSpec[];
  wants?: MediaWants;
  /** hand the decoded PCM and the selected frames' crops back too (the encoders are fed from this decode) */
  feed?: { pcm?: boolean; crops?: CropSpec };
}
/** whole clips, audio only, decoded by one ffmpeg run (jobs/process-media.ts processAudioBatch) */
interface Batch {
  type: 'batch';
  ffmpeg: string;
  items: { id: number; file: string }[];
}
interface Abort {
  type: 'abort';
}
/** the encoder feed in the main thread is full / has room again: pause / resume this recording's decode */
interface Pause {
  type: 'pause';
}
interface Resume {
  type: 'resume';
}
interface Close {
  type: 'close';
}

let current: AbortController | null = null;
let flow: FlowControl | null = null;
let paused = false;

function postResult(r: MediaResult): void {
  const transfer = [
    r.audioVector?.buffer,
    r.video?.entropy.buffer,
    r.video?.motion.buffer,
    r.video?.luma.buffer,
    r.video?.vector.buffer,
    r.pcm?.buffer, // moved, not copied: the main thread feeds it to wav2vec2
    r.crops?.rgb.buffer, // and these to ResNet-50
  ].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  parentPort!.postMessage({ type: 'result', result: r }, transfer);
}
// ES_MEM_LOG=1: this worker's own V8 heap every 25 clips (the main thread logs the process RSS)
const MEM_LOG = process.env.ES_MEM_LOG === '1';
let done = 0;

parentPort!.on('message', async (msg: Task | Batch | Abort | Close | Pause | Resume) => {
  if (msg.type === 'abort') {
    current?.abort();
    return;
  }
  if (msg.type === 'pause' || msg.type === 'resume') {
    paused = msg.type === 'pause';
    if (paused) flow?.pause?.();
    else flow?.resume?.();
    return;
  }
  if (msg.type === 'close') {
    // the ffmpeg launcher shell is reaped before the thread ends (see media/launcher.ts)
    await closeLauncher();
    parentPort!.postMessage({ type: 'closed' });
    return;
  }
  current = new AbortController();
  if (msg.type === 'batch') {
    try {
      await processAudioBatch(msg.ffmpeg, msg.items, postResult, current.signal);
      parentPort!.postMessage({ type: 'batchDone' });
    } catch (e) {
      parentPort!.postMessage({ type: 'failed', message: (e as Error).message, aborted: current.signal.aborted });
    } finally {
      current = null;
    }
    return;
  }
  try {
    if (msg.segments) {
      // a recording: each segment's result goes back as soon as it is decoded, then the recording's own;
      // its decode pauses while the main thread's encoder feed is full
      const f: FlowControl = {};
      flow = f;
      const onResult = (r: MediaResult) => {
        postResult(r);
        if (paused) f.pause?.(); // asked to pause before ffmpeg had started
      };
      const outcome = await processRecording(msg.ffmpeg, msg.file, msg.segments, onResult, current.signal, msg.wants, {
        ...msg.feed,
        flow: f,
      });
      parentPort!.postMessage({ type: 'recording', file: msg.file, outcome });
    } else {
      postResult(await processMedia(msg.ffmpeg, msg.id, msg.file, current.signal, msg.wants, msg.feed));
    }
  } catch (e) {
    parentPort!.postMessage({ type: 'failed', id: msg.id, message: (e as Error).message, aborted: current.signal.aborted });
  } finally {
    current = null;
    flow = null;
    if (MEM_LOG && ++done % 25 === 0) {
      const h = getHeapStatistics();
      process.stderr.write(
        `mem worker=${threadId} clips=${done} heap=${(h.used_heap_size / 1048576).toFixed(1)} heapTotal=${(h.total_heap_size / 1048576).toFixed(1)}\n`,
      );
    }
  }
});
