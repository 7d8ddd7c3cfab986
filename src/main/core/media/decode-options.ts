// What a clip decode is asked for (DecodeOptions) and gives back (DecodedClip, DecodedVideo), with the
// output settings clips and recordings share: the PCM format, the analysis and thumbnail sizes, the stall timeout.
import type { ProbeInfo } from './probe';
import type { CropSpec, Crops } from './crop-frames';

/**
 * ffmpeg output options for one audio stream as 16 kHz mono float PCM on a pipe (clips and recordings
 * alike). -rematrix_maxval 1: the mono downmix is the channel mean (the default can exceed 1.0 for
 * float); -flush_packets 0: a clip's audio in a few pipe writes instead of one per packet.
 */
export function pcmOutputArgs(map: string, pipe: string): string[] {
  return [
    '-map',
    map,
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(PCM_SAMPLE_RATE),
    '-rematrix_maxval',
    '1',
    '-c:a',
    'pcm_f32le',
    '-flush_packets',
    '0',
    '-f',
    'f32le',
    pipe,
  ];
}

/** Sample rate of the decoded PCM. */
export const PCM_SAMPLE_RATE = 16000;
/** Decoded frames are scaled to at most this width (even dims, aspect kept; never upscaled). */
export const ANALYSIS_MAX_WIDTH = 320;
/**
 * swscale flags of the analysis scale, clips and recordings alike (a segment's frames must match the
 * clip's): point sampling, whose 256-bin entropy stays closer to the full frame's than 'area' averaging.
 */
export const ANALYSIS_SCALE_FLAGS = 'neighbor';
/** Thumbnails of selected frames are at most this wide. */
export const THUMB_MAX_WIDTH = 160;

export interface DecodeOptions {
  signal?: AbortSignal;
  /** decode audio when the probe found some (default true) */
  audio?: boolean;
  /** decode video when the probe found some (default true) */
  video?: boolean;
  /** frames to select (default 10) */
  topK?: number;
  /** minimum index distance between selected frames (default: selectTopFrames' default) */
  minSpacing?: number;
  /**
   * Memory for decoded frames kept during the pass to make the selected frames' thumbnails from
   * (default 48 MiB: ~580 frames at 320x180, 24 s at 24 fps). Shorter clips keep every
   * frame; past the budget only the highest-entropy frames are kept, and selected frames without
   * one are re-extracted by a second ffmpeg pass.
   */
  thumbnailBudgetBytes?: number;
  /**
   * swscale flags for the analysis scale (default {@link ANALYSIS_SCALE_FLAGS}; see decode-clip.ts's header)
   */
  scaleFlags?: string;
  /** skip the h264/hevc deblocking filter (~10% faster decode, slightly blockier frames; default false) */
  fastDecode?: boolean;
  /** kill ffmpeg after this long without any output from it (default 60 s: a stall timeout) */
  timeoutMs?: number;
  /** also output every frame prepared for an image encoder (crop-frames.ts): DecodedVideo.crops */
  crops?: CropSpec;
}

export interface DecodedVideo {
  /** frames per second from the probe (estimated from the frame count when the probe had none) */
  fps: number;
  /** size of the analysed frames (the source scaled to <= 320 px wide) */
  width: number;
  height: number;
  /** decoded frames (every one, in decode order; no frame-rate conversion) */
  frameCount: number;
  /** gray (luma, full range) Shannon entropy per frame, bits (0..8) */
  entropy: Float32Array;
  /** mean absolute luma difference to the previous frame, 0..255 (frame 0: 0) */
  motion: Float32Array;
  /** mean luma per frame, 0..255 */
  luma: Float32Array;
  /** selected frame indices (selectTopFrames), ascending, at most topK */
  selected: number[];
  /** PNG thumbnails (<= 160 px wide) of the selected frames, in `selected` order */
  thumbnails: { frame: number; png: Buffer }[];
  /** with DecodeOptions.crops: the selected frames' crops (null: one was not kept within the budget) */
  crops?: Crops | null;
}

export interface DecodedClip {
  probe: ProbeInfo;
  /** 16 kHz mono float PCM (channel mean), null when the file has no audio stream */
  pcm: Float32Array | null;
  video: DecodedVideo | null;
  /** non-fatal problems: partial decode, decoder errors, streams that could not be decoded */
  warnings: string[];
}

/** A stall timeout (runFfmpeg re-arms it on every output): 60 s without any progress, whatever the
 * clip's length (a duration-based one overflowed Node's timer past ~19.9 h of media). */
export const STALL_TIMEOUT_MS = 60_000;
