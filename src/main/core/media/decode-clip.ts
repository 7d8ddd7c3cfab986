// One ffmpeg pass per clip: 16 kHz mono f32le audio on pipe:3 and frames scaled to <= 320 px wide
// on pipe:4, both read concurrently. Frames come as planar yuv420p rather than rgb24: half the
// bytes through the pipe and no per-pixel colour conversion in ffmpeg; gray is the luma plane
// (BT.601 Y', mapped from limited to full range) and thumbnails are converted to rgb in JS.
// Frames are streamed through the entropy / luma / motion accumulator and copied, as they are, into
// a store bounded by a memory budget (highest-entropy frames win once it is full; a second pass
// extracts any selected frame that was not kept). Only the ~10 selected frames are ever converted
// to thumbnails: a plain copy per frame costs far less than downscaling every frame.
// The analysis scale point-samples (swscale `neighbor`, ANALYSIS_SCALE_FLAGS): a frame's 256-bin entropy
// stays closer to the full frame's than after `area` averaging (0.0021 against 0.049 bits a frame from the
// full-res entropy, 720p mandelbrot clip) and the pass costs less (docs/benchmarks.md, 2 December 2026).
// The audio of several clips in one run (audio-only extraction) is decode-audio-batch.ts.
import { FrameChunker } from './frame-chunks';
import { FrameStore, assemblyBuffer, releaseAssembly, releaseFrames, takeFrame } from './frame-store';
import { exitText, runFfmpeg, type LevelledStderr } from './run-ffmpeg';
import { MediaError, abortError } from './errors';
import { checkMediaFile, ffmpegInput, lastMeaningfulLine, parseProbe, type ProbeInfo, type VideoStreamInfo } from './probe';
import { FrameStatsAccumulator } from '../features/video/entropy';
import { fitSize, thumbFactor } from '../features/video/thumbnail';
import { yuv420FrameBytes, type ColorMatrix } from '../features/video/yuv';
import { isAbortError } from '../abort';
import { CropKeeper, cropBytes, cropFilter } from './crop-frames';
import {
  ANALYSIS_MAX_WIDTH,
  ANALYSIS_SCALE_FLAGS,
  PCM_SAMPLE_RATE,
  STALL_TIMEOUT_MS,
  THUMB_MAX_WIDTH,
  pcmOutputArgs,
  type DecodeOptions,
  type DecodedClip,
} from './decode-options';
import { finishVideo, type VideoPassState } from './clip-video';

/**
 * Decodes a probed clip in one ffmpeg pass (`-threads 1`).
 *
 * Failure policy: a file ffmpeg cannot decode at all rejects with MediaError naming the file and
 * ffmpeg's last stderr line. When decoding fails or stops part-way (a truncated file) but some audio
 * or frames came out, what was decoded is returned with a warning saying how much (compared with
 * the probed duration). A stream whose decoder cannot be opened is dropped with a warning and the
 * other stream is still decoded. Rejects with an AbortError (ffmpeg killed) when `opts.signal` fires.
 */
export async function decodeClip(ffmpeg: string, file: string, probe: ProbeInfo, opts: DecodeOptions = {}): Promise<DecodedClip> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const abs = checkMediaFile(file);
  const warnings: string[] = [];
  let wantAudio = opts.audio !== false && !!probe.audio;
  let wantVideo = opts.video !== false && !!probe.video;
  if (wantVideo && (!probe.video!.width || !probe.video!.height)) {
    warnings.push(`video stream #${probe.video!.index} (${probe.video!.codec}) has no known frame size: not decoded`);
    wantVideo = false;
  }
  if (!wantAudio && !wantVideo) {
    return { probe, pcm: null, video: null, warnings };
  }
  for (;;) {
    const pass = await mainPass(ffmpeg, file, abs, probe, wantAudio, wantVideo, opts);
    if (pass.kind === 'fallback') throw new Error('unreachable: a probed pass does not fall back');
    if (pass.kind === 'drop-stream') {
      // one stream's decoder could not be opened: decode the other one alone
      warnings.push(pass.warning);
      if (pass.stream === 'audio') wantAudio = false;
      else wantVideo = false;
      if (!wantAudio && !wantVideo) throw new MediaError(file, pass.warning);
      continue;
    }
    warnings.push(...pass.warnings);
    return { probe, pcm: pass.pcm, video: await finishVideo(ffmpeg, file, abs, probe, pass.video, warnings, opts), warnings };
  }
}

