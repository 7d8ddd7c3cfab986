#!/usr/bin/env node
// Whole-clip extraction speed through the built CLI (issue 7's target: >= 20 clips/s without neural
// encoders on a 2-core machine): ffmpeg decoding, audio DSP, every frame's entropy + selection of 10
// frames, thumbnails, built-in text encoder, SQLite writes. Per clip set it reports wall clips/s, CPU
// per clip (the CLI and every ffmpeg it ran, from this process's child rusage, so robust to other
// load) and the clips/s the machine's cores could give at that CPU cost; beside it, in the same run,
// ffmpeg decoding alone (the floor). Several CLIs can be compared on the same clips, run alternately:
//
//   node bench/extract-speed.mjs [--clips 40] [--res 720p,320x240] [--rounds 2] [--cache DIR]
//                                [--cli bin/emotion-studio.js --cli /other/checkout/bin/emotion-studio.js] [--direct]
// --direct: each CLI also runs with ES_FFMPEG_LAUNCH=direct (ffmpeg by Node's spawn instead of the
// launcher shell of src/main/core/media/launcher.ts), so the launcher's gain is measured in the same run.
//
// Prints a table and the JSON (last stdout line); writes bench/results/extract-speed.json.
// Clips: MELD-like 3.6 s, testsrc2 video h264 ~1.5 Mbit/s 24 fps, espeak-ng speech as aac 48 kHz
// stereo (the generator of bench/features-bench.ts), made once and cached.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const all = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const N = Number(opt('--clips', '40'));
const RES = opt('--res', '720p,320x240').split(',');
const ROUNDS = Number(opt('--rounds', '2'));
const CACHE = opt('--cache', path.join(os.homedir(), '.cache', 'emotion-studio-bench'));
const CLIS = (all('--cli').length ? all('--cli') : ['bin/emotion-studio.js']).map((c) => path.resolve(root, c));
const VARIANTS = CLIS.flatMap((cli) => {
  const label = path.relative(root, cli) || cli;
  const v = [{ cli, label, env: {} }];
  if (args.includes('--direct')) v.push({ cli, label: `${label} (spawn)`, env: { ES_FFMPEG_LAUNCH: 'direct' } });
  return v;
});
const SIZES = { '720p': '1280x720', '320x240': '320x240' };
const SENTENCES = [
  'Oh my god, you guys, I cannot believe you did that to me!',
  'Well, I guess we could go to the coffee house later today.',
  'No, no, no, that is absolutely not what I said to her.',
  'Hey, how are you doing? It has been a really long time.',
];

function ffmpegPath() {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/emotion-studio.js'), 'doctor', '--json'], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).ffmpeg.path;
  } catch {
    return 'ffmpeg';
  }
}

function makeClips(ffmpeg, res) {
  const dir = path.join(CACHE, `speed-${res}`);
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < N; i++) {
    const file = path.join(dir, `dia${i}_utt0.mp4`);
    if (fs.existsSync(file)) continue;
    const wav = `${file}.speech.wav`;
    execFileSync('espeak-ng', ['-w', wav, SENTENCES[i % SENTENCES.length]]);
    execFileSync(ffmpeg, [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=${SIZES[res]}:r=24:d=3.6`,
      '-i',
      wav,
      '-af',
      'aresample=48000,apad,atrim=0:3.6,pan=stereo|c0=c0|c1=c0',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      '1500k',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-t',
      '3.6',
      file,
    ]);
    fs.rmSync(wav, { force: true });
  }
  return dir;
}

/** CPU seconds (user + sys) of this process's waited-for children and their children. */
function childCpuS() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime in clock ticks (USER_HZ 100)
}

function timed(cmd, argv, env) {
  const c0 = childCpuS();
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(
      `${path.basename(cmd)} ${argv.slice(0, 2).join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').at(-1)}`,
    );
  return { wall, cpu: childCpuS() - c0, stdout: r.stdout };
}

function extract(cli, dir, work, extraEnv = {}) {
  const db = path.join(work, `${path.basename(path.dirname(cli))}-${Date.now()}.db`);
  const env = { ...process.env, ...extraEnv, EMOTION_STUDIO_DATA: path.join(work, 'data') }; // no pretrained models installed there
  timed(process.execPath, [cli, 'import', dir, '--db', db, '-q'], env);
  const t = timed(process.execPath, [cli, 'extract', '--db', db, '-q', '--json'], env);
  const processed = JSON.parse(t.stdout).media?.processed ?? N;
  fs.rmSync(db, { force: true });
  return { clips: processed, wall_s: t.wall, cpu_s: t.cpu };
}

/** ffmpeg decoding every frame and the audio alone, one process per clip, all cores busy. */
function decodeFloor(ffmpeg, dir) {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.mp4'))
    .map((f) => path.join(dir, f));
  const lanes = os.availableParallelism();
  const script = `for f in "$@"; do echo "$f"; done | xargs -P ${lanes} -I{} ${JSON.stringify(ffmpeg)} -nostdin -v error -threads 1 -i {} -f null -`;
  const t = timed('bash', ['-c', script, 'floor', ...files]);
  return { clips: files.length, wall_s: t.wall, cpu_s: t.cpu };
}

const ffmpeg = ffmpegPath();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'es-speed-'));
const cores = os.availableParallelism();
const results = { date: new Date().toISOString(), cores, load_avg_start: os.loadavg(), ffmpeg, clips: N, rounds: ROUNDS, runs: [] };
console.log(
  `ffmpeg ${ffmpeg}; ${cores} cores; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${N} clips of 3.6 s per set; ${ROUNDS} rounds`,
);
try {
  for (const res of RES) {
    const dir = makeClips(ffmpeg, res);
    for (let round = 0; round < ROUNDS; round++) {
      results.runs.push({ res, round, what: 'ffmpeg decode alone (floor)', ...decodeFloor(ffmpeg, dir) });
      for (const v of VARIANTS) results.runs.push({ res, round, what: v.label, ...extract(v.cli, dir, work, v.env) });
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(
  `\n${'set'.padEnd(8)} ${'what'.padEnd(44)} ${'clips/s'.padStart(8)} ${'CPU ms/clip'.padStart(12)} ${'cores/CPU clips/s'.padStart(18)}`,
);
for (const r of results.runs) {
  r.clips_per_s = r.clips / r.wall_s;
  r.cpu_ms_per_clip = (r.cpu_s / r.clips) * 1000;
  r.cpu_bound_clips_per_s = (cores * 1000) / r.cpu_ms_per_clip;
  console.log(
    `${r.res.padEnd(8)} ${r.what.slice(-44).padEnd(44)} ${r.clips_per_s.toFixed(2).padStart(8)} ${r.cpu_ms_per_clip.toFixed(0).padStart(12)} ${r.cpu_bound_clips_per_s.toFixed(1).padStart(18)}`,
  );
}
console.log('target: whole-clip extraction >= 20 clips/s; "cores/CPU" = the rate this CPU cost allows with every core free');
results.load_avg_end = os.loadavg();
const out = path.join(root, 'bench', 'results', 'extract-speed.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results));
