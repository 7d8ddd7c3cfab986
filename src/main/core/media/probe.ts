// Probe a media file by parsing `ffmpeg -hide_banner -i FILE` stderr (no ffprobe needed).
import fs from 'node:fs';
import path from 'node:path';
import { MediaError } from './errors';
import { runFfmpeg } from './run-ffmpeg';

export { MediaError } from './errors';

export interface AudioStreamInfo {
  sampleRate: number;
  channels: number;
  codec: string;
  /** absolute stream index in the container (for `-map 0:N`) */
  index: number;
}

export interface VideoStreamInfo {
  width: number;
  height: number;
  /** frames per second as ffmpeg reports it (23.98 / 29.97 / 59.94 snapped to their exact NTSC rates) */
  fps: number;
  codec: string;
  index: number;
  /** decoder pixel format, e.g. "yuv420p" ("" when not reported) */
  pixFmt: string;
  /** colour matrix when flagged (bt709, or bt601 for bt470bg / smpte170m), else null */
  colorMatrix: 'bt601' | 'bt709' | null;
}

export interface ProbeInfo {
  /** container duration in seconds; 0 when ffmpeg reports N/A */
  durationS: number;
  /** first audio stream, null when there is none */
  audio: AudioStreamInfo | null;
  /** first video stream that is not cover art, null when there is none */
  video: VideoStreamInfo | null;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** kill ffmpeg after this long (default 30 s): a stuck probe must not stall a batch */
  timeoutMs?: number;
}

/**
 * Checks the file itself before any ffmpeg run, so that missing, unreadable, empty or
 * non-regular files get a precise reason. Throws MediaError; returns the absolute path.
 */
export function checkMediaFile(file: string): string {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    throw new MediaError(file, fsReason(e), { cause: e });
  }
  if (st.isDirectory()) throw new MediaError(file, 'is a directory, not a media file');
  if (!st.isFile()) throw new MediaError(file, 'not a regular file (device, pipe or socket)');
  try {
    fs.closeSync(fs.openSync(abs, 'r'));
  } catch (e) {
    throw new MediaError(file, fsReason(e), { cause: e });
  }
  if (st.size === 0) throw new MediaError(file, 'empty file (0 bytes)');
  return abs;
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (file is not readable)';
  if (code === 'EISDIR') return 'is a directory, not a media file';
  if (code === 'ELOOP') return 'broken symbolic link loop';
  return `cannot be read (${code ?? (e as Error).message})`;
}

/** ffmpeg's input URL for a local path: `file:` keeps names with a colon from being read as a protocol. */
export function ffmpegInput(absPath: string): string {
  return `file:${absPath}`;
}

/** Probes one media file. Rejects with MediaError (file + reason) when it cannot be used. */
export async function probeMedia(ffmpeg: string, file: string, opts: ProbeOptions = {}): Promise<ProbeInfo> {
  const abs = checkMediaFile(file);
  const stderr = await runForStderr(ffmpeg, ['-nostdin', '-hide_banner', '-i', ffmpegInput(abs)], opts);
  return parseProbe(stderr, file, abs);
}

/** Parses `ffmpeg -i` stderr; exported for tests. */
export function parseProbe(stderr: string, file: string, abs = file): ProbeInfo {
  const lines = stderr.split(/\r?\n/);
  if (!lines.some((l) => /^Input #0,/.test(l))) throw new MediaError(file, openFailureReason(lines, abs));
  const info: ProbeInfo = { durationS: 0, audio: null, video: null };
  const dur = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (dur) info.durationS = Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]);
  let still = false;
  for (const line of lines) {
    const m = /^\s*Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio): (.*)$/.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const rest = m[3];
    const fields = splitTopLevel(rest);
    const codec = /^([\w.-]+)/.exec(rest)?.[1] ?? 'unknown';
    if (m[2] === 'Audio' && !info.audio) {
      const sr = /(\d+) Hz/.exec(rest);
      info.audio = { sampleRate: sr ? Number(sr[1]) : 0, channels: parseChannels(rest), codec, index };
    } else if (m[2] === 'Video' && !info.video) {
      if (/\(attached pic\)/.test(rest)) continue; // cover art, not a video
      const size = fields.map((f) => /^(\d+)x(\d+)\b/.exec(f)).find(Boolean);
      const pf = /^\d+x\d+/.test(fields[1] ?? '') ? null : /^(\w+)(?:\((.*)\))?$/.exec(fields[1] ?? '');
      const details = pf?.[2] ?? '';
      const colorMatrix = /bt709/.test(details) ? 'bt709' : /bt470bg|smpte170m|bt601/.test(details) ? 'bt601' : null;
      info.video = {
        width: size ? Number(size[1]) : 0,
        height: size ? Number(size[2]) : 0,
        fps: parseFps(rest),
        codec,
        index,
        pixFmt: pf ? pf[1] : '',
        colorMatrix,
      };
      // a lone still image stream (png / mjpeg / bmp cover art without a frame rate)
      still = STILL_CODECS.has(codec) && !/[\d.]+k? fps/.test(rest);
    }
  }
  if (still && info.audio) info.video = null;
  if (!info.audio && !info.video) throw new MediaError(file, 'no audio and no video stream');
  return info;
}