/**
 * Probes and decodes a clip with one ffmpeg run (the probe read from the same run's stderr): one
 * process per clip instead of two. Only for the plain case, a file with the streams asked for
 * (audio and video; or only one of them with `opts.audio` / `opts.video` false: then the other is
 * neither mapped nor decoded) that decodes without a complaint; anything else resolves to null, and
 * the caller probes and decodes the usual way ({@link probeMedia} + {@link decodeClip}), whose
 * messages say what is wrong. Rejects only with an AbortError.
 */
export async function decodeUnprobed(ffmpeg: string, file: string, opts: DecodeOptions = {}): Promise<DecodedClip | null> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const wantAudio = opts.audio !== false;
  const wantVideo = opts.video !== false;
  if (!wantAudio && !wantVideo) return null;
  try {
    const abs = checkMediaFile(file);
    const pass = await mainPass(ffmpeg, file, abs, null, wantAudio, wantVideo, opts);
    if (pass.kind !== 'ok' || pass.warnings.length || (wantAudio && !pass.probe.audio) || (wantVideo && !pass.probe.video)) return null;
    const warnings: string[] = [];
    const video = await finishVideo(ffmpeg, file, abs, pass.probe, pass.video, warnings, opts);
    return { probe: pass.probe, pcm: pass.pcm, video, warnings };
  } catch (e) {
    if (isAbortError(e)) throw e;
    return null;
  }
}

/** Whether `samples` of 16 kHz PCM fall short of a clip `durationS` long (a truncated file often decodes "successfully" up to where the data ends). */
export function audioEndsEarly(samples: number, durationS: number): boolean {
  return durationS > 0.5 && samples / PCM_SAMPLE_RATE < durationS * 0.9 - 0.1;
}

type MainPassResult =
  | { kind: 'ok'; probe: ProbeInfo; pcm: Float32Array | null; video: VideoPassState | null; warnings: string[] }
  | { kind: 'drop-stream'; stream: 'audio' | 'video'; warning: string }
  /** the unprobed pass did not run cleanly: probe and decode the usual way */
  | { kind: 'fallback' };

/**
 * The decoding pass. With `probe` null it is the unprobed pass of {@link decodeUnprobed}: the
 * first audio stream and the first video stream that is not cover art are mapped by type, ffmpeg
 * scales to the analysis size itself, and the probe is parsed from the same run's stderr header
 * (the frame size from its output header line, before any frame is handled).
 */
