// Long recordings: extraction of every segment of one recording (an ELAN transcript over it) against
// one plain `ffmpeg -i REC -f null -` decode of the same file in the same run, and the extraction's
// peak RSS at two recording lengths (flat in the length is the target: memory is bounded by the
// longest segment). Tones of known pitch with a 25 fps 640x360 video, cached.
//
//   node out/bench/long-recording-bench.js [--minutes 10,30] [--repeat N] [--cache DIR] [--out FILE] [--cli FILE]
// --repeat N: the decode and the extraction N times each, alternately, on copies of one imported
// database; a row's figures are the medians (each run in `runs`), since on a shared machine one run
// of either moves by 20% or more. --cli: the CLI script (default bin/emotion-studio.js), e.g. a
// private build to compare before/after.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeToneRecording, toneEaf } from '../test/helpers/make-recording';
import { clipFfmpeg } from '../test/helpers/make-clips';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.resolve(opt('--cli', path.join(ROOT, 'bin', 'emotion-studio.js')));
const MINUTES = opt('--minutes', '10,30')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const REPEAT = Math.max(1, Math.floor(Number(opt('--repeat', '1'))) || 1);
const CACHE = opt('--cache', path.join(os.homedir(), '.cache', 'emotion-studio-bench'));
const OUT = path.resolve(opt('--out', path.join(ROOT, 'bench', 'results', 'long-recording.json')));
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Run {
  wall_s: number;
  cpu_s: number | null;
  peak_rss_mb: number | null;
  stdout: string;
  stderr: string;
}

function timed(cmd: string, argv: string[], env: Record<string, string> = {}): Run {
  const t = performance.now();
  const r = spawnSync(TIME ?? cmd, TIME ? ['-f', '%M %U %S', cmd, ...argv] : argv, {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, ...env },
  });
  const wall = (performance.now() - t) / 1000;
  const m = TIME ? /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr) : null;
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return {
    wall_s: wall,
    cpu_s: m ? Number(m[2]) + Number(m[3]) : null,
    peak_rss_mb: m ? Number(m[1]) / 1024 : null,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

const results: Record<string, unknown>[] = [];
for (const minutes of MINUTES) {
  // 400 segments in 30 minutes: 3 s of tone after 1.5 s of silence
  const segments = Math.round((minutes * 400) / 30);
  const dir = path.join(CACHE, `long-${minutes}min`);
  const rec = path.join(dir, 'session.mp4');
  let made: ReturnType<typeof makeToneRecording> | null = null;
  if (!fs.existsSync(rec)) {
    process.stderr.write(`making a ${minutes}-minute recording (${segments} segments) in ${dir}\n`);
    made = makeToneRecording(dir, 'session', { segments, toneS: 3.0, gapS: 1.5, f0: 100, step: 0.75, fps: 25, width: 640, height: 360 });
  }
  const segs =
    made?.segments ??
    Array.from({ length: segments }, (_, i) => ({
      startS: i * 4.5 + 1.5,
      endS: i * 4.5 + 4.5,
      freq: 100 + i * 0.75,
      text: `tone ${i + 1}`,
    }));
  const eaf = toneEaf(path.join(dir, 'session.eaf'), rec, segs);
  const db = path.join(os.tmpdir(), `es-long-bench-${minutes}-${process.pid}.db`);
  const rm = (f: string) => [f, `${f}-wal`, `${f}-shm`].forEach((x) => fs.rmSync(x, { force: true }));
  rm(db);
  timed(process.execPath, [CLI, 'import', eaf, '--db', db, '--json']);
  const runs: { decode: Run; extract: Run; media: { processed: number; failed: number }; featuresS: number; load: number }[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const copy = `${db}.${i}`;
    rm(copy);
    fs.copyFileSync(db, copy);
    const decode = timed(clipFfmpeg(), ['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', rec, '-f', 'null', '-']);
    const extract = timed(process.execPath, [CLI, 'extract', '--db', copy, '--json', '--modalities', 'audio,video'], { ES_TIMING: '1' });
    rm(copy);
    // the features' own CPU in the same run (audio DSP, frame statistics, thumbnails), from ES_TIMING lines
    const timing = extract.stderr
      .split('\n')
      .filter((l) => l.startsWith('timing '))
      .map((l) => JSON.parse(l.slice(7)));
    const featuresS = timing.reduce((a, t) => a + t.audioMs + t.frameStatsMs + t.thumbnailsMs, 0) / 1000;
    runs.push({ decode, extract, media: JSON.parse(extract.stdout).media, featuresS, load: os.loadavg()[0] });
  }
  rm(db);
  const median = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
    return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null;
  };
  const decode = { wall_s: median(runs.map((r) => r.decode.wall_s))!, cpu_s: median(runs.map((r) => r.decode.cpu_s)) };
  const extract = {
    wall_s: median(runs.map((r) => r.extract.wall_s))!,
    cpu_s: median(runs.map((r) => r.extract.cpu_s)),
    peak_rss_mb: Math.max(...runs.map((r) => r.extract.peak_rss_mb ?? 0)) || null,
  };
  const featuresS = median(runs.map((r) => r.featuresS))!;
  const media = { processed: Math.min(...runs.map((r) => r.media.processed)), failed: Math.max(...runs.map((r) => r.media.failed)) };
  const row = {
    minutes,
    segments,
    processed: media.processed,
    failed: media.failed,
    decode_wall_s: decode.wall_s,
    decode_cpu_s: decode.cpu_s,
    extract_wall_s: extract.wall_s,
    extract_cpu_s: extract.cpu_s,
    extract_peak_rss_mb: extract.peak_rss_mb,
    ratio_wall: extract.wall_s / decode.wall_s,
    features_cpu_s: featuresS,
    // the target: extraction within 2x the plain decode plus the features' own cost
    target_cpu_s: decode.cpu_s !== null ? 2 * decode.cpu_s + featuresS : null,
    // each run: its own target from its own decode, and whether it met it
    runs: runs.map((r) => {
      const target = r.decode.cpu_s !== null ? 2 * r.decode.cpu_s + r.featuresS : null;
      return {
        decode_cpu_s: r.decode.cpu_s,
        extract_cpu_s: r.extract.cpu_s,
        features_cpu_s: r.featuresS,
        target_cpu_s: target,
        met: target !== null && r.extract.cpu_s !== null ? r.extract.cpu_s <= target : null,
        loadavg1: r.load,
      };
    }),
  };
  process.stderr.write(
    `${minutes} min, ${segments} segments: extraction ${row.extract_wall_s.toFixed(1)} s (CPU ${row.extract_cpu_s?.toFixed(1)} s, peak RSS ${row.extract_peak_rss_mb?.toFixed(0)} MB) vs ffmpeg -f null ${row.decode_wall_s.toFixed(1)} s (CPU ${row.decode_cpu_s?.toFixed(1)} s): ${row.ratio_wall.toFixed(2)}x; features' own CPU ${featuresS.toFixed(1)} s; target CPU <= ${row.target_cpu_s?.toFixed(1)} s${REPEAT > 1 ? ` (medians of ${REPEAT} runs; each run within its own target: ${row.runs.filter((r) => r.met).length} of ${REPEAT})` : ''}\n`,
  );
  results.push(row);
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
const out = {
  date: new Date().toISOString(),
  machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, loadavg: os.loadavg() },
  rows: results,
};
fs.writeFileSync(OUT, JSON.stringify(out, null, 2));
console.log(JSON.stringify(out));
