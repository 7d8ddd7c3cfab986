// One clip, one ffmpeg pass (probe and decoding of audio + frames), audio DSP, frame entropy and selection.
// Pure with respect to the database: returns a result that the writer stores in one transaction.
import path from 'node:path';
import type { AudioSummary, ItemError } from '../../../shared/types';
import { probeMedia, MediaError, type ProbeInfo } from '../media/probe';
import { decodeClip, decodeUnprobed, type DecodedVideo } from '../media/decode-clip';
import { computeAudioSummary, audioFeatureVector, AudioTooShortError, isSilent } from '../features/audio';
import { videoFeatureVector } from '../features/video/select-frames';

export interface MediaResult {
  utteranceId: number;
  file: string;
  probe: ProbeInfo | null;
  audio: AudioSummary | null;
  audioVector: Float32Array | null;
  /** the decoded video's statistics; thumbnails as plain bytes (a Buffer arrives from a worker as one) */
  video: (Omit<DecodedVideo, 'thumbnails'> & { thumbnails: { frame: number; png: Uint8Array }[]; vector: Float32Array }) | null;
  errors: ItemError[];
  /** true when nothing usable came out of the clip */
  failed: boolean;
}

const AUDIO_ONLY_EXT = new Set(['.wav', '.mp3', '.flac', '.ogg', '.opus', '.m4a', '.aac']);

export async function processMedia(ffmpeg: string, utteranceId: number, file: string, signal?: AbortSignal): Promise<MediaResult> {
  const r: MediaResult = { utteranceId, file, probe: null, audio: null, audioVector: null, video: null, errors: [], failed: false };
  const fail = (stage: string, e: unknown): MediaResult => {
    r.errors.push({ stage, file, message: reasonOf(e), level: 'error' });
    r.failed = true;
    return r;
  };
  // one ffmpeg run for the usual clip (audio + video, clean); the rest is probed first
  let decoded = AUDIO_ONLY_EXT.has(path.extname(file).toLowerCase()) ? null : await decodeUnprobed(ffmpeg, file, { signal });
  if (decoded) {
    r.probe = decoded.probe;
  } else {
    try {
      r.probe = await probeMedia(ffmpeg, file);
    } catch (e) {
      return fail('probe', e);
    }
    try {
      decoded = await decodeClip(ffmpeg, file, r.probe, { signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      return fail('decode', e);
    }
  }
  for (const w of decoded.warnings) r.errors.push({ stage: 'decode', file, message: w, level: 'warning' });

  if (!decoded.pcm) {
    r.errors.push({ stage: 'audio', file, message: 'no audio track', level: 'error' });
  } else {
    try {
      r.audio = computeAudioSummary(decoded.pcm, 16000);
      r.audioVector = audioFeatureVector(r.audio);
      if (isSilent(decoded.pcm)) r.errors.push({ stage: 'audio', file, message: 'audio is silent (peak below -60 dBFS): no pitch', level: 'warning' });
    } catch (e) {
      r.errors.push({ stage: 'audio', file, message: reasonOf(e), level: 'error' });
    }
  }

  const v = decoded.video;
  if (!v) {
    const audioFile = AUDIO_ONLY_EXT.has(path.extname(file).toLowerCase());
    r.errors.push({ stage: 'video', file, message: 'no video stream', level: audioFile ? 'warning' : 'error' });
  } else if (v.frameCount === 0) {
    r.errors.push({ stage: 'video', file, message: 'video stream has no decodable frame', level: 'error' });
  } else {
    r.video = {
      ...v,
      thumbnails: v.thumbnails.map((t) => ({ frame: t.frame, png: new Uint8Array(t.png) })),
      vector: videoFeatureVector(v.entropy, v.motion, v.luma),
    };
  }
  r.failed = !r.audio && !r.video;
  return r;
}

function reasonOf(e: unknown): string {
  if (e instanceof MediaError) return e.reason;
  if (e instanceof AudioTooShortError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