function mainPass(
  ffmpeg: string,
  file: string,
  abs: string,
  probe: ProbeInfo | null,
  wantAudio: boolean,
  wantVideo: boolean,
  opts: DecodeOptions,
): Promise<MainPassResult> {
  // -flush_packets 0 on the outputs: ffmpeg fills its 32 kB output buffer before each write instead
  // of writing every packet (an AAC frame is ~1.4 kB of 16 kHz f32 PCM: 170 writes per 3.6 s clip,
  // each a wake-up, a read and a callback here; 8 with it)
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    probe ? 'error' : 'level+info',
    '-nostats',
    '-threads',
    '1',
    '-filter_threads',
    '1',
  ];
  if (opts.fastDecode) args.push('-skip_loop_filter', 'all');
  args.push('-i', ffmpegInput(abs));
  if (wantAudio) args.push(...pcmOutputArgs(probe ? `0:${probe.audio!.index}` : '0:a:0', 'pipe:3'));
  let video: VideoPassState | null = null;
  let frameBytes = 0;
  let store: FrameStore | null = null;
  let frameBuf: Uint8Array = new Uint8Array(0);
  // a split in the filter graph: the encoder crops of every frame on pipe:1
  const keeper = wantVideo && opts.crops ? new CropKeeper(cropBytes(opts.crops)) : null;
  // the video state, once the analysis size is known
  const startVideo = (pv: VideoStreamInfo, width: number, height: number) => {
    const thumbFactorN = thumbFactor(width, THUMB_MAX_WIDTH);
    frameBytes = yuv420FrameBytes(width, height);
    // unflagged video: HD is BT.709 by convention, SD BT.601 (what players assume)
    const matrix: ColorMatrix = pv.colorMatrix ?? (pv.height >= 720 ? 'bt709' : 'bt601');
    store = new FrameStore(Math.floor((opts.thumbnailBudgetBytes ?? 48 * 1024 * 1024) / frameBytes));
    video = {
      width,
      height,
      thumbW: Math.floor(width / thumbFactorN),
      thumbH: Math.floor(height / thumbFactorN),
      thumbFactor: thumbFactorN,
      matrix,
      stats: new FrameStatsAccumulator(width, height),
      frames: store.map,
      crops: keeper ?? undefined,
    };
    // frames are assembled in frameBuf (reused: fresh pages fault, see runFfmpeg)
    frameBuf = assemblyBuffer(frameBytes);
  };
  if (wantVideo) {
    const flags = `flags=${opts.scaleFlags ?? ANALYSIS_SCALE_FLAGS}:out_range=tv`;
    let scale: string;
    if (probe) {
      const { width, height } = fitSize(probe.video!.width, probe.video!.height, ANALYSIS_MAX_WIDTH);
      startVideo(probe.video!, width, height);
      scale = `scale=${width}:${height}:${flags}`;
    } else {
      // fitSize's rule as an ffmpeg expression (checked against fitSize once the header is read)
      scale = `scale=w='max(2,trunc(min(${ANALYSIS_MAX_WIDTH},iw)/2)*2)':h='max(2,round(ih*ow/iw/2)*2)':${flags}`;
    }
    const input = probe ? `0:${probe.video!.index}` : '0:V:0';
    const graph = opts.crops ? ['-filter_complex', `[${input}]split=2[a][c];[a]${scale}[an];[c]${cropFilter(opts.crops)}[cr]`] : [];
    args.push(
      ...graph,
      '-map',
      opts.crops ? '[an]' : input,
      '-an',
      '-sn',
      '-dn',
      ...(opts.crops ? [] : ['-vf', scale]),
      '-pix_fmt',
      'yuv420p',
      '-vsync',
      '0',
      '-c:v',
      'rawvideo',
      '-flush_packets',
      '0',
      '-f',
      'rawvideo',
      'pipe:4',
    );
    if (opts.crops) {
      args.push('-map', '[cr]', '-pix_fmt', 'rgb24', '-vsync', '0', '-c:v', 'rawvideo', '-flush_packets', '0', '-f', 'rawvideo', 'pipe:1');
    }
  }
  let cropIndex = 0;
  const cropChunker = keeper
    ? new FrameChunker(cropBytes(opts.crops!), new Uint8Array(cropBytes(opts.crops!)), (rgb) => keeper.crop(cropIndex++, rgb))
    : null;

  const audioChunks: Uint8Array[] = []; // stream chunks, not reused: kept as they are
  let audioBytes = 0;
  const onAudio = (b: Uint8Array) => {
    audioChunks.push(b);
    audioBytes += b.length;
  };

  // a frame the store wants is copied into a pooled buffer
  const onFrame = (yuv: Uint8Array): boolean => {
    const stats = video!.stats;
    const index = stats.frameCount;
    const s = stats.pushLuma(yuv, 'limited');
    keeper?.frameEntropy(index, s.entropy);
    if (!store!.wants(s.entropy)) return false;
    const copy = takeFrame(frameBytes);
    copy.set(yuv);
    const evicted = store!.keep(index, s.entropy, copy);
    if (evicted) releaseFrames([evicted]);
    return true;
  };
  let chunker: FrameChunker | null = null;
  // made with the first frames: the frame size is known by then
  const onFrames = (b: Uint8Array) => (chunker ??= new FrameChunker(frameBytes, frameBuf, onFrame)).push(b);
  // unprobed: frames that arrive before the header line gave their size wait here (copies: the
  // read buffer is reused)
  const early: Uint8Array[] = [];
  let earlyBytes = 0;
  const onVideo = (b: Uint8Array) => {
    if (video) {
      onFrames(b);
      return;
    }
    early.push(Uint8Array.from(b));
    earlyBytes += b.length;
    if (earlyBytes > 64 * 1024 * 1024) throw new Error("no frame size in ffmpeg's header");
  };

  // unprobed: the stderr header (input streams, then the output streams)
  let parsed: ProbeInfo | null = null;
  const header: string[] = [];
  const levelled: LevelledStderr | undefined = probe
    ? undefined
    : {
        onInfo: (line, rearm) => {
          if (header.length < 2000) header.push(line);
          const out = /^\s*Stream #\d+:\d+.*: Video: rawvideo\b.*?, (\d+)x(\d+)\b/.exec(line);
          if (!out || video) return;
          parsed = parseProbe(header.join('\n'), file, abs);
          const pv = parsed.video;
          const [w, h] = [Number(out[1]), Number(out[2])];
          const expected = pv ? fitSize(pv.width, pv.height, ANALYSIS_MAX_WIDTH) : null;
          if (!pv || !expected || expected.width !== w || expected.height !== h)
            throw new Error(`unexpected analysis frame size ${w}x${h}`);
          rearm(opts.timeoutMs ?? STALL_TIMEOUT_MS);
          startVideo(pv, w, h);
          for (const c of early.splice(0)) onFrames(c);
        },
      };

  const timeoutMs = opts.timeoutMs ?? STALL_TIMEOUT_MS;
  const onCrops = cropChunker ? (b: Uint8Array) => cropChunker.push(b) : null;
  return runFfmpeg(
    ffmpeg,
    args,
    { 1: onCrops, 3: wantAudio ? onAudio : null, 4: wantVideo ? onVideo : null },
    opts.signal,
    timeoutMs,
    [1, 4],
    levelled,
  )
    .then((run): MainPassResult => {
      if (!probe) {
        // anything but a clean run goes the probed way, which words each problem precisely
        parsed ??= header.some((l) => /^Input #0,/.test(l)) ? parseProbe(header.join('\n'), file, abs) : null;
        if (run.code !== 0 || run.errorLines > 0 || !parsed || (wantVideo && !video) || (chunker?.fill ?? 0) > 0)
          return { kind: 'fallback' };
      }
      const pr = (probe ?? parsed)!;
      const v = video as VideoPassState | null;
      const warnings: string[] = [];
      const stderrLast = lastMeaningfulLine(run.stderrLines, abs);
      const frames = v?.stats.frameCount ?? 0;
      const samples = Math.floor(audioBytes / 4);
      const failed = run.code !== 0;
      if (failed && samples === 0 && frames === 0) {
        // a stream whose decoder cannot even be opened: retry with the other stream alone
        const text = run.stderrLines.join('\n');
        const bad = /(?:Decoder \(codec [^)]*\) not found|Error while opening decoder) for input stream #0:(\d+)/.exec(text);
        if (bad && wantAudio && wantVideo) {
          const idx = Number(bad[1]);
          const stream = idx === pr.audio?.index ? 'audio' : idx === pr.video?.index ? 'video' : null;
          if (stream) {
            const codec = stream === 'audio' ? pr.audio!.codec : pr.video!.codec;
            return { kind: 'drop-stream', stream, warning: `${stream} stream #${idx} (${codec}) cannot be decoded: ${stderrLast}` };
          }
        }
        throw new MediaError(file, `decoding failed: ${stderrLast || exitText(run)}`);
      }
      if (failed) {
        warnings.push(
          `ffmpeg stopped with an error after decoding ${describe(samples, frames, wantAudio, wantVideo)}: ${stderrLast || exitText(run)}`,
        );
      } else if (run.errorLines > 0) {
        warnings.push(`decoder reported ${run.errorLines} error line(s), last: ${stderrLast}`);
      }
      const fill = chunker?.fill ?? 0;
      if (fill > 0) warnings.push(`last frame incomplete (${fill} of ${frameBytes} bytes): dropped`);
      // a truncated file often decodes "successfully" up to where the data ends
      const dur = pr.durationS;
      if (wantAudio && audioEndsEarly(samples, dur))
        warnings.push(
          `audio ends early: ${(samples / PCM_SAMPLE_RATE).toFixed(2)} s decoded of ${dur.toFixed(2)} s (truncated or damaged file?)`,
        );
      if (dur > 0.5) {
        const fps = pr.video?.fps ?? 0;
        if (wantVideo && fps > 0 && fps <= 240 && frames < dur * fps * 0.9 - 2) {
          warnings.push(`video ends early: ${frames} frames decoded of about ${Math.round(dur * fps)} (truncated or damaged file?)`);
        }
      }
      let pcm: Float32Array | null = null;
      if (wantAudio) {
        pcm = new Float32Array(samples);
        const bytes = new Uint8Array(pcm.buffer);
        let o = 0;
        for (const c of audioChunks) {
          const n = Math.min(c.length, bytes.length - o);
          bytes.set(c.subarray(0, n), o);
          o += n;
        }
        if (samples === 0) warnings.push('audio stream decoded to 0 samples');
      }
      return { kind: 'ok', probe: pr, pcm, video: v, warnings };
    })
    .finally(() => releaseAssembly(frameBuf));
}

function describe(samples: number, frames: number, audio: boolean, video: boolean): string {
  const parts: string[] = [];
  if (audio) parts.push(`${(samples / PCM_SAMPLE_RATE).toFixed(2)} s of audio`);
  if (video) parts.push(`${frames} frames`);
  return parts.join(' and ');
}
