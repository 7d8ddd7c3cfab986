// Generates small media clips with ffmpeg (lavfi sources; espeak-ng for speech) for tests.
//
//   const file = await makeClip(dir, 'clips/été 1/dia1 utt2.mp4', {
//     durationS: 2, container: 'mp4',
//     video: { w: 320, h: 240, fps: 24, pattern: 'testsrc2' },
//     audio: { kind: 'sine', freq: 440 },
//   });
//
// `name` may contain sub folders (created) and any characters; the extension is added from
// `container` when `name` has none. Returns the absolute path.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { locateFfmpeg } from '../../src/main/core/media/locate-ffmpeg';

const execFileP = promisify(execFile);

export type ClipContainer = 'mp4' | 'mkv' | 'mov' | 'avi' | 'webm' | 'wav' | 'm4a' | 'mp3' | 'flac' | 'ogg';

export type VideoPattern = 'testsrc2' | 'testsrc' | 'smptebars' | 'color' | 'noise' | 'black';

export interface VideoSpec {
  w: number;
  h: number;
  fps: number;
  /** default 'testsrc2' (moving, colourful); 'color' is one flat colour (entropy 0); 'noise' is random per frame */
  pattern?: VideoPattern;
  /** for pattern 'color' (ffmpeg colour name or 0xRRGGBB), default 'gray' */
  color?: string;
  /** video bitrate such as '1M' (default: x264 CRF 23) */
  bitrate?: string;
}

export type AudioKind = 'sine' | 'silence' | 'speech' | 'noise';

export interface AudioSpec {
  kind: AudioKind;
  /** sine frequency in Hz (default 440) */
  freq?: number;
  /** default 48000 */
  sampleRate?: number;
  /** default 2 for mp4/mkv/mov/webm/avi, 1 otherwise */
  channels?: 1 | 2;
  /** for 'speech': the sentence espeak-ng says (default a short English sentence) */
  text?: string;
  /** for 'sine'/'noise': linear amplitude 0..1 (default 0.5) */
  amplitude?: number;
}

export interface ClipSpec {
  durationS: number;
  container: ClipContainer;
  video?: VideoSpec;
  audio?: AudioSpec;
  /** mp4/mov/m4a: put the index (moov) at the front, so a truncated copy still opens (default false) */
  faststart?: boolean;
}

let ffmpegPath: string | null = null;

/** The ffmpeg the helpers use (the one locateFfmpeg finds). */
export function clipFfmpeg(): string {
  ffmpegPath ??= locateFfmpeg().path;
  return ffmpegPath;
}

/** Whether espeak-ng is installed (speech clips need it). */
export function hasEspeak(): boolean {
  return spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;
}

const AUDIO_ONLY: ReadonlySet<ClipContainer> = new Set(['wav', 'm4a', 'mp3', 'flac', 'ogg']);

