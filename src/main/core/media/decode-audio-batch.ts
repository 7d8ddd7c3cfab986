// Audio-only extraction of several clips with one ffmpeg run (decodeAudioBatch): each input's first
// audio stream becomes 16 kHz mono PCM in a scratch file, its probe read from the run's stderr header.
import fs from 'node:fs';
import path from 'node:path';
import { runFfmpeg, type LevelledStderr } from './run-ffmpeg';
import { abortError } from './errors';
import { checkMediaFile, ffmpegInput, parseProbe } from './probe';
import { isAbortError } from '../abort';
import { STALL_TIMEOUT_MS, pcmOutputArgs, type DecodeOptions, type DecodedClip } from './decode-options';
import { audioEndsEarly } from './decode-clip';
import { scratchDir } from './launcher';

/**
 * Probes and decodes the audio of several clips with one ffmpeg run (audio-only extraction): most
 * of a run's cost is per input, but the process start, its set-up and our side of the run (the
 * launch, the stderr header) are paid once. Each input's first audio stream becomes 16 kHz mono PCM,
 * as {@link decodeUnprobed} makes it, in a file of its own rather than a pipe (ffmpeg does not wait
 * for a reader busy with earlier clips), read once the run has exited; the probe of each comes from
 * its own block of the run's stderr header.
 *
 * Only for a clean run: anything ffmpeg reports at error level, or a failed run (one damaged input
 * stops them all), gives null for every clip, and so does a clip whose result would carry a warning
 * (its audio ends early, no samples) or that has no audio stream, and a file over
 * {@link BATCH_MAX_INPUT_BYTES}: the caller decodes those one by one, the usual way, which words
 * each problem. Rejects only with an AbortError.
 */
export async function decodeAudioBatch(ffmpeg: string, files: string[], opts: DecodeOptions = {}): Promise<(DecodedClip | null)[]> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  // a long file is left out (null: decoded alone, through a pipe): its PCM never goes to a file
  const small = files.flatMap((f, i) => {
    try {
      return fs.statSync(f).size <= BATCH_MAX_INPUT_BYTES ? [i] : [];
    } catch {
      return [i]; // the run declines it, and the one-clip run says why
    }
  });
  const out: (DecodedClip | null)[] = files.map(() => null);
  if (small.length === 0) return out;
  const got = await decodeBatchRun(
    ffmpeg,
    small.map((i) => files[i]),
    opts,
  );
  small.forEach((i, k) => (out[i] = got[k]));
  return out;
}

/** Inputs larger than this are not batched (a 3.6 s clip at 720p is ~1-3 MB; 32 MB of mp3 is ~130 MB of PCM). */
export const BATCH_MAX_INPUT_BYTES = 32 * 1024 * 1024;

async function decodeBatchRun(ffmpeg: string, files: string[], opts: DecodeOptions): Promise<(DecodedClip | null)[]> {
  const none = files.map(() => null);
  let abs: string[];
  let outs: string[];
  try {
    abs = files.map((f) => checkMediaFile(f));
    const dir = scratchDir();
    const batch = ++batchSeq;
    outs = files.map((_, i) => path.join(dir, `pcm-${batch}-${i}.f32`));
  } catch {
    return none;
  }
  // -threads is an input option here (one per -i): each decoder as in the one-clip run. With more
  // than one input ffmpeg (4.x) reads each in a thread of its own, handing packets over a queue of 8:
  // a queue of 1024 holds a whole clip, so the readers stop waking the decoder packet by packet. Same
  // PCM; 8 clips a run (40 bench clips, perf stat): 630 -> 80 context switches and 9.8-10.3 -> 6.3-7.2
  // ms of ffmpeg CPU per clip.
  const args = ['-y', '-nostdin', '-hide_banner', '-loglevel', 'level+info', '-nostats', '-filter_threads', '1'];
  for (const a of abs) args.push('-threads', '1', '-thread_queue_size', '1024', '-i', ffmpegInput(a));
  outs.forEach((o, i) => args.push(...pcmOutputArgs(`${i}:a:0`, `file:${o}`)));
  const header: string[] = [];
  const levelled: LevelledStderr = {
    onInfo: (line) => {
      if (header.length < 200 * files.length) header.push(line);
    },
  };
  try {
    const run = await runFfmpeg(ffmpeg, args, {}, opts.signal, opts.timeoutMs ?? STALL_TIMEOUT_MS, [], levelled);
    if (run.code !== 0 || run.errorLines > 0) return none;
    return files.map((file, i) => {
      try {
        const probe = parseProbe(inputHeader(header, i), file, abs[i]);
        if (!probe.audio) return null;
        const pcm = readPcm(outs[i]);
        const dur = probe.durationS;
        // the checks of the one-clip run: a clip that would carry a warning goes that way
        if (pcm.length === 0 || audioEndsEarly(pcm.length, dur)) return null;
        return { probe, pcm, video: null, warnings: [] };
      } catch {
        return null;
      }
    });
  } catch (e) {
    if (isAbortError(e)) throw e;
    return none;
  } finally {
    for (const o of outs) fs.rmSync(o, { force: true });
  }
}
let batchSeq = 0;

/** Input `i`'s block of a several-input run's stderr header, numbered as input 0 (what parseProbe reads). */
function inputHeader(header: string[], i: number): string {
  const start = header.findIndex((l) => l.startsWith(`Input #${i},`));
  if (start < 0) return '';
  const block = [header[start].replace(`Input #${i},`, 'Input #0,')];
  const stream = new RegExp(`^(\\s*Stream #)${i}:`);
  for (const l of header.slice(start + 1)) {
    if (/^(Input #\d+,|Output #\d+,|Stream mapping:)/.test(l)) break;
    block.push(l.replace(stream, (_, prefix: string) => `${prefix}0:`));
  }
  return block.join('\n');
}

/** A file of f32le samples as a Float32Array of its own (whole samples only, as the pipe reader). */
function readPcm(file: string): Float32Array {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const pcm = new Float32Array(Math.floor(size / 4));
    const bytes = new Uint8Array(pcm.buffer);
    for (let o = 0; o < bytes.length;) {
      const n = fs.readSync(fd, bytes, o, bytes.length - o, o);
      if (n <= 0) throw new Error(`short read of ${file}`);
      o += n;
    }
    return pcm;
  } finally {
    fs.closeSync(fd);
  }
}
