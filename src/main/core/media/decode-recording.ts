// One ffmpeg pass over a long recording, cut into its segments (utterances with start/end times) as
// the samples and frames go by: each segment gets its own PCM, per-frame statistics, selected frames
// and thumbnails, and memory stays bounded by the longest open segment, not by the recording.
import { FrameStore, releaseFrames, takeFrame } from './frame-store';
import { FrameChunker } from './frame-chunks';
import { cpuMs } from '../cpu-time';
import { exitText, runFfmpeg, type FlowControl } from './run-ffmpeg';
import { MediaError, abortError } from './errors';
import { checkMediaFile, ffmpegInput, lastMeaningfulLine, type ProbeInfo } from './probe';
import {
  ANALYSIS_MAX_WIDTH,
  ANALYSIS_SCALE_FLAGS,
  PCM_SAMPLE_RATE,
  STALL_TIMEOUT_MS,
  THUMB_MAX_WIDTH,
  pcmOutputArgs,
  type DecodedVideo,
} from './decode-options';
import { FrameStatsAccumulator } from '../features/video/entropy';
import { selectTopFrames } from '../features/video/select-frames';
import { encodeRgbPng, fitSize, thumbFactor } from '../features/video/thumbnail';
import { yuv420FrameBytes, yuv420ToRgbThumb, type ColorMatrix } from '../features/video/yuv';
import { PeakAccumulator, type Peaks } from '../features/audio/peaks';
import { CropKeeper, CropRouter, cropBytes, cropFilter, type CropSpec } from './crop-frames';

export interface SegmentSpec {
  /** the utterance */
  id: number;
  startS: number;
  endS: number;
}

/** A segment's video: as a clip's, with frames counted from the segment's first frame. */
export interface SegmentVideo extends DecodedVideo {
  /** time in the recording of the segment's frame 0 (frame i is at t0S + i / fps; frames in [start, end)) */
  t0S: number;
}

export interface DecodedSegment {
  id: number;
  startS: number;
  endS: number;
  pcm: Float32Array | null;
  video: SegmentVideo | null;
  warnings: string[];
}

export interface RecordingDecodeOptions {
  signal?: AbortSignal;
  audio?: boolean;
  video?: boolean;
  /** frames to select per segment (default 10) */
  topK?: number;
  /** decoded frames kept per open segment for its thumbnails (default 48 MiB; past it the highest-entropy frames win) */
  thumbnailBudgetBytes?: number;
  /** stall timeout: no output for this long kills ffmpeg (default 60 s) */
  timeoutMs?: number;
  /** waveform peaks of the whole decoded span, for the timeline (bins per second; 0: none) */
  peaksPerSecond?: number;
  /** filled in with pause / resume of the decode (a consumer of the segments that falls behind) */
  flow?: FlowControl;
  /** also output every frame prepared for an image encoder (crop-frames.ts): each segment's video.crops */
  crops?: CropSpec;
}

export interface RecordingDecodeResult {
  /** seconds decoded, from `offsetS` */
  audioS: number;
  frames: number;
  /** where the pass started in the recording (input seek to the earliest segment) */
  offsetS: number;
  peaks: Peaks | null;
  warnings: string[];
  /** CPU spent here on features rather than decoding: per-frame statistics, thumbnails (ms) */
  timings: { frameStatsMs: number; thumbnailsMs: number };
}

/** Seek to the earliest segment when it starts this late (decoding the lead-in would be wasted). */
const SEEK_MIN_S = 5;

/** Where a pass whose earliest segment starts at `earliestS` begins in the file (input seek). */
export function recordingOffsetS(earliestS: number): number {
  const e = Math.max(0, earliestS);
  return e >= SEEK_MIN_S ? Math.floor(e) - 1 : 0;
}

/** A segment's samples [s0, s1) in a pass that began at `offsetS`. */
export function segmentSamples(startS: number, endS: number, offsetS: number): [number, number] {
  const sr = PCM_SAMPLE_RATE;
  return [Math.max(0, Math.round((startS - offsetS) * sr)), Math.max(0, Math.round((endS - offsetS) * sr))];
}

interface SegState {
  spec: SegmentSpec;
  s0: number; // first sample (output sample index)
  s1: number; // end sample, exclusive
  k0: number; // first frame (output frame index)
  k1: number; // end frame, exclusive
  pcm: Float32Array | null;
  audioDone: boolean;
  videoDone: boolean;
  entropy: number[];
  motion: number[];
  luma: number[];
  store: FrameStore | null;
  /** the encoder crops of its frames (opts.crops), and whether the crop of its last frame has come */
  crops: CropKeeper | null;
  cropsDone: boolean;
  warnings: string[];
  emitted: boolean;
}

