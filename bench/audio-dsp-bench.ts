// Audio DSP benchmark (issue 15): CPU time of computeAudioSummary and of its parts on decoded PCM, with
// no ffmpeg in the timed loop, and the largest difference of its outputs from a dump of another build.
//
//   npx esbuild bench/audio-dsp-bench.ts --bundle --platform=node --target=node20 --packages=external \
//     --outfile=out/bench/audio-dsp-bench.js
//   node out/bench/audio-dsp-bench.js --prep [--clips 20]   decode the bench clips (made as
//        bench/features-bench.ts makes its small-320x240 ones) to 16 kHz float PCM, once
//   node out/bench/audio-dsp-bench.js [--reps 10] [--rounds 5] [--dump F] [--compare F]
//
// Times are process CPU (user + system) per clip, each part timed over all clips `reps` times per
// round; the lowest and the median round are printed (other work on a shared machine only adds time).
// --dump writes every clip's summary and stored (float32) vector; --compare reads such a dump (from
// another revision) and prints the largest relative difference of the vectors and summaries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip, meldLikeSpec } from '../test/helpers/make-clips';
import { locateFfmpeg } from '../src/main/core/media/locate-ffmpeg';
import { decodeUnprobed } from '../src/main/core/media/decode-clip';
import { audioFeatureVector, computeAudioSummary } from '../src/main/core/features/audio';
import { mfcc } from '../src/main/core/features/audio/mfcc';
import { yinPitch } from '../src/main/core/features/audio/pitch';
import { powerFrames } from '../src/main/core/features/audio/stft';
import { centroidOfPower } from '../src/main/core/features/audio/spectral-centroid';
import { applyMelFrames } from '../src/main/core/features/audio/mel';
import { onsetFromMel, onsetMelFilterbank, tempoFromOnset } from '../src/main/core/features/audio/tempo';
import { zeroCrossingRate } from '../src/main/core/features/audio/zcr';
import { rms } from '../src/main/core/features/audio/rms';
import type { AudioSummary } from '../src/shared/types';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const CACHE = opt('--cache', path.join(os.homedir(), '.cache', 'emotion-studio-bench'));
const SR = 16000;

const SENTENCES = [
  'Oh my god, you guys, I cannot believe you did that to me!',
  'Well, I guess we could go to the coffee house later today.',
  'No, no, no, that is absolutely not what I said to her.',
  'Hey, how are you doing? It has been a really long time.',
];

async function prep(dir: string, n: number): Promise<void> {
  const ffmpeg = locateFfmpeg().path;
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const name = `dia${i}_utt0.mp4`;
    const file = path.join(CACHE, 'small-320x240', name);
    if (!fs.existsSync(file))
      await makeClip(path.dirname(file), name, {
        ...meldLikeSpec(3.6),
        video: { w: 320, h: 240, fps: 24, pattern: 'testsrc2' },
        audio: { kind: 'speech', text: SENTENCES[i % SENTENCES.length] },
      });
    const d = await decodeUnprobed(ffmpeg, file, { video: false });
    if (!d?.pcm) throw new Error(`no audio from ${file}`);
    fs.writeFileSync(path.join(dir, name.replace(/\.mp4$/, '.f32')), Buffer.from(d.pcm.buffer, d.pcm.byteOffset, d.pcm.byteLength));
  }
  console.log(`${n} clips decoded to ${dir}`);
}

function load(dir: string): { names: string[]; pcms: Float32Array[] } {
  if (!fs.existsSync(dir)) throw new Error(`no decoded clips in ${dir}: run with --prep first`);
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.f32'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const pcms = names.map((f) => {
    const b = fs.readFileSync(path.join(dir, f));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  });
  return { names, pcms };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The 2048 / 512 pass of computeAudioSummary: power frames, centroid, onset mel bands. */
function spectral2048(x: Float32Array): Float64Array {
  const frames = 1 + Math.floor(x.length / 512);
  const fb = onsetMelFilterbank(SR, 2048);
  const mel = new Float64Array(frames * fb.nMels);
  const centroid = new Float64Array(frames);
  powerFrames(x, 2048, 512, 'constant', (t, a, b) => {
    centroid[t] = centroidOfPower(a, SR / 2048);
    if (b) centroid[t + 1] = centroidOfPower(b, SR / 2048);
    applyMelFrames(a, b, fb, mel, t * fb.nMels, (t + 1) * fb.nMels);
  });
  return mel;
}

