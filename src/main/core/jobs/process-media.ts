// One clip, one ffmpeg pass (probe and decoding of audio + frames), audio DSP, frame entropy and selection.
// Pure with respect to the database: returns a result that the writer stores in one transaction.
import path from 'node:path';
import type { AudioSummary, ItemError } from '../../../shared/types';
import { probeMedia, MediaError, type ProbeInfo } from '../media/probe';
import { abortError } from '../media/errors';
import { decodeClip, decodeUnprobed } from '../media/decode-clip';
import { decodeAudioBatch } from '../media/decode-audio-batch';
import type { DecodedClip, DecodedVideo } from '../media/decode-options';
import { computeAudioSummary, audioFeatureVector, AudioTooShortError, isSilent } from '../features/audio';
import { videoFeatureVector } from '../features/video/select-frames';
import { decodeRecording, type DecodedSegment, type SegmentSpec } from '../media/decode-recording';
import type { Peaks } from '../features/audio/peaks';
import { cpuMs } from '../cpu-time';
import type { FlowControl } from '../media/run-ffmpeg';
import type { CropSpec, Crops } from '../media/crop-frames';
import { spanErrorMessage } from './span-check';

/** Which streams to decode (`extract --modalities`): audio-only work never decodes a frame. */
export interface MediaWants {
  audio: boolean;
  video: boolean;
}
const ALL: MediaWants = { audio: true, video: true };

/** What the decode also hands back for the pretrained encoders (jobs/encoder-feed.ts). */
export interface EncoderFeedWants {
  /** the decoded 16 kHz PCM of each clip or segment whose audio features were made (wav2vec2) */
  pcm?: boolean;
  /** the selected frames prepared for ResNet-50 by the same decode (a split to a second pipe) */
  crops?: CropSpec;
  /** a recording's decode: filled with pause / resume, for a feed that falls behind */
  flow?: FlowControl;
}

export interface MediaResult {
  utteranceId: number;
  file: string;
  probe: ProbeInfo | null;
  audio: AudioSummary | null;
  audioVector: Float32Array | null;
  /** the decoded video's statistics; thumbnails as plain bytes (a Buffer arrives from a worker as one) */
  video:
    (Omit<DecodedVideo, 'thumbnails'> & { thumbnails: { frame: number; png: Uint8Array }[]; vector: Float32Array; t0S?: number }) | null;
  /** a segment of a longer recording: its span in the media file */
  segment?: { startS: number; endS: number };
  errors: ItemError[];
  /** true when nothing usable came out of the clip */
  failed: boolean;
  /** the decoded PCM, for the wav2vec2 feed (only when asked for: EncoderFeedWants.pcm) */
  pcm?: Float32Array;
  /** the selected frames' ResNet-50 crops (EncoderFeedWants.crops; absent when one was not kept) */
  crops?: Crops;
}

const AUDIO_ONLY_EXT = new Set(['.wav', '.mp3', '.flac', '.ogg', '.opus', '.m4a', '.aac']);

export async function processMedia(
  ffmpeg: string,
  utteranceId: number,
  file: string,
  signal?: AbortSignal,
  wants: MediaWants = ALL,
  feed: EncoderFeedWants = {},
): Promise<MediaResult> {
  const r = blankResult(utteranceId, file);
  const fail = (stage: string, e: unknown): MediaResult => {
    r.errors.push({ stage, file, message: reasonOf(e), level: 'error' });
    r.failed = true;
    return r;
  };
  // one ffmpeg run for the usual clip (the streams asked for, clean); the rest is probed first
  const audioFile = AUDIO_ONLY_EXT.has(path.extname(file).toLowerCase());
  const opts = { signal, audio: wants.audio, video: wants.video, crops: wants.video ? feed.crops : undefined };
  let decoded = audioFile && wants.video ? null : await decodeUnprobed(ffmpeg, file, opts);
  if (decoded) {
    r.probe = decoded.probe;
  } else {
    try {
      r.probe = await probeMedia(ffmpeg, file);
    } catch (e) {
      return fail('probe', e);
    }
    try {
      decoded = await decodeClip(ffmpeg, file, r.probe, opts);
    } catch (e) {
      if (signal?.aborted) throw e;
      return fail('decode', e);
    }
  }
  return finishMedia(r, decoded, wants, feed);
}

/**
 * Audio-only whole clips, several to an ffmpeg run ({@link decodeAudioBatch}): each result goes to
 * `onResult` as soon as its features are made, in the order of `clips`. A clip that the batch did
 * not decode cleanly is processed alone, the usual way ({@link processMedia}), which words its
 * problem; so a damaged clip does not fail its neighbours. Rejects only with an AbortError.
 */
