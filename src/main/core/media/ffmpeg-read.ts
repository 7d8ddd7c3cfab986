// The decoded inputs of the pretrained encoders (encoders/): 16 kHz mono PCM (wav2vec2, Silero VAD)
// and selected frames resized and cropped (ResNet-50), of a whole clip or of a segment [start, end]
// of a longer recording. ffmpeg is started like every ffmpeg here (launcher.ts), not forked.
import path from 'node:path';
import { ffmpegInput, lastMeaningfulLine } from './probe';
import { runFfmpeg } from './run-ffmpeg';
import { pcmOutputArgs } from './decode-options';
import { recordingOffsetS, segmentSamples } from './decode-recording';
import { cropFilter } from './crop-frames';

export const PCM_RATE = 16000;

/** ffmpeg's raw output on stdout, collected; `inputArgs` go before -i (input seeking: -ss, -t). */
export async function ffmpegRaw(
  ffmpeg: string,
  file: string,
  outputArgs: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number; inputArgs?: string[] } = {},
): Promise<Buffer> {
  const abs = path.resolve(file);
  const chunks: Uint8Array[] = [];
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    ...(opts.inputArgs ?? []),
    '-i',
    ffmpegInput(abs),
    ...outputArgs,
    'pipe:1',
  ];
  const run = await runFfmpeg(ffmpeg, args, { 1: (b) => chunks.push(b) }, opts.signal, opts.timeoutMs ?? 600_000);
  if (run.code === 0) return Buffer.concat(chunks);
  throw new Error(lastMeaningfulLine(run.stderrLines, abs) || `ffmpeg ended with ${run.signal ?? `exit code ${run.code}`}`);
}

/** A span of a media file in seconds; no startS: from the start; no durationS: to the end. */
export interface Span {
  startS?: number | null;
  durationS?: number | null;
}

/** -ss/-t before -i: ffmpeg seeks (accurately, decoding from the key frame before) instead of decoding everything before. */
export function spanArgs(span: Span = {}): string[] {
  const out: string[] = [];
  if (span.startS != null && span.startS > 0) out.push('-ss', span.startS.toFixed(6));
  if (span.durationS != null) out.push('-t', Math.max(0, span.durationS).toFixed(6));
  return out;
}

/**
 * 16 kHz mono float PCM of a media file's first audio stream, or of a span of it: the same output
 * options as the media stage's decode (pcmOutputArgs: the mono downmix is the channel mean), so a
 * whole clip's samples here are the media stage's, bit for bit.
 */
export async function decodePcm16k(ffmpeg: string, file: string, signal?: AbortSignal, span: Span = {}): Promise<Float32Array> {
  const buf = await ffmpegRaw(ffmpeg, file, pcmOutputArgs('0:a:0', 'pipe:1').slice(0, -1), { signal, inputArgs: spanArgs(span) });
  const n = Math.floor(buf.length / 4);
  // a large Buffer.concat result owns its aligned memory: viewed, not copied (long spans are tens of MB)
  if (buf.byteOffset % 4 === 0 && buf.byteLength === buf.buffer.byteLength) return new Float32Array(buf.buffer, buf.byteOffset, n);
  const copy = new Uint8Array(n * 4);
  copy.set(buf.subarray(0, copy.length));
  return new Float32Array(copy.buffer);
}

/**
 * The PCM of a segment [startS, endS) of a recording as the media stage cuts it (decode-recording.ts):
 * decoded from the same seek point its pass uses when the segment is the pass's earliest one, and cut
 * at the same sample indices, so that those samples are the media stage's own.
 */
export async function decodeSegmentPcm(
  ffmpeg: string,
  file: string,
  startS: number,
  endS: number,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const offsetS = recordingOffsetS(startS);
  // a second past the end: the resampler's flush at the end of input does not reach the segment
  const pcm = await decodePcm16k(ffmpeg, file, signal, { startS: offsetS, durationS: endS - offsetS + 1 });
  const [s0, s1] = segmentSamples(startS, endS, offsetS);
  return pcm.slice(Math.min(s0, pcm.length), Math.min(s1, pcm.length));
}

export interface CropOptions {
  /** shorter side resized to this, then the centre crop x crop (ResNet-50: 256, 224) */
  resize: number;
  crop: number;
  signal?: AbortSignal;
  /** the frames are a segment's: frame 0 is at t0S in the file */
  segment?: { t0S: number; fps: number };
}

/**
 * The frames of a clip, resized (shorter side `resize`) and centre-cropped to crop x crop rgb24. `frames` are
 * decode-order indices; with `segment`, indices relative to the segment's frame 0, which is at t0S in
 * the file (frame i at t0S + i / fps): ffmpeg seeks to half a frame before t0S so that frame 0 is the
 * first one it keeps, and stops after the last wanted frame.
 */
export async function decodeCroppedFrames(
  ffmpeg: string,
  file: string,
  frames: number[],
  o: CropOptions,
): Promise<{ frames: number[]; rgb: Uint8Array }> {
  const { resize, crop, signal, segment } = o;
  const frameBytes = crop * crop * 3;
  const wanted = [...new Set(frames)].sort((a, b) => a - b);
  if (wanted.length === 0) return { frames: [], rgb: new Uint8Array(0) };
  const select = `select='${wanted.map((f) => `eq(n\\,${f})`).join('+')}'`;
  const scale = cropFilter({ resize, crop });
  // a segment's frames were counted at a constant rate (media/decode-recording.ts): count them the same
  // way here, so that on a variable-rate source frame i is the same picture in both passes
  const cfr = segment && segment.fps > 0 ? `fps=${segment.fps},` : '';
  const vf = `${cfr}${select},${scale}`;
  let inputArgs: string[] = [];
  if (segment && segment.fps > 0) {
    const half = 0.5 / segment.fps;
    const start = segment.t0S - half;
    inputArgs = spanArgs({
      startS: start > 0 ? start : null,
      durationS: (wanted[wanted.length - 1] + 1) / segment.fps + (start > 0 ? half : segment.t0S),
    });
  }
  // one output frame per selected frame (no frame-rate conversion): -fps_mode since ffmpeg 5.1, -vsync 0 before
  const run = (sync: string[]) =>
    ffmpegRaw(ffmpeg, file, ['-an', '-sn', '-dn', '-vf', vf, ...sync, '-pix_fmt', 'rgb24', '-f', 'rawvideo'], { signal, inputArgs });
  const buf = await run(['-fps_mode', 'passthrough']).catch((e: Error) => {
    if (/Option not found|Unrecognized option|fps_mode/i.test(e.message)) return run(['-vsync', '0']);
    throw e;
  });
  const got = Math.floor(buf.length / frameBytes);
  if (got < wanted.length) throw new Error(`only ${got} of the ${wanted.length} selected frames could be decoded again`);
  return { frames: wanted, rgb: new Uint8Array(buf.buffer, buf.byteOffset, wanted.length * frameBytes) };
}
