// Extraction benchmark (issue "headless core"): audio-feature time per clip, ours vs the seed's own
// Python feature code (librosa/torchaudio) on the same MELD-like clips with the same ffmpeg binary;
// whole-clip extraction (audio + every frame's entropy + selection, no neural encoders) in clips/s,
// beside ffmpeg decoding alone (the floor) measured in the same run, and the CPU per clip of both (Node and
// the ffmpeg runs), whose ratio other work on the machine moves less than the rates'.
// Options: --clips N (whole-clip rows), --extract-rounds N, --audio-clips N, --audio-rounds N (0 skips the
// audio-only CLI row and its seed runs, for work on the whole-clip rows).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip, meldLikeSpec, type ClipSpec } from '../test/helpers/make-clips';
import { locateFfmpeg } from '../src/main/core/media/locate-ffmpeg';
import { probeMedia } from '../src/main/core/media/probe';
import { decodeClip, decodeUnprobed } from '../src/main/core/media/decode-clip';
import { computeAudioSummary } from '../src/main/core/features/audio';
import { openDb } from '../src/main/core/store/db';
import { planImport } from '../src/main/core/corpus/import-plan';
import { saveImport } from '../src/main/core/store/corpus-repo';
import { runExtraction } from '../src/main/core/jobs/extract';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const N = Number(opt('--clips', '20'));
/** clips for the audio-only CLI row (issue 15: 200 MELD-length espeak clips at 320x240) */
const AUDIO_N = Number(opt('--audio-clips', '200'));
/** rounds of that row, ours and the seed alternately: the machine's speed drifts ~15-30% between runs; 0 skips the row */
const AUDIO_ROUNDS = Math.max(0, Number(opt('--audio-rounds', '5')));
/** rounds of the whole-clip rows, the floor and ours alternately (one 20-clip run read 75% and 83% minutes apart) */
const EXTRACT_ROUNDS = Math.max(1, Number(opt('--extract-rounds', '3')));
const ROOT = path.resolve(__dirname, '../..');
const CACHE = opt('--cache', path.join(os.homedir(), '.cache', 'emotion-studio-bench'));
const PYTHON = opt('--python', path.join(ROOT, '.venv-pyref', 'bin', 'python'));

async function clips(kind: string, spec: ClipSpec, n = N): Promise<string[]> {
  const dir = path.join(CACHE, kind);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `dia${i}_utt0.mp4`;
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) await makeClip(dir, name, { ...spec, audio: { kind: 'speech', text: SENTENCES[i % SENTENCES.length] } });
    out.push(file);
  }
  return out;
}

const SENTENCES = [
  'Oh my god, you guys, I cannot believe you did that to me!',
  'Well, I guess we could go to the coffee house later today.',
  'No, no, no, that is absolutely not what I said to her.',
  'Hey, how are you doing? It has been a really long time.',
];

function hr(label: string, value: string, note = ''): void {
  console.log(`${label.padEnd(58)} ${value.padStart(14)}  ${note}`);
}

