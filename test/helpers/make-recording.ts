// A long "recording" of pure tones of known pitch between silences (one tone per segment), with a
// 10 fps test-pattern video, and an ELAN file whose annotations are those segments: the ground truth
// for segment-level extraction (each segment's pitch, duration and frame count are known).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { clipFfmpeg } from './make-clips';

export interface ToneSegment {
  startS: number;
  endS: number;
  freq: number;
  text: string;
}

export interface ToneRecordingSpec {
  segments: number;
  /** seconds of tone per segment (default 2.0) */
  toneS?: number;
  /** seconds of silence before each tone (default 0.6) */
  gapS?: number;
  /** first tone and step in Hz (default 100, 5) */
  f0?: number;
  step?: number;
  /** video frame rate (0: audio only, a .wav); default 10 */
  fps?: number;
  width?: number;
  height?: number;
}

export function makeToneRecording(
  dir: string,
  name: string,
  spec: ToneRecordingSpec,
): { file: string; durationS: number; segments: ToneSegment[] } {
  const sr = 16000;
  const toneS = spec.toneS ?? 2.0;
  const gapS = spec.gapS ?? 0.6;
  const segments: ToneSegment[] = [];
  for (let i = 0; i < spec.segments; i++) {
    const startS = i * (toneS + gapS) + gapS;
    segments.push({ startS, endS: startS + toneS, freq: (spec.f0 ?? 100) + i * (spec.step ?? 5), text: `tone ${i + 1}` });
  }
  const durationS = spec.segments * (toneS + gapS);
  const pcm = new Float32Array(Math.round(durationS * sr));
  for (const s of segments) {
    const a = Math.round(s.startS * sr);
    const b = Math.round(s.endS * sr);
    for (let n = a; n < b; n++) pcm[n] = 0.5 * Math.sin((2 * Math.PI * s.freq * (n - a)) / sr);
  }
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, `${name}.f32`);
  fs.writeFileSync(raw, Buffer.from(pcm.buffer));
  const fps = spec.fps ?? 10;
  const file = path.join(dir, fps ? `${name}.mp4` : `${name}.wav`);
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'f32le', '-ar', String(sr), '-ac', '1', '-i', raw];
  if (fps) {
    args.push(
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=${spec.width ?? 320}x${spec.height ?? 240}:r=${fps}:d=${durationS}`,
      '-map',
      '1:v',
      '-map',
      '0:a',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '28',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(fps * 10),
      '-c:a',
      'aac',
      '-b:a',
      '96k',
    );
  } else {
    args.push('-c:a', 'pcm_s16le');
  }
  args.push('-t', String(durationS), file);
  const r = spawnSync(clipFfmpeg(), args, { encoding: 'utf8' });
  fs.rmSync(raw);
  if (r.status !== 0) throw new Error(`ffmpeg failed making ${file}: ${r.stderr}`);
  return { file, durationS, segments };
}

/** An ELAN 3.0 file with one tier per speaker (segment i spoken by speakers[i % n]), linked to `media`. */
export function toneEaf(file: string, media: string, segments: ToneSegment[], speakers: string[] = ['Ann']): string {
  const slots: string[] = [];
  const tiers = speakers.map(() => [] as string[]);
  segments.forEach((s, i) => {
    slots.push(
      `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 1}" TIME_VALUE="${Math.round(s.startS * 1000)}"/>`,
      `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 2}" TIME_VALUE="${Math.round(s.endS * 1000)}"/>`,
    );
    tiers[i % speakers.length].push(
      `<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a${i + 1}" TIME_SLOT_REF1="ts${2 * i + 1}" TIME_SLOT_REF2="ts${2 * i + 2}"><ANNOTATION_VALUE>${s.text}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`,
    );
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="test" DATE="2026-12-02T10:00:00+00:00" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file://${media}" RELATIVE_MEDIA_URL="./${path.basename(media)}"/></HEADER>
<TIME_ORDER>${slots.join('')}</TIME_ORDER>
${speakers.map((sp, i) => `<TIER LINGUISTIC_TYPE_REF="words" PARTICIPANT="${sp}" TIER_ID="${sp}">${tiers[i].join('')}</TIER>`).join('\n')}
<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="words" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
`;
  fs.writeFileSync(file, xml);
  return file;
}