function openFailureReason(lines: string[], abs: string): string {
  const text = lines.join('\n');
  // the mov demuxer is picked by extension even for text files: then it is no MP4 at all
  const misdetected = /detected only with low score/.test(text);
  if (/moov atom not found/.test(text) && !misdetected) return 'truncated or incomplete MP4 (moov atom not found)';
  if (misdetected) return 'not a media file, or corrupt (no recognisable container)';
  const last = lastMeaningfulLine(lines, abs);
  if (/Invalid data found when processing input/.test(text))
    return 'not a media file, or corrupt (ffmpeg: Invalid data found when processing input)';
  if (/No such file or directory/.test(last)) return 'file does not exist';
  if (/Permission denied/.test(last)) return 'permission denied (file is not readable)';
  if (/Is a directory/.test(last)) return 'is a directory, not a media file';
  return `ffmpeg cannot open it: ${last || 'no message'}`;
}

// trailing lines that say nothing about the cause
const UNINFORMATIVE =
  /^(At least one output file must be specified|Conversion failed!|To ignore this, add a trailing '\?' to the map\.|Exiting normally)/;

/** Last informative stderr line (skipping "Conversion failed!" and the like) with ffmpeg's "file:PATH: " / "[demuxer @ 0x..] " prefixes removed. */
export function lastMeaningfulLine(lines: string[], abs?: string): string {
  for (let i = lines.length - 1; i >= 0; i--) {
    let l = lines[i].trim();
    if (!l || UNINFORMATIVE.test(l)) continue;
    if (abs) {
      const prefix = `${ffmpegInput(abs)}: `;
      if (l.startsWith(prefix)) l = l.slice(prefix.length);
    }
    l = l.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '');
    return l;
  }
  return '';
}

const STILL_CODECS = new Set(['png', 'mjpeg', 'bmp', 'gif', 'webp', 'tiff', 'jpeg2000']);

/** Splits "a (b, c), d(e, f), g" at the commas outside parentheses and brackets. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    else if (ch === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

const LAYOUTS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  quad: 4,
  hexagonal: 6,
  octagonal: 8,
  hexadecagonal: 16,
};

function parseChannels(rest: string): number {
  const m = /\d+ Hz, ([^,]+)/.exec(rest);
  if (!m) return 0;
  const layout = m[1].trim();
  const n = /^(\d+) channels/.exec(layout);
  if (n) return Number(n[1]);
  const dot = /^(\d+)\.(\d+)/.exec(layout);
  if (dot) return Number(dot[1]) + Number(dot[2]);
  const base = layout.replace(/\(.*\)$/, '');
  return LAYOUTS[base] ?? 0;
}

function parseFps(rest: string): number {
  const m = /([\d.]+)(k?) fps/.exec(rest) ?? /([\d.]+)(k?) tbr/.exec(rest);
  if (!m) return 0;
  let fps = Number(m[1]) * (m[2] ? 1000 : 1);
  for (const base of [24, 30, 48, 60, 120]) {
    const ntsc = (base * 1000) / 1001;
    if (Math.abs(fps - ntsc) < 0.006) fps = ntsc;
  }
  return Number.isFinite(fps) ? fps : 0;
}

/** Runs ffmpeg and returns its stderr (whatever the exit status, at most 1 MiB); launch failures are plain Errors. */
async function runForStderr(ffmpeg: string, args: string[], opts: ProbeOptions): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const keep = (b: Uint8Array) => {
    if (size >= 1 << 20) return;
    chunks.push(Uint8Array.from(b));
    size += b.length;
  };
  await runFfmpeg(ffmpeg, args, { 2: keep }, opts.signal, opts.timeoutMs ?? 30_000);
  return Buffer.concat(chunks).toString('utf8');
}
