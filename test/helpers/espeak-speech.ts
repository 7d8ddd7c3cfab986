// Real speech with known boundaries for the VAD tests: espeak-ng sentences, each trimmed to its first
// and last audible sample, placed between silences of known length (with faint noise) in one
// 16 kHz mono WAV. Returns where each sentence really starts and ends.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SENTENCES = [
  'The quick brown fox jumps over the lazy dog near the river bank',
  'I never thought we would see each other again after all these years',
  'Please close the window before the rain comes in tonight',
  'My grandmother used to bake bread every Sunday morning',
  'Are you really going to leave without saying goodbye to anyone',
  'The train to the city was late again this morning',
  'We should plant some tomatoes and beans in the garden this spring',
  'Nobody told me the meeting had been moved to Thursday afternoon',
  'She laughed so hard that she nearly fell off her chair',
  'Turn left at the old church and follow the road up the hill',
  'I am so happy that you finally came home to visit us',
  'That was the worst film I have ever seen in my whole life',
];

const RATE = 16000;

/** 16-bit PCM mono WAV bytes. */
export function wavBytes(x: Float32Array, rate = RATE): Buffer {
  const b = Buffer.alloc(44 + x.length * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + x.length * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(x.length * 2, 40);
  for (let i = 0; i < x.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i] * 32767))), 44 + i * 2);
  return b;
}

/** One sentence as 16 kHz float PCM, trimmed to its audible part (|x| > 0.01). */
function speak(ffmpeg: string, text: string, voice: string, tmp: string): Float32Array {
  const wav = path.join(tmp, 'say.wav');
  execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', wav, text]);
  const raw = execFileSync(
    ffmpeg,
    ['-nostdin', '-loglevel', 'error', '-i', wav, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', 'pipe:1'],
    { maxBuffer: 1 << 28 },
  );
  const x = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length - (raw.length % 4)));
  let a = 0;
  let b = x.length - 1;
  while (a < x.length && Math.abs(x[a]) <= 0.01) a++;
  while (b > a && Math.abs(x[b]) <= 0.01) b--;
  return x.slice(a, b + 1);
}

export interface SpeechRecording {
  file: string;
  durationS: number;
  /** where each sentence's audible part starts and ends (s) */
  truth: { startS: number; endS: number }[];
}

/**
 * Writes `file`: silence, then each sentence followed by a pause of 1.0 to 2.4 s (known, varying),
 * alternating two voices, with faint deterministic noise (-60 dBFS) everywhere.
 */
export function speechRecording(ffmpeg: string, file: string, sentences = SENTENCES): SpeechRecording {
  const tmp = fs.mkdtempSync(path.join(path.dirname(file), 'espeak-'));
  const parts: Float32Array[] = [];
  const truth: { startS: number; endS: number }[] = [];
  let n = Math.round(1.2 * RATE);
  parts.push(new Float32Array(n));
  sentences.forEach((s, i) => {
    const x = speak(ffmpeg, s, i % 2 ? 'en-us+f3' : 'en-us', tmp);
    truth.push({ startS: n / RATE, endS: (n + x.length) / RATE });
    parts.push(x);
    n += x.length;
    const pause = Math.round((1.0 + ((i * 7) % 8) * 0.2) * RATE);
    parts.push(new Float32Array(pause));
    n += pause;
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  const all = new Float32Array(n);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  let seed = 12345;
  for (let i = 0; i < all.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    all[i] += (seed / 2 ** 32 - 0.5) * 0.002;
  }
  fs.writeFileSync(file, wavBytes(all));
  return { file, durationS: n / RATE, truth };
}