export async function processAudioBatch(
  ffmpeg: string,
  clips: { id: number; file: string }[],
  onResult: (r: MediaResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const wants: MediaWants = { audio: true, video: false };
  const decoded = await decodeAudioBatch(
    ffmpeg,
    clips.map((c) => c.file),
    { signal },
  );
  for (let i = 0; i < clips.length; i++) {
    const { id, file } = clips[i];
    const d = decoded[i];
    decoded[i] = null; // let each clip's PCM go once its features are made
    if (signal?.aborted) throw abortError(signal);
    if (!d) {
      onResult(await processMedia(ffmpeg, id, file, signal, wants));
      continue;
    }
    onResult(finishMedia({ ...blankResult(id, file), probe: d.probe }, d, wants, {}));
  }
}

/** A clip's result before anything is known of it. */
function blankResult(utteranceId: number, file: string): MediaResult {
  return { utteranceId, file, probe: null, audio: null, audioVector: null, video: null, errors: [], failed: false };
}

/** A decoded clip's features into `r` (the streams asked for), with the decode's warnings. */
function finishMedia(r: MediaResult, decoded: DecodedClip, wants: MediaWants, feed: EncoderFeedWants): MediaResult {
  const file = r.file;
  for (const w of decoded.warnings) r.errors.push({ stage: 'decode', file, message: w, level: 'warning' });

  if (!wants.audio) {
    // not asked for: nothing to say
  } else if (!decoded.pcm) {
    r.errors.push({ stage: 'audio', file, message: 'no audio track', level: 'error' });
  } else {
    addAudioFeatures(r, decoded.pcm, 'audio');
    if (feed.pcm && r.audio) r.pcm = decoded.pcm;
  }

  const v = decoded.video;
  if (!wants.video) {
    // not asked for
  } else if (!v) {
    const audioFile = AUDIO_ONLY_EXT.has(path.extname(file).toLowerCase());
    r.errors.push({ stage: 'video', file, message: 'no video stream', level: audioFile ? 'warning' : 'error' });
  } else if (v.frameCount === 0) {
    r.errors.push({ stage: 'video', file, message: 'video stream has no decodable frame', level: 'error' });
  } else {
    r.video = {
      ...v,
      crops: undefined,
      thumbnails: v.thumbnails.map((t) => ({ frame: t.frame, png: new Uint8Array(t.png) })),
      vector: videoFeatureVector(v.entropy, v.motion, v.luma),
    };
    if (v.crops && v.crops.frames.length) r.crops = v.crops;
  }
  r.failed = !r.audio && !r.video;
  return r;
}

export interface RecordingOutcome {
  /** waveform peaks of what was decoded (null when the recording could not be decoded) */
  peaks: Peaks | null;
  probe: ProbeInfo | null;
  /** problems of the whole recording (also attached to each of its segments) */
  warnings: string[];
  /** CPU in feature code, not decoding (ms): audio DSP, frame statistics, thumbnails */
  timings?: { audioMs: number; frameStatsMs: number; thumbnailsMs: number };
}

/**
 * All segments of one recording from one decode: `onResult` gets each segment's result as soon as
 * the decode has passed its end (so results are stored while the rest decodes). A recording that
 * cannot be probed or decoded gives every segment not yet reported an error with the reason.
 */
export async function processRecording(
  ffmpeg: string,
  file: string,
  segments: SegmentSpec[],
  onResult: (r: MediaResult) => void,
  signal?: AbortSignal,
  wants: MediaWants = ALL,
  feed: EncoderFeedWants = {},
  peaksPerSecond = 50,
): Promise<RecordingOutcome> {
  const reported = new Set<number>();
  const failAll = (stage: string, e: unknown) => {
    for (const sg of segments) {
      if (reported.has(sg.id)) continue;
      onResult(failedMediaResult(sg.id, file, stage, reasonOf(e), { startS: sg.startS, endS: sg.endS }));
    }
  };
  let probe: ProbeInfo;
  try {
    probe = await probeMedia(ffmpeg, file);
  } catch (e) {
    failAll('probe', e);
    return { peaks: null, probe: null, warnings: [] };
  }
  // a span that starts at or after the recording's end: an item error naming it, not an empty decode
  const durS = probe.durationS;
  const inside: typeof segments = [];
  for (const sg of segments) {
    if (!(durS > 0 && sg.startS >= durS)) {
      inside.push(sg);
      continue;
    }
    reported.add(sg.id);
    const problem = `starts at or after the end of the recording (${durS.toFixed(3)} s)`;
    onResult(failedMediaResult(sg.id, file, 'span', spanErrorMessage(sg, file, sg.startS, sg.endS, problem), sg));
  }
  if (inside.length === 0) return { peaks: null, probe, warnings: [] };
  let audioMs = 0;
  const onSegment = (d: DecodedSegment) => {
    reported.add(d.id);
    const t0 = cpuMs();
    const r = segmentResult(file, probe, d, wants);
    audioMs += cpuMs() - t0;
    if (feed.pcm && r.audio && d.pcm) r.pcm = d.pcm;
    onResult(r);
  };
  try {
    const res = await decodeRecording(ffmpeg, file, probe, inside, onSegment, {
      signal,
      audio: wants.audio,
      video: wants.video,
      peaksPerSecond: wants.audio ? peaksPerSecond : 0,
      flow: feed.flow,
      crops: wants.video ? feed.crops : undefined,
    });
    return { peaks: res.peaks, probe, warnings: res.warnings, timings: { audioMs, ...res.timings } };
  } catch (e) {
    if (signal?.aborted) throw e;
    failAll('decode', e);
    return { peaks: null, probe, warnings: [] };
  }
}

function segmentResult(file: string, probe: ProbeInfo, d: DecodedSegment, wants: MediaWants): MediaResult {
  const span = { startS: d.startS, endS: d.endS };
  const r: MediaResult = {
    utteranceId: d.id,
    file,
    probe: { ...probe, durationS: Math.max(0, d.endS - d.startS) },
    audio: null,
    audioVector: null,
    video: null,
    errors: d.warnings.map((message) => ({ stage: 'decode', file, message, level: 'warning' as const })),
    failed: false,
    segment: span,
  };
  if (wants.audio && probe.audio) {
    if (!d.pcm || d.pcm.length === 0) {
      r.errors.push({ stage: 'audio', file, message: 'no audio in the segment', level: 'error' });
    } else {
      addAudioFeatures(r, d.pcm, 'segment');
    }
  } else if (wants.audio) {
    r.errors.push({ stage: 'audio', file, message: 'no audio track', level: 'error' });
  }
  if (wants.video && probe.video) {
    const v = d.video;
    if (!v || v.frameCount === 0) {
      r.errors.push({ stage: 'video', file, message: 'no video frame in the segment', level: 'error' });
    } else {
      r.video = {
        fps: v.fps,
        width: v.width,
        height: v.height,
        frameCount: v.frameCount,
        entropy: v.entropy,
        motion: v.motion,
        luma: v.luma,
        selected: v.selected,
        thumbnails: v.thumbnails.map((t) => ({ frame: t.frame, png: new Uint8Array(t.png) })),
        vector: videoFeatureVector(v.entropy, v.motion, v.luma),
        t0S: v.t0S,
      };
      if (v.crops && v.crops.frames.length) r.crops = v.crops;
    }
  } else if (wants.video) {
    const audioFile = AUDIO_ONLY_EXT.has(path.extname(file).toLowerCase());
    r.errors.push({ stage: 'video', file, message: 'no video stream', level: audioFile ? 'warning' : 'error' });
  }
  r.failed = !r.audio && !r.video;
  return r;
}

/** The result of a clip or segment of which nothing usable came out, with the reason. */
export function failedMediaResult(
  utteranceId: number,
  file: string,
  stage: string,
  message: string,
  segment?: { startS: number; endS: number },
): MediaResult {
  return {
    ...blankResult(utteranceId, file),
    failed: true,
    ...(segment ? { segment } : {}),
    errors: [{ stage, file, message, level: 'error' }],
  };
}

/** The audio features of a clip's or a segment's PCM into `r`, or the reason they could not be made. */
function addAudioFeatures(r: MediaResult, pcm: Float32Array, what: 'audio' | 'segment'): void {
  try {
    r.audio = computeAudioSummary(pcm, 16000);
    r.audioVector = audioFeatureVector(r.audio);
    if (isSilent(pcm))
      r.errors.push({ stage: 'audio', file: r.file, message: `${what} is silent (peak below -60 dBFS): no pitch`, level: 'warning' });
  } catch (e) {
    r.errors.push({ stage: 'audio', file: r.file, message: reasonOf(e), level: 'error' });
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof MediaError) return e.reason;
  if (e instanceof AudioTooShortError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