async function main() {
  const ffmpeg = locateFfmpeg();
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ffmpeg: ${ffmpeg.path} (${ffmpeg.version}, ${ffmpeg.source}); ${os.availableParallelism()} cores; ${N} clips of 3.6 s`,
  );
  const meld = await clips('meld-720p', meldLikeSpec(3.6));
  const small = await clips('small-320x240', { ...meldLikeSpec(3.6), video: { w: 320, h: 240, fps: 24, pattern: 'testsrc2' } });
  const results: Record<string, unknown> = {};

  // 1. audio features per clip, one clip at a time on one core: with decoding (the one ffmpeg run
  // that probes and decodes, as extract does; probe + decode when that run declines) + DSP, and the
  // DSP alone on the decoded PCM (the seed's figure is split the same way). One untimed pass first,
  // so that a short run does not time V8 compiling the code.
  const decodeAudio = async (f: string) =>
    (await decodeUnprobed(ffmpeg.path, f, { video: false })) ??
    (await decodeClip(ffmpeg.path, f, await probeMedia(ffmpeg.path, f), { video: false }));
  for (const f of meld) computeAudioSummary((await decodeAudio(f)).pcm!, 16000);
  const pcms: Float32Array[] = [];
  const t0 = performance.now();
  for (const f of meld) {
    const d = await decodeAudio(f);
    computeAudioSummary(d.pcm!, 16000);
    pcms.push(d.pcm!);
  }
  const oursMs = (performance.now() - t0) / meld.length;
  const t1 = performance.now();
  for (const pcm of pcms) computeAudioSummary(pcm, 16000);
  const oursDspMs = (performance.now() - t1) / pcms.length;
  results.audio_ms_per_clip_ours = oursMs;
  results.audio_dsp_ms_per_clip_ours = oursDspMs;

  let seedMs: number | null = null;
  let seedDspMs: number | null = null;
  if (fs.existsSync(PYTHON)) {
    const r = spawnSync(PYTHON, [path.join(ROOT, 'bench/python/seed_features.py'), '--ffmpeg', ffmpeg.path, ...meld], { encoding: 'utf8' });
    if (r.status === 0) ({ per_clip_ms: seedMs, features_only_ms: seedDspMs } = JSON.parse(r.stdout));
    else console.log(`seed reference failed: ${r.stderr.trim().split('\n').at(-1)}`);
  } else {
    console.log(`seed reference skipped: no ${PYTHON} (run scripts/pyref/setup.sh)`);
  }
  results.audio_ms_per_clip_seed_python = seedMs;
  results.audio_dsp_ms_per_clip_seed_python = seedDspMs;

  // 2. the floor: ffmpeg decoding alone, all frames and audio, two clips at a time
  // CPU per clip beside the rates (children: the ffmpeg runs, reaped with the launcher shell at the end of
  // an extraction): the share of the floor's CPU holds up when other work loads the machine, the rates don't
  const floor = async (files: string[]) => {
    const t = performance.now();
    const c0 = childCpuS();
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < files.length; i = next++) {
        await new Promise<void>((res, rej) => {
          const p = spawn(ffmpeg.path, ['-v', 'error', '-threads', '1', '-i', files[i], '-f', 'null', '-'], { stdio: 'ignore' });
          p.on('exit', (c: number) => (c === 0 ? res() : rej(new Error(`ffmpeg exit ${c}`))));
        });
      }
    };
    await Promise.all(Array.from({ length: os.availableParallelism() }, lane));
    return { rate: files.length / ((performance.now() - t) / 1000), cpuMs: ((childCpuS() - c0) * 1000) / files.length };
  };

  // 3. whole-clip extraction through the real job (SQLite writes), as the CLI runs it: this process
  // serves nothing else, so on <= 2 cores the clips are analysed in this thread (dedicatedThread)
  const extraction = async (dir: string) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-'));
    const db = openDb(path.join(tmp, 'bench.db'));
    for (const b of planImport([dir], {})) saveImport(db, b);
    const t = performance.now();
    const [c0, n0] = [childCpuS(), process.cpuUsage()];
    const s = await runExtraction(db, { ffmpeg: ffmpeg.path, dedicatedThread: true });
    const n = s.media.processed;
    const node = process.cpuUsage(n0);
    const out = {
      rate: n / ((performance.now() - t) / 1000),
      nodeMs: (node.user + node.system) / 1000 / n,
      ffmpegMs: ((childCpuS() - c0) * 1000) / n,
    };
    db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    return out;
  };

  // 4. where the CPU goes, per 720p clip, in CPU time (user + sys, robust to other load): the
  // probe, our one decoding pass (the arguments of media/decode-clip.ts), that pass with the h264
  // loop filter skipped (it changes the decoded pixels, so the stored entropy: not used), and
  // decoding alone. Needs /usr/bin/time.
  const cpuPerClip = (argsFor: (f: string) => string[]): number | null => {
    if (!fs.existsSync('/usr/bin/time')) return null;
    let total = 0;
    for (const f of meld) {
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ffmpeg.path, '-nostdin', '-hide_banner', '-y', ...argsFor(f)], {
        encoding: 'utf8',
      });
      const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
      if (!m) return null;
      total += Number(m[1]) + Number(m[2]);
    }
    return (total / meld.length) * 1000;
  };
  const mainPass = (extra: string[]) => (f: string) => [
    '-loglevel',
    'error',
    '-threads',
    '1',
    '-filter_threads',
    '1',
    ...extra,
    '-i',
    `file:${f}`,
    '-map',
    '0:1',
    '-vn',
    '-ac',
    '1',
    '-ar',
    '16000',
    '-rematrix_maxval',
    '1',
    '-c:a',
    'pcm_f32le',
    '-f',
    'f32le',
    '/dev/null',
    '-map',
    '0:0',
    '-an',
    '-vf',
    'scale=320:180:flags=neighbor:out_range=tv',
    '-pix_fmt',
    'yuv420p',
    '-vsync',
    '0',
    '-c:v',
    'rawvideo',
    '-f',
    'rawvideo',
    '/dev/null',
  ];
  results.ffmpeg_cpu_ms_per_clip_720p = {
    probe: cpuPerClip((f) => ['-i', `file:${f}`]),
    decode_pass: cpuPerClip(mainPass([])),
    decode_pass_skip_loop_filter: cpuPerClip(mainPass(['-skip_loop_filter', 'all'])),
    decode_only_no_scale: cpuPerClip((f) => [
      '-loglevel',
      'error',
      '-threads',
      '1',
      '-i',
      `file:${f}`,
      '-map',
      '0:0',
      '-an',
      '-f',
      'null',
      '-',
    ]),
  };

  // 5. `extract --modalities audio` through the built CLI, the whole process (start-up, workers,
  // ffmpeg, SQLite, text stage), on AUDIO_N clips at 320x240 (the first N are the ones above), beside
  // the seed's Python feature code on the same clips. Wall and CPU (user + sys of the CLI and every
  // ffmpeg it ran, from this process's reaped children): on a loaded machine only the CPU means much.
  if (AUDIO_ROUNDS > 0) {
    const audioSet = await clips(
      'small-320x240',
      { ...meldLikeSpec(3.6), video: { w: 320, h: 240, fps: 24, pattern: 'testsrc2' } },
      AUDIO_N,
    );
    results.audio_cli = audioCli(path.dirname(audioSet[0]), audioSet);
  }

  // the whole-clip rows: EXTRACT_ROUNDS rounds of the floor then ours on each set; the figures are the
  // rounds' medians, the share of the floor the median of the rounds' own shares, every round kept
  type WholeRound = {
    floor: number;
    extract: number;
    share: number;
    floor_cpu_ms: number;
    node_cpu_ms: number;
    ffmpeg_cpu_ms: number;
    cpu_share: number;
  };
  const wholeRounds: Record<string, WholeRound[]> = { '720p': [], '320x240': [] };
  for (let round = 0; round < EXTRACT_ROUNDS; round++)
    for (const [res, set] of [
      ['720p', meld],
      ['320x240', small],
    ] as const) {
      const f = await floor(set);
      const e = await extraction(path.dirname(set[0]));
      wholeRounds[res].push({
        floor: f.rate,
        extract: e.rate,
        share: e.rate / f.rate,
        floor_cpu_ms: f.cpuMs,
        node_cpu_ms: e.nodeMs,
        ffmpeg_cpu_ms: e.ffmpegMs,
        cpu_share: f.cpuMs / (e.nodeMs + e.ffmpegMs),
      });
    }
  for (const res of ['720p', '320x240']) {
    const r = wholeRounds[res];
    results[`decode_floor_clips_per_s_${res}`] = median(r.map((x) => x.floor));
    results[`extract_clips_per_s_${res}`] = median(r.map((x) => x.extract));
    results[`floor_share_median_${res}`] = median(r.map((x) => x.share));
    results[`floor_cpu_share_median_${res}`] = median(r.map((x) => x.cpu_share));
    results[`whole_clip_rounds_${res}`] = r;
  }

  console.log('');
  // the issue-15 target (3x) is on the whole CLI row below; these one-core rows say where the time goes
  const ratio = (seed: number | null, ours: number) => (seed === null ? '' : `seed / ours = ${(seed / ours).toFixed(2)}`);
  hr('audio per clip, ours: probe/decode run + DSP (1 core)', `${oursMs.toFixed(1)} ms`);
  hr(
    "audio per clip, seed's Python: decode + librosa/torchaudio",
    seedMs === null ? 'n/a' : `${seedMs.toFixed(1)} ms`,
    ratio(seedMs, oursMs),
  );
  hr('audio per clip, ours: DSP only', `${oursDspMs.toFixed(1)} ms`);
  hr(
    "audio per clip, seed's Python: features only",
    seedDspMs === null ? 'n/a' : `${seedDspMs.toFixed(1)} ms`,
    ratio(seedDspMs, oursDspMs),
  );
  for (const res of ['720p', '320x240']) {
    const f = results[`decode_floor_clips_per_s_${res}`] as number;
    const e = results[`extract_clips_per_s_${res}`] as number;
    const share = results[`floor_share_median_${res}`] as number;
    const rounds = results[`whole_clip_rounds_${res}`] as WholeRound[];
    hr(`ffmpeg decode alone, ${res} (floor, all cores)`, `${f.toFixed(1)} clips/s`);
    hr(
      `whole-clip extraction, ${res} (all cores)`,
      `${e.toFixed(1)} clips/s`,
      `${(share * 100).toFixed(0)}% of the decode floor, median of ${rounds.length} rounds (${rounds.map((x) => (x.share * 100).toFixed(0) + '%').join(' / ')}; target >= 80%)`,
    );
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    hr(
      `  CPU per clip, ${res}: floor / ours (Node + ffmpeg)`,
      `${median(rounds.map((x) => x.floor_cpu_ms))!.toFixed(0)} / ${median(rounds.map((x) => x.node_cpu_ms + x.ffmpeg_cpu_ms))!.toFixed(0)} ms`,
      `floor CPU / ours ${pct(results[`floor_cpu_share_median_${res}`] as number)} (rounds ${rounds.map((x) => `${pct(x.cpu_share)}: ${x.node_cpu_ms.toFixed(1)} + ${x.ffmpeg_cpu_ms.toFixed(0)} ms`).join(' / ')})`,
    );
  }
  const ac = results.audio_cli as (Record<string, number | null> & { rounds: Record<string, number | null>[] }) | undefined;
  if (ac)
    hr(
      `extract --modalities audio, ${ac.clips} clips, whole CLI process`,
      `${ac.wall_s!.toFixed(2)} s`,
      `CPU ${ac.cpu_s!.toFixed(2)} s (${((ac.cpu_s! / ac.clips!) * 1000).toFixed(1)} ms per clip); median of ${ac.rounds.length} rounds`,
    );
  if (ac && ac.seed_wall_s !== null) {
    hr(
      "  the seed's Python feature code, same clips (one thread)",
      `${ac.seed_wall_s.toFixed(2)} s`,
      `CPU ${ac.seed_cpu_s?.toFixed(2) ?? 'n/a'} s; seed / ours: wall ${ac.ratio_median!.toFixed(2)}x (median of the rounds), CPU ${ac.seed_cpu_s ? (ac.seed_cpu_s / ac.cpu_s!).toFixed(2) : 'n/a'}x (target wall >= 3x)`,
    );
    const f2 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
    console.log(
      `  rounds, ours / seed wall s (ratio): ${ac.rounds.map((x) => `${f2(x.wall_s)} / ${f2(x.seed_wall_s)} (${f2(x.ratio)}x)`).join(', ')}`,
    );
  }
  const cpu = results.ffmpeg_cpu_ms_per_clip_720p as unknown as Record<string, number | null>;
  const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
  hr('ffmpeg CPU per 720p clip: probe', ms(cpu.probe));
  hr('ffmpeg CPU per 720p clip: our decoding pass (audio + scaled frames)', ms(cpu.decode_pass), 'the floor for every decoded frame');
  hr('ffmpeg CPU per 720p clip: same with -skip_loop_filter all', ms(cpu.decode_pass_skip_loop_filter), 'changes decoded pixels: not used');
  hr('ffmpeg CPU per 720p clip: h264 decoding alone', ms(cpu.decode_only_no_scale));
  const outFile = path.join(ROOT, 'bench', 'results', 'features.json');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), ffmpeg, clips: N, ...results }, null, 2));
  console.log(`\nwritten: ${outFile}`);
}

/** The median of the non-null values (null when there are none). */
function median(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === 0 ? null : v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** CPU seconds (user + sys) of this process's reaped children (USER_HZ 100). */
function childCpuS(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * `extract --modalities audio` through the CLI, AUDIO_ROUNDS times on fresh copies of one imported
 * database, each followed by the seed's code on the same clips; the figures are the rounds' medians
 * (the ratio's median over the rounds' own ratios), every round kept in `rounds`.
 */
function audioCli(dir: string, files: string[]): Record<string, unknown> {
  const cli = path.join(ROOT, 'bin', 'emotion-studio.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-audio-'));
  const env = { ...process.env, EMOTION_STUDIO_DATA: path.join(work, 'data') }; // no pretrained models
  const imported = path.join(work, 'imported.db');
  const db = path.join(work, 'audio.db');
  try {
    const imp = spawnSync(process.execPath, [cli, 'import', dir, '--db', imported, '-q'], { env, encoding: 'utf8' });
    if (imp.status !== 0) throw new Error(`import failed: ${imp.stderr.trim().split('\n').at(-1)}`);
    const rounds: { wall_s: number; cpu_s: number; seed_wall_s: number | null; seed_cpu_s: number | null; ratio: number | null }[] = [];
    let processed = 0;
    let seedClips: number | null = null;
    for (let round = 0; round < AUDIO_ROUNDS; round++) {
      fs.copyFileSync(imported, db);
      const c0 = childCpuS();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'extract', '--db', db, '--modalities', 'audio', '-q', '--json'], {
        env,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = childCpuS() - c0;
      if (r.status !== 0) throw new Error(`extract failed: ${r.stderr.trim().split('\n').at(-1)}`);
      processed = JSON.parse(r.stdout).media?.processed ?? 0;
      let seed: { total_s: number; cpu_s?: number; clips: number } | null = null;
      if (fs.existsSync(PYTHON)) {
        const s = spawnSync(PYTHON, [path.join(ROOT, 'bench/python/seed_features.py'), '--ffmpeg', locateFfmpeg().path, ...files], {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        });
        if (s.status === 0) seed = JSON.parse(s.stdout.trim().split('\n').at(-1)!);
        else console.log(`seed reference failed: ${s.stderr.trim().split('\n').at(-1)}`);
      }
      seedClips = seed?.clips ?? null;
      const seedWall = seed?.total_s ?? null;
      rounds.push({
        wall_s: wall,
        cpu_s: cpu,
        seed_wall_s: seedWall,
        seed_cpu_s: seed?.cpu_s ?? null,
        ratio: seedWall === null ? null : seedWall / wall,
      });
    }
    return {
      clips: processed,
      cores: os.availableParallelism(),
      wall_s: median(rounds.map((x) => x.wall_s)),
      cpu_s: median(rounds.map((x) => x.cpu_s)),
      seed_wall_s: median(rounds.map((x) => x.seed_wall_s)),
      seed_cpu_s: median(rounds.map((x) => x.seed_cpu_s)),
      seed_clips: seedClips,
      ratio_median: median(rounds.map((x) => x.ratio)),
      rounds,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