/**
 * Decodes `file` once (from the earliest segment on), in order, and calls `onSegment` for each
 * segment as soon as the audio and frames past its end have gone by (overlapping segments each
 * get their own copy of the shared samples). Frames are decoded at a constant rate (the probed
 * one), so frame k is at offset + k / fps. Rejects with MediaError when ffmpeg cannot decode the
 * file at all, with an AbortError when `opts.signal` fires; segments already passed to
 * `onSegment` stay valid either way.
 */
export async function decodeRecording(
  ffmpeg: string,
  file: string,
  probe: ProbeInfo,
  segments: SegmentSpec[],
  onSegment: (s: DecodedSegment) => void,
  opts: RecordingDecodeOptions = {},
): Promise<RecordingDecodeResult> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const abs = checkMediaFile(file);
  const warnings: string[] = [];
  const wantAudio = opts.audio !== false && !!probe.audio;
  const pv = probe.video;
  let wantVideo = opts.video !== false && !!pv;
  if (wantVideo && (!pv!.width || !pv!.height || !(pv!.fps > 0 && pv!.fps <= 240))) {
    warnings.push(`video stream #${pv!.index} (${pv!.codec}) has no usable frame size or rate: not decoded`);
    wantVideo = false;
  }
  const timings = { frameStatsMs: 0, thumbnailsMs: 0 };
  const sorted = [...segments].sort((a, b) => a.startS - b.startS || a.endS - b.endS);
  const offsetS = recordingOffsetS(sorted.length ? sorted[0].startS : 0);
  const fps = wantVideo ? pv!.fps : 0;
  const sr = PCM_SAMPLE_RATE;
  const segs: SegState[] = sorted.map((spec) => ({
    spec,
    s0: segmentSamples(spec.startS, spec.endS, offsetS)[0],
    s1: segmentSamples(spec.startS, spec.endS, offsetS)[1],
    k0: fps ? Math.max(0, Math.ceil((spec.startS - offsetS) * fps - 1e-6)) : 0,
    k1: fps ? Math.max(0, Math.ceil((spec.endS - offsetS) * fps - 1e-6)) : 0,
    pcm: null,
    audioDone: !wantAudio,
    videoDone: !wantVideo,
    entropy: [],
    motion: [],
    luma: [],
    store: null,
    crops: null,
    cropsDone: !(wantVideo && opts.crops),
    warnings: [],
    emitted: false,
  }));
  if (!wantAudio && !wantVideo) {
    for (const s of segs) emit(s);
    return { audioS: 0, frames: 0, offsetS, peaks: null, warnings, timings };
  }

  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-nostats', '-threads', '1', '-filter_threads', '1'];
  if (offsetS > 0) args.push('-ss', String(offsetS));
  args.push('-i', ffmpegInput(abs));
  if (wantAudio) args.push(...pcmOutputArgs(`0:${probe.audio!.index}`, 'pipe:3'));
  let width = 0;
  let height = 0;
  let frameBytes = 0;
  let matrix: ColorMatrix = 'bt601';
  let tFactor = 1;
  let acc: FrameStatsAccumulator | null = null;
  if (wantVideo) {
    ({ width, height } = fitSize(pv!.width, pv!.height, ANALYSIS_MAX_WIDTH));
    frameBytes = yuv420FrameBytes(width, height);
    matrix = pv!.colorMatrix ?? (pv!.height >= 720 ? 'bt709' : 'bt601');
    tFactor = thumbFactor(width, THUMB_MAX_WIDTH);
    acc = new FrameStatsAccumulator(width, height);
    // a constant output rate makes frame k's time exact (offset + k / fps) on variable-rate sources too
    const scale = `scale=${width}:${height}:flags=${ANALYSIS_SCALE_FLAGS}:out_range=tv`;
    const c = opts.crops;
    args.push(
      ...(c ? ['-filter_complex', `[0:${pv!.index}]split=2[a][c];[a]${scale}[an];[c]${cropFilter(c)}[cr]`] : []),
      '-map',
      c ? '[an]' : `0:${pv!.index}`,
      '-an',
      '-sn',
      '-dn',
      ...(c ? [] : ['-vf', scale]),
      '-pix_fmt',
      'yuv420p',
      '-vsync',
      'cfr',
      '-r',
      String(fps),
      '-c:v',
      'rawvideo',
      '-f',
      'rawvideo',
      'pipe:4',
    );
    // the crops: the same frames at the same constant rate, so crop k is frame k
    if (c)
      args.push('-map', '[cr]', '-pix_fmt', 'rgb24', '-vsync', 'cfr', '-r', String(fps), '-c:v', 'rawvideo', '-f', 'rawvideo', 'pipe:1');
  }
  const storeCapacity = frameBytes ? Math.max(16, Math.floor((opts.thumbnailBudgetBytes ?? 48 * 1024 * 1024) / frameBytes)) : 0;
  const thumbW = Math.floor(width / tFactor);
  const thumbH = Math.floor(height / tFactor);

  // ---- audio: a byte buffer holding samples from the earliest segment still waiting for audio
  let abuf = new Float32Array(sr * 4);
  let abytes = new Uint8Array(abuf.buffer);
  let aStart = 0; // output sample index of abuf[0]
  let wpos = 0; // bytes written into abuf (a partial float may sit past the last whole sample)
  let audioTodo = segs.filter((s) => !s.audioDone); // sorted by s0
  const peaks = opts.peaksPerSecond ? new PeakAccumulator(sr, opts.peaksPerSecond) : null;
  const onAudio = (b: Uint8Array) => {
    const need = wpos + b.length;
    if (need > abytes.length) {
      // drop what no segment needs any more, then grow if still short
      const keepFrom = audioTodo.length ? Math.min(audioTodo[0].s0, aStart + Math.floor(wpos / 4)) : aStart + Math.floor(wpos / 4);
      const drop = Math.max(0, keepFrom - aStart) * 4;
      if (drop > 0) {
        abytes.copyWithin(0, drop, wpos);
        wpos -= drop;
        aStart += drop / 4;
      }
      if (wpos + b.length > abytes.length) {
        const grown = new Float32Array(Math.max(abuf.length * 2, Math.ceil((wpos + b.length) / 4) + sr));
        new Uint8Array(grown.buffer).set(abytes.subarray(0, wpos));
        abuf = grown;
        abytes = new Uint8Array(abuf.buffer);
      }
    }
    const from = Math.floor(wpos / 4);
    abytes.set(b, wpos);
    wpos += b.length;
    const have = aStart + Math.floor(wpos / 4); // samples decoded so far
    peaks?.push(abuf, from, Math.floor(wpos / 4));
    while (audioTodo.length) {
      // segments finish in order of their end, not their start: check every waiting one cheaply
      let progressed = false;
      for (const s of audioTodo) {
        if (s.s1 <= have) {
          s.pcm = abuf.slice(Math.max(0, s.s0 - aStart), s.s1 - aStart);
          s.audioDone = true;
          progressed = true;
        }
      }
      if (!progressed) break;
      audioTodo = audioTodo.filter((s) => !s.audioDone);
      for (const s of segs) if (s.audioDone && s.videoDone && s.cropsDone && !s.emitted) emit(s);
    }
  };

  // ---- video: per-frame statistics for every frame, kept copies for the open segments
  let frameIndex = 0;
  let nextOpen = 0; // segs[nextOpen..] have not started yet (by frame)
  let open: SegState[] = [];
  const segsByK0 = wantVideo ? [...segs].sort((a, b) => a.k0 - b.k0) : [];
  const onFrame = (yuv: Uint8Array) => {
    const k = frameIndex++;
    // a frame in no segment is not analysed (a third of the frames of the bench's recording): a
    // segment's motion at its first frame is 0, so no frame outside it is ever compared with
    if (open.length === 0 && (nextOpen >= segsByK0.length || segsByK0[nextOpen].k0 > k)) return;
    const t0 = cpuMs();
    const st = acc!.pushLuma(yuv, 'limited');
    timings.frameStatsMs += cpuMs() - t0;
    let closed = false;
    while (nextOpen < segsByK0.length && segsByK0[nextOpen].k0 <= k) {
      const s = segsByK0[nextOpen++];
      if (s.k1 > k) {
        s.store = new FrameStore(storeCapacity);
        s.crops ??= opts.crops ? new CropKeeper(cropBytes(opts.crops)) : null;
        open.push(s);
      } else {
        s.videoDone = true; // shorter than one frame period: no frame inside it
        closed = true;
      }
    }
    for (const s of open) {
      const j = s.entropy.length;
      s.entropy.push(st.entropy);
      s.motion.push(j === 0 ? 0 : st.motion);
      s.luma.push(st.luma);
      s.crops?.frameEntropy(j, st.entropy);
      if (s.store!.wants(st.entropy)) {
        const copy = takeFrame(frameBytes);
        copy.set(yuv);
        const evicted = s.store!.keep(j, st.entropy, copy);
        if (evicted) releaseFrames([evicted]);
      }
      if (k + 1 >= s.k1) {
        s.videoDone = true;
        closed = true;
      }
    }
    if (closed) {
      open = open.filter((s) => !s.videoDone);
      for (const s of segs) if (s.audioDone && s.videoDone && s.cropsDone && !s.emitted) emit(s);
    }
  };
  const chunker = new FrameChunker(frameBytes, new Uint8Array(frameBytes), onFrame);
  const onVideo = (b: Uint8Array) => chunker.push(b);

  // ---- crops (opts.crops): crop k goes to the segments holding frame k, whichever pipe comes first
  const router = opts.crops
    ? new CropRouter(segsByK0, cropBytes(opts.crops), () => {
        for (const s of segs) if (s.audioDone && s.videoDone && s.cropsDone && !s.emitted) emit(s);
      })
    : null;
  const cropChunker =
    router && wantVideo
      ? new FrameChunker(cropBytes(opts.crops!), new Uint8Array(cropBytes(opts.crops!)), (rgb) => router.push(rgb))
      : null;

  function emit(s: SegState): void {
    s.emitted = true;
    let video: SegmentVideo | null = null;
    if (wantVideo && s.entropy.length > 0) {
      const t0 = cpuMs();
      const entropy = Float32Array.from(s.entropy);
      const selected = selectTopFrames(entropy, opts.topK ?? 10);
      const thumbnails: { frame: number; png: Buffer }[] = [];
      const missing: number[] = [];
      for (const f of selected) {
        const y = s.store?.map.get(f);
        if (!y) {
          missing.push(f);
          continue;
        }
        thumbnails.push({ frame: f, png: encodeRgbPng(yuv420ToRgbThumb(y, width, height, tFactor, matrix).data, thumbW, thumbH) });
      }
      if (missing.length) s.warnings.push(`no thumbnail for frames ${missing.join(', ')} (not kept within the memory budget)`);
      video = {
        fps,
        width,
        height,
        frameCount: entropy.length,
        entropy,
        motion: Float32Array.from(s.motion),
        luma: Float32Array.from(s.luma),
        selected,
        thumbnails,
        t0S: offsetS + s.k0 / fps,
        ...(s.crops ? { crops: s.crops.take(selected) } : {}),
      };
      timings.thumbnailsMs += cpuMs() - t0;
    }
    if (s.store) {
      releaseFrames(s.store.map.values());
      s.store.map.clear();
      s.store = null;
    }
    s.crops = null;
    const seg: DecodedSegment = { id: s.spec.id, startS: s.spec.startS, endS: s.spec.endS, pcm: s.pcm, video, warnings: s.warnings };
    s.pcm = null;
    s.entropy = s.motion = s.luma = [];
    onSegment(seg);
  }

  const run = await runFfmpeg(
    ffmpeg,
    args,
    { 1: cropChunker ? (b) => cropChunker.push(b) : null, 3: wantAudio ? onAudio : null, 4: wantVideo ? onVideo : null },
    opts.signal,
    opts.timeoutMs ?? STALL_TIMEOUT_MS,
    [1, 4],
    undefined,
    opts.flow,
  );
  const samples = aStart + Math.floor(wpos / 4);
  const stderrLast = lastMeaningfulLine(run.stderrLines, abs);
  if (run.code !== 0 && samples === 0 && frameIndex === 0) {
    throw new MediaError(file, `decoding failed: ${stderrLast || exitText(run)}`);
  }
  const endS = (n: number, rate: number) => (offsetS + n / rate).toFixed(2);
  if (run.code !== 0)
    warnings.push(`ffmpeg stopped with an error at ${endS(wantAudio ? samples : frameIndex, wantAudio ? sr : fps)} s: ${stderrLast}`);
  else if (run.errorLines > 0) warnings.push(`decoder reported ${run.errorLines} error line(s), last: ${stderrLast}`);
  // the end of the media: what is left is cut at what was decoded, with a warning
  for (const s of segs) {
    if (s.emitted) continue;
    if (!s.audioDone) {
      if (s.s0 >= samples) s.warnings.push(`segment starts after the end of the audio (${endS(samples, sr)} s)`);
      else {
        s.pcm = abuf.slice(Math.max(0, s.s0 - aStart), samples - aStart);
        s.warnings.push(`segment ends after the end of the audio (${endS(samples, sr)} s): cut there`);
      }
      s.audioDone = true;
    }
    if (!s.videoDone) {
      if (s.entropy.length === 0) s.warnings.push(`segment has no video frame (the video ends at ${endS(frameIndex, fps)} s)`);
      s.videoDone = true;
    }
    s.cropsDone = true;
    emit(s);
  }
  return { audioS: samples / sr, frames: frameIndex, offsetS, peaks: peaks ? peaks.result(offsetS) : null, warnings, timings };
}
