// A recording whose picture and tone change every second (96x64 h264 at 10 fps, a key frame every
// 3 s so that segments start mid-GOP, and AAC audio): a frame or an audio span that an encoder gets
// from the wrong second shows in its output.
import { execFileSync } from 'node:child_process';

export interface SteppedRecordingSpec {
  durationS: number;
  /** how much the red channel rises (and green falls) each second */
  colourStep: number;
  /** aevalsrc channel expressions ('|' between channels), in t */
  tone: string;
  sampleRate: number;
}

export function makeSteppedRecording(ffmpeg: string, file: string, o: SteppedRecordingSpec): void {
  const d = o.durationS;
  const c = o.colourStep;
  execFileSync(ffmpeg, [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=black:s=96x64:r=10:d=${d},format=rgb24,geq=r='${c}*floor(T)':g='255-${c}*floor(T)':b='128'`,
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='${o.tone}':s=${o.sampleRate}:d=${d}`,
    '-c:v',
    'libx264',
    '-g',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
}