function flat(s: AudioSummary): number[] {
  return [
    s.duration_s,
    s.pitch_hz ?? -1,
    s.pitch_std_hz ?? -1,
    s.voiced_ratio,
    s.rms,
    s.rms_std,
    s.zcr,
    s.zcr_std,
    s.spectral_centroid_hz,
    s.spectral_centroid_std_hz,
    s.tempo_bpm,
    ...s.mfcc_mean,
    ...s.mfcc_std,
  ];
}

function relDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

async function main() {
  const dir = opt('--pcm', path.join(CACHE, 'pcm-16k'));
  if (args.includes('--prep')) return prep(dir, Number(opt('--clips', '20')));
  const { names, pcms } = load(dir);
  const reps = Number(opt('--reps', '10'));
  const rounds = Number(opt('--rounds', '5'));
  const mels = pcms.map(spectral2048);
  const envs = pcms.map((x, i) => onsetFromMel(Float64Array.from(mels[i]), mels[i].length / 128, 2048, 512));
  const melCopy = mels.map((m) => new Float64Array(m.length));
  const parts: [string, (i: number) => unknown][] = [
    ['computeAudioSummary', (i) => computeAudioSummary(pcms[i], SR)],
    ['MFCC (400-point STFT, mel, dB, DCT)', (i) => mfcc(pcms[i], SR)],
    ['YIN pitch', (i) => yinPitch(pcms[i], SR)],
    ['2048-point STFT + centroid + onset mel', (i) => spectral2048(pcms[i])],
    ['onset envelope from mel (dB, median)', (i) => (melCopy[i].set(mels[i]), onsetFromMel(melCopy[i], mels[i].length / 128, 2048, 512))],
    ['tempo from onset envelope', (i) => tempoFromOnset(envs[i], SR, 512)],
    ['ZCR + RMS', (i) => [zeroCrossingRate(pcms[i]), rms(pcms[i])]],
  ];
  for (let w = 0; w < 3; w++) for (const [, f] of parts) for (let i = 0; i < pcms.length; i++) f(i); // JIT warm-up
  const times = parts.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++)
    parts.forEach(([, f], p) => {
      const c0 = cpuMs();
      for (let k = 0; k < reps; k++) for (let i = 0; i < pcms.length; i++) f(i);
      times[p].push((cpuMs() - c0) / (reps * pcms.length));
    });
  console.log(
    `${pcms.length} clips (${(pcms[0].length / SR).toFixed(2)} s), ${rounds} rounds x ${reps}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ms CPU per clip, lowest / median round`,
  );
  parts.forEach(([name], p) => {
    const t = [...times[p]].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(42)} ${t[0].toFixed(3)} / ${t[t.length >> 1].toFixed(3)}`);
  });

  const results = pcms.map((x) => {
    const summary = computeAudioSummary(x, SR);
    return { summary, vector: Array.from(audioFeatureVector(summary)) };
  });
  if (args.includes('--dump')) fs.writeFileSync(opt('--dump', ''), JSON.stringify({ names, results }));
  if (args.includes('--compare')) {
    const other = JSON.parse(fs.readFileSync(opt('--compare', ''), 'utf8')) as { names: string[]; results: typeof results };
    let vec = 0;
    let sum = 0;
    let where = '';
    other.results.forEach((o, i) => {
      if (other.names[i] !== names[i]) throw new Error(`clip ${i}: ${other.names[i]} in the dump, ${names[i]} here`);
      o.vector.forEach((v, j) => {
        const d = relDiff(v, results[i].vector[j]);
        if (d > vec) [vec, where] = [d, `${names[i]} [${j}]`];
      });
      const a = flat(o.summary);
      const b = flat(results[i].summary);
      a.forEach((v, j) => (sum = Math.max(sum, relDiff(v, b[j]))));
    });
    console.log(
      `largest relative difference: stored float32 vector ${vec.toExponential(2)}${where ? ` (${where})` : ''}, summary ${sum.toExponential(2)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
