// The end of a clip's video pass: entropy statistics, the 10 selected frames, their thumbnails (from the
// frames kept during the pass, or a second ffmpeg pass for those that were not) and their encoder crops.
import { releaseFrames } from './frame-store';
import { exitText, runFfmpeg } from './run-ffmpeg';
import { MediaError } from './errors';
import { ffmpegInput, lastMeaningfulLine, type ProbeInfo } from './probe';
import type { FrameStatsAccumulator } from '../features/video/entropy';
import { selectTopFrames } from '../features/video/select-frames';
import { encodeRgbPng } from '../features/video/thumbnail';
import { yuv420ToRgbThumb, type ColorMatrix } from '../features/video/yuv';
import { isAbortError } from '../abort';
import type { CropKeeper } from './crop-frames';
import { STALL_TIMEOUT_MS, type DecodeOptions, type DecodedVideo } from './decode-options';

/** Entropy statistics, frame selection and the selected frames' thumbnails of a finished pass. */
export async function finishVideo(
  ffmpeg: string,
  file: string,
  abs: string,
  probe: ProbeInfo,
  v: VideoPassState | null,
  warnings: string[],
  opts: DecodeOptions,
): Promise<DecodedVideo | null> {
  if (!v) return null;
  const { entropy, luma, motion } = v.stats.result();
  const selected = selectTopFrames(entropy, opts.topK ?? 10, opts.minSpacing);
  // rgb thumbnails of the selected frames: from kept frames, the rest re-extracted
  const thumbs = new Map<number, Uint8Array>();
  for (const f of selected) {
    const t = v.frames.get(f);
    if (t) thumbs.set(f, yuv420ToRgbThumb(t, v.width, v.height, v.thumbFactor, v.matrix).data);
  }
  releaseFrames(v.frames.values());
  v.frames.clear();
  const missing = selected.filter((f) => !thumbs.has(f));
  if (missing.length) {
    try {
      const extra = await thumbPass(ffmpeg, file, abs, probe, missing, v.thumbW, v.thumbH, opts);
      for (const [f, t] of extra) thumbs.set(f, t);
    } catch (e) {
      if (isAbortError(e)) throw e;
      warnings.push(`thumbnails of frames ${missing.join(', ')} could not be extracted: ${(e as Error).message}`);
    }
  }
  const fps = probe.video!.fps || (probe.durationS > 0 ? v.stats.frameCount / probe.durationS : 0);
  const video: DecodedVideo = {
    fps,
    width: v.width,
    height: v.height,
    frameCount: v.stats.frameCount,
    entropy,
    motion,
    luma,
    selected,
    thumbnails: selected.filter((f) => thumbs.has(f)).map((f) => ({ frame: f, png: encodeRgbPng(thumbs.get(f)!, v.thumbW, v.thumbH) })),
  };
  if (v.crops) video.crops = v.crops.take(selected);
  if (video.frameCount === 0) warnings.push('video stream produced no frames');
  return video;
}

export interface VideoPassState {
  width: number;
  height: number;
  thumbW: number;
  thumbH: number;
  thumbFactor: number;
  matrix: ColorMatrix;
  stats: FrameStatsAccumulator;
  /** kept frames (yuv420p at the analysis size) by frame index */
  frames: Map<number, Uint8Array>;
  /** the encoder crops of the frames (DecodeOptions.crops) */
  crops?: CropKeeper;
}

/** Second pass for thumbnails that were not kept: decodes up to the last wanted frame and scales just those. */
function thumbPass(
  ffmpeg: string,
  file: string,
  abs: string,
  probe: ProbeInfo,
  frames: number[],
  w: number,
  h: number,
  opts: DecodeOptions,
): Promise<Map<number, Uint8Array>> {
  const sorted = [...frames].sort((a, b) => a - b);
  const expr = sorted.map((f) => `eq(n,${f})`).join('+');
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1', '-filter_threads', '1'];
  if (opts.fastDecode) args.push('-skip_loop_filter', 'all');
  args.push(
    '-i',
    ffmpegInput(abs),
    '-map',
    `0:${probe.video!.index}`,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `select='${expr}',scale=${w}:${h}:flags=area`,
    '-vsync',
    '0',
    '-frames:v',
    String(sorted.length),
    '-pix_fmt',
    'rgb24',
    '-c:v',
    'rawvideo',
    '-f',
    'rawvideo',
    'pipe:1',
  );
  const bytes = w * h * 3;
  const out = new Map<number, Uint8Array>();
  let cur = new Uint8Array(bytes);
  let fill = 0;
  const onData = (chunk: Uint8Array) => {
    let off = 0;
    while (off < chunk.length && out.size < sorted.length) {
      const n = Math.min(bytes - fill, chunk.length - off);
      cur.set(chunk.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === bytes) {
        out.set(sorted[out.size], cur);
        cur = new Uint8Array(bytes);
        fill = 0;
      }
    }
  };
  const timeoutMs = opts.timeoutMs ?? STALL_TIMEOUT_MS;
  return runFfmpeg(ffmpeg, args, { 1: onData }, opts.signal, timeoutMs, [1]).then((run) => {
    if (run.code !== 0 && out.size < sorted.length) {
      throw new MediaError(file, `thumbnail pass failed: ${lastMeaningfulLine(run.stderrLines, abs) || exitText(run)}`);
    }
    return out;
  });
}