function targetPath(dir: string, name: string, spec: ClipSpec): string {
  const withExt = path.extname(name) ? name : `${name}.${spec.container}`;
  const file = path.resolve(dir, withExt);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** ffmpeg arguments for a clip (and the speech wav to make first, if any). */
function buildArgs(file: string, spec: ClipSpec): { args: string[]; speech: { wav: string; text: string } | null } {
  const { durationS: d, container, video, audio } = spec;
  if (!video && !audio) throw new Error('makeClip: a clip needs video, audio or both');
  if (video && AUDIO_ONLY.has(container)) throw new Error(`makeClip: ${container} cannot hold video`);
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
  let speech: { wav: string; text: string } | null = null;
  if (video) {
    const { w, h, fps } = video;
    const size = `s=${w}x${h}:r=${fps}:d=${d}`;
    const pattern = video.pattern ?? 'testsrc2';
    const src =
      pattern === 'color'
        ? `color=c=${video.color ?? 'gray'}:${size}`
        : pattern === 'black'
          ? `color=c=black:${size}`
          : pattern === 'noise'
            ? `color=c=gray:${size},noise=alls=100:allf=t+u`
            : `${pattern}=${size}`;
    args.push('-f', 'lavfi', '-i', src);
  }
  if (audio) {
    const sr = audio.sampleRate ?? 48000;
    const amp = audio.amplitude ?? 0.5;
    if (audio.kind === 'sine') args.push('-f', 'lavfi', '-i', `aevalsrc=${amp}*sin(2*PI*${audio.freq ?? 440}*t):s=${sr}:d=${d}`);
    else if (audio.kind === 'noise') args.push('-f', 'lavfi', '-i', `aevalsrc=${amp}*(2*random(0)-1):s=${sr}:d=${d}`);
    else if (audio.kind === 'silence') args.push('-f', 'lavfi', '-i', `anullsrc=r=${sr}:cl=mono`);
    else {
      speech = { wav: `${file}.speech.wav`, text: audio.text ?? 'I cannot believe you did that, this is amazing!' };
      args.push('-i', speech.wav);
    }
  }
  const channels = audio?.channels ?? (AUDIO_ONLY.has(container) ? 1 : 2);
  if (audio) {
    const sr = audio.sampleRate ?? 48000;
    // pad (speech may be short) and cut every source to the duration; duplicate mono into stereo
    const chain = [`aresample=${sr}`, 'apad', `atrim=0:${d}`];
    if (channels === 2) chain.push('pan=stereo|c0=c0|c1=c0');
    args.push('-af', chain.join(','));
  }
  if (video) {
    const vcodec =
      container === 'webm'
        ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8']
        : container === 'avi'
          ? ['-c:v', 'mpeg4', '-q:v', '4']
          : ['-c:v', 'libx264', '-preset', 'veryfast'];
    args.push(...vcodec, '-pix_fmt', 'yuv420p');
    args.push(...(video.bitrate ? ['-b:v', video.bitrate] : container === 'webm' || container === 'avi' ? [] : ['-crf', '23']));
  }
  if (audio) {
    const acodec: Record<ClipContainer, string[]> = {
      mp4: ['-c:a', 'aac', '-b:a', '128k'],
      mov: ['-c:a', 'aac', '-b:a', '128k'],
      m4a: ['-c:a', 'aac', '-b:a', '128k'],
      mkv: ['-c:a', 'aac', '-b:a', '128k'],
      avi: ['-c:a', 'libmp3lame'],
      webm: ['-c:a', 'libopus'],
      wav: ['-c:a', 'pcm_s16le'],
      mp3: ['-c:a', 'libmp3lame'],
      flac: ['-c:a', 'flac'],
      ogg: ['-c:a', 'libvorbis'],
    };
    args.push(...acodec[container]);
  }
  if (spec.faststart && ['mp4', 'mov', 'm4a'].includes(container)) args.push('-movflags', '+faststart');
  args.push('-t', String(d), file);
  return { args, speech };
}

/** Makes one clip (see the file header). */
export async function makeClip(dir: string, name: string, spec: ClipSpec): Promise<string> {
  const file = targetPath(dir, name, spec);
  const { args, speech } = buildArgs(file, spec);
  try {
    if (speech) await execFileP('espeak-ng', ['-w', speech.wav, speech.text]);
    await execFileP(clipFfmpeg(), args);
  } catch (e) {
    throw new Error(`makeClip ${name}: ${String((e as { stderr?: string }).stderr || (e as Error).message).trim()}`);
  } finally {
    if (speech) fs.rmSync(speech.wav, { force: true });
  }
  return file;
}

/** Synchronous {@link makeClip}. */
export function makeClipSync(dir: string, name: string, spec: ClipSpec): string {
  const file = targetPath(dir, name, spec);
  const { args, speech } = buildArgs(file, spec);
  try {
    if (speech) execFileSync('espeak-ng', ['-w', speech.wav, speech.text], { stdio: 'pipe' });
    execFileSync(clipFfmpeg(), args, { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`makeClip ${name}: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`);
  } finally {
    if (speech) fs.rmSync(speech.wav, { force: true });
  }
  return file;
}

/** A MELD-like clip: 1280x720 24 fps h264 (~1.5 Mbit/s) + aac 48 kHz stereo, 3.6 s by default. */
export function meldLikeSpec(durationS = 3.6): ClipSpec {
  return {
    durationS,
    container: 'mp4',
    video: { w: 1280, h: 720, fps: 24, pattern: 'testsrc2', bitrate: '1500k' },
    audio: { kind: 'speech' },
  };
}

/** Copies the first `fraction` of `src`'s bytes to `dest` (a truncated download). Returns dest. */
export function truncatedCopy(src: string, dest: string, fraction = 0.5): string {
  const buf = fs.readFileSync(src);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, buf.subarray(0, Math.floor(buf.length * fraction)));
  return dest;
}

/** An empty file. Returns its path. */
export function emptyFile(dest: string): string {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, '');
  return dest;
}
