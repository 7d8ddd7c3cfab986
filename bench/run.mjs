#!/usr/bin/env node
// npm run bench: one report of every figure that matters, each beside a reference measured in the
// same run, printed as a table and written to bench/results/report.json. Parts:
//   features  bench/features-bench.ts: audio features vs the seed's Python code; frame decoding +
//             entropy (whole-clip extraction) vs ffmpeg decoding alone
//   scale     bench/scale-bench.ts: at each corpus size, import, extraction clips/s and peak RSS,
//             database size per 1,000 utterances, SVM retrain, open + list
//   classify  bench/classify-bench.mjs --json: SVM retrain vs scikit-learn
//   long      bench/long-recording-bench.ts: every segment of a 10- and a 30-minute recording against one
//             plain decode of it (ffmpeg -f null), and peak RSS by length (--long-minutes 10,30)
//   fusion    bench/fusion-bench.mjs --json: fusion training seconds per epoch, beside
//             bench/python/fusion_torch.py: the same network in PyTorch (the seed's framework)
//
//   npm run bench -- [--sizes 100,1000,10000] [--media-max 1000] [--open-size 13000] [--clips 20]
//                    [--audio-clips 200] [--only features,scale,classify,fusion] [--skip ...] [--quick]
// --quick: no RBF SVM in classify, only the built-in-feature seed network in fusion (minutes less).
// The 10,000 tier runs by default without clips (import, text features, database, SVM, listing:
// minutes); BENCH_10K_MEDIA=1 (or --media-max 10000) extracts its 10,000 clips too, which took
// 27 min on 2 cores (6.2 clips/s; the report prints the estimate from this run's 1,000 tier).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const flag = (name) => args.includes(name);
const ALL = ['features', 'long', 'scale', 'classify', 'fusion'];
const only = opt('--only', ALL.join(',')).split(',');
const skip = opt('--skip', '').split(',');
const parts = ALL.filter((p) => only.includes(p) && !skip.includes(p));
const quick = flag('--quick');
const resultsDir = path.join(root, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });

async function bundle(name) {
  const outfile = path.join(root, 'out', 'bench', `${name}.js`);
  await build({
    entryPoints: [path.join(root, `bench/${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs one part; its progress goes to our stderr, its JSON (last stdout line or whole stdout) comes back. */
function runPart(name, argv, { inheritStdout = false } = {}) {
  const t = performance.now();
  process.stderr.write(`\n== ${name}: node ${argv.map((a) => path.relative(root, a) || a).join(' ')}\n`);
  const r = spawnSync(process.execPath, argv, {
    cwd: root,
    stdio: ['ignore', inheritStdout ? 'inherit' : 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) return { ok: false, seconds, error: `exit ${r.status ?? r.signal}` };
  if (inheritStdout) return { ok: true, seconds, json: null };
  const text = (r.stdout ?? '').trim();
  try {
    return { ok: true, seconds, json: JSON.parse(text) };
  } catch {
    try {
      return { ok: true, seconds, json: JSON.parse(text.split('\n').at(-1)) };
    } catch {
      return { ok: false, seconds, error: 'its output was not JSON' };
    }
  }
}

const readJson = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null);

const report = {
  date: new Date().toISOString(),
  machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version, loadavg_start: os.loadavg() },
  command: `npm run bench -- ${args.join(' ')}`.trim(),
  parts: {},
  skipped: ALL.filter((p) => !parts.includes(p)).map((p) => ({ part: p, why: 'left out with --only/--skip' })),
  rows: [],
};

if (parts.includes('features')) {
  const r = runPart(
    'features',
    [await bundle('features-bench'), '--clips', opt('--clips', '20'), '--audio-clips', opt('--audio-clips', '200')],
    { inheritStdout: true },
  );
  report.parts.features = { ...r, json: r.ok ? readJson(path.join(resultsDir, 'features.json')) : null };
}
if (parts.includes('long')) {
  // a 30-minute recording with 400 segments (and a 10-minute one, for memory against length)
  report.parts.long = runPart('long', [await bundle('long-recording-bench'), '--minutes', opt('--long-minutes', '10,30')]);
}
if (parts.includes('scale')) {
  const mediaMax = opt('--media-max', process.env.BENCH_10K_MEDIA === '1' ? '10000' : '1000');
  const scaleArgs = ['--sizes', opt('--sizes', '100,1000,10000'), '--media-max', mediaMax, '--open-size', opt('--open-size', '13000')];
  report.parts.scale = runPart('scale', [await bundle('scale-bench'), ...scaleArgs]);
}
if (parts.includes('classify')) {
  const r = runPart('classify', [path.join(root, 'bench/classify-bench.mjs'), '--json', ...(quick ? ['--no-rbf'] : [])]);
  if (r.ok) fs.writeFileSync(path.join(resultsDir, 'classify.json'), JSON.stringify(r.json, null, 2));
  report.parts.classify = r;
}
if (parts.includes('fusion')) {
  const r = runPart('fusion', [
    path.join(root, 'bench/fusion-bench.mjs'),
    '--json',
    ...(quick ? ['--sizes', 'builtin', '--kinds', 'seed'] : []),
  ]);
  if (r.ok) fs.writeFileSync(path.join(resultsDir, 'fusion.json'), JSON.stringify(r.json, null, 2));
  report.parts.fusion = r;
  // the reference: the same network written the usual PyTorch way, same sizes, rows and batch
  const py = path.join(root, '.venv-pyref', 'bin', 'python');
  if (fs.existsSync(py)) {
    const t = performance.now();
    const tr = spawnSync(
      py,
      [
        path.join(root, 'bench/python/fusion_torch.py'),
        ...(quick ? ['--sizes', 'builtin', '--kinds', 'seed'] : []),
        '--threads',
        String(os.availableParallelism()),
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    report.parts.fusion_torch =
      tr.status === 0
        ? { ok: true, seconds: (performance.now() - t) / 1000, json: JSON.parse(tr.stdout.trim().split('\n').at(-1)) }
        : { ok: false, seconds: (performance.now() - t) / 1000, error: `exit ${tr.status ?? tr.signal}` };
  } else report.skipped.push({ part: 'fusion', what: 'PyTorch reference', why: `no ${py} (run scripts/pyref/setup.sh)` });
}
report.machine.loadavg_end = os.loadavg();

// ---- the table: one row per figure, with its reference from the same run ----
const rows = report.rows;
const add = (what, size, ours, reference, note = '') => rows.push({ what, size, ours, reference, note });
const f1 = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toFixed(d));

const fe = report.parts.features?.json;
if (fe) {
  const r = (a, b) => (a && b ? `seed / ours ${(a / b).toFixed(2)}x` : '');
  add(
    'audio per clip: probe + decode + features',
    `${fe.clips} clips`,
    `${f1(fe.audio_ms_per_clip_ours)} ms`,
    `seed Python ${f1(fe.audio_ms_per_clip_seed_python)} ms`,
    r(fe.audio_ms_per_clip_seed_python, fe.audio_ms_per_clip_ours),
  );
  add(
    'audio per clip: features only',
    `${fe.clips} clips`,
    `${f1(fe.audio_dsp_ms_per_clip_ours)} ms`,
    `seed Python ${f1(fe.audio_dsp_ms_per_clip_seed_python)} ms`,
    r(fe.audio_dsp_ms_per_clip_seed_python, fe.audio_dsp_ms_per_clip_ours),
  );
  const ac = fe.audio_cli;
  if (ac) {
    // the seed runs on one thread, we on every core: on an idle machine the wall ratio is about
    // seed CPU / (our CPU / cores), which a loaded machine does not distort as it does wall times
    const idle = ac.seed_cpu_s && ac.cpu_s ? ac.seed_cpu_s / (ac.cpu_s / ac.cores) : null;
    add(
      'extract --modalities audio, whole CLI process (320x240 clips)',
      `${ac.clips} clips`,
      `${f1(ac.wall_s, 2)} s (CPU ${f1(ac.cpu_s, 2)} s)`,
      ac.seed_wall_s !== null ? `seed Python ${f1(ac.seed_wall_s, 2)} s (CPU ${f1(ac.seed_cpu_s, 2)} s)` : 'seed Python n/a',
      ac.seed_wall_s !== null
        ? `seed / ours: wall ${f1(ac.ratio_median ?? ac.seed_wall_s / ac.wall_s, 2)}x${ac.rounds ? ` (median of ${ac.rounds.length} alternating rounds)` : ''}; seed CPU / (ours CPU / ${ac.cores} cores) ${f1(idle, 2)}x; target >= 3x`
        : '',
    );
  }
  for (const res of ['720p', '320x240']) {
    const e = fe[`extract_clips_per_s_${res}`];
    const fl = fe[`decode_floor_clips_per_s_${res}`];
    add(
      `whole-clip extraction (frame decoding + entropy + audio), ${res}`,
      `${fe.clips} clips`,
      `${f1(e, 2)} clips/s`,
      `ffmpeg decode alone ${f1(fl, 2)} clips/s`,
      e && fl
        ? `${((fe[`floor_share_median_${res}`] ?? e / fl) * 100).toFixed(0)}% of the floor${fe[`whole_clip_rounds_${res}`] ? ` (median of ${fe[`whole_clip_rounds_${res}`].length} alternating rounds)` : ''}; target >= 80%`
        : '',
    );
  }
  const c = fe.ffmpeg_cpu_ms_per_clip_720p;
  if (c) {
    add(
      'ffmpeg CPU per 720p clip: probe + our decoding pass',
      `${fe.clips} clips`,
      `${f1(c.probe, 0)} + ${f1(c.decode_pass, 0)} ms`,
      `h264 decoding alone ${f1(c.decode_only_no_scale, 0)} ms`,
      `2 cores / that = ${f1(2000 / (c.probe + c.decode_pass), 1)} clips/s at most, before any feature`,
    );
    add(
      '  the same pass with -skip_loop_filter all (not used)',
      `${fe.clips} clips`,
      `${f1(c.decode_pass_skip_loop_filter, 0)} ms`,
      `our pass ${f1(c.decode_pass, 0)} ms`,
      'changes the decoded pixels, so the stored entropy',
    );
  }
} else if (parts.includes('features')) add('features part', '-', 'failed', '-', report.parts.features?.error ?? '');

const lr = report.parts.long?.json;
if (lr) {
  const first = lr.rows[0];
  for (const r of lr.rows) {
    add(
      `long recording: all segments extracted (640x360 25 fps, ${r.segments} segments)`,
      `${r.minutes} min`,
      `${f1(r.extract_wall_s)} s (CPU ${f1(r.extract_cpu_s)} s)`,
      `ffmpeg -i REC -f null - ${f1(r.decode_wall_s)} s (CPU ${f1(r.decode_cpu_s)} s)`,
      `CPU ${f1(r.extract_cpu_s)} s against a target of ${f1(r.target_cpu_s)} s (2 x the decode's CPU + the features' own ${f1(r.features_cpu_s)} s): ${r.extract_cpu_s <= r.target_cpu_s ? 'met' : 'missed'}; wall ${f1(r.ratio_wall, 2)}x`,
    );
    add(
      'long recording: extraction peak RSS',
      `${r.minutes} min`,
      `${f1(r.extract_peak_rss_mb, 0)} MB`,
      `at ${first.minutes} min: ${f1(first.extract_peak_rss_mb, 0)} MB`,
      'flat in the recording length is the target',
    );
  }
} else if (parts.includes('long')) add('long part', '-', 'failed', '-', report.parts.long?.error ?? '');

const sc = report.parts.scale?.json;
if (sc) {
  for (const s of sc.sizes) {
    const first = sc.sizes.find((x) => x.media === s.media); // memory is compared within the same kind of run
    const size = `${s.utterances}${s.media ? '' : ' (text only)'}`;
    add('import (MELD CSV + clips)', size, `${f1(s.import.wall_s, 2)} s`, '-', `peak RSS ${f1(s.import.peak_rss_mb, 0)} MB`);
    if (s.media)
      add(
        'extraction through the CLI (720p, all cores)',
        size,
        `${f1(s.extract.clips_per_s, 2)} clips/s`,
        fe ? `ffmpeg decode alone ${f1(fe.decode_floor_clips_per_s_720p, 2)} clips/s` : '-',
        `${s.extract.failed} failed; ${f1(s.extract.wall_s, 1)} s wall; CPU ${s.extract.cpu_s !== null ? f1((s.extract.cpu_s / s.extract.clips) * 1000, 0) : 'n/a'} ms per clip (Node + ffmpeg)`,
      );
    else add('extraction through the CLI (text stage only)', size, `${f1(s.extract.wall_s, 2)} s`, '-', '');
    add(
      'extraction peak RSS (Node process, all worker threads)',
      size,
      `${f1(s.extract.peak_rss_mb, 0)} MB`,
      `at ${first.utterances}: ${f1(first.extract.peak_rss_mb, 0)} MB`,
      'flat in corpus size is the target (ffmpeg children not included)',
    );
    const top = Object.entries(s.db.tables_bytes ?? {})
      .slice(0, 3)
      .map(([t, b]) => `${t} ${((b / s.db.bytes) * 100).toFixed(0)}%`)
      .join(', ');
    add(
      'database size per 1,000 utterances',
      size,
      `${f1(s.db.mb_per_1000, 2)} MB`,
      s.media && s.clip_bytes ? `the clips: ${f1(s.clip_bytes / 1e6 / (s.utterances / 1000), 0)} MB` : '-',
      `file ${f1(s.db.bytes / 1e6, 1)} MB; ${top}`,
    );
    add(
      'SVM retrain: train --fusion none --classifier linear --C 1',
      size,
      `${f1(s.train_linear.wall_s, 2)} s`,
      '-',
      `peak RSS ${f1(s.train_linear.peak_rss_mb, 0)} MB`,
    );
    if (s.train_linear_media_copied)
      add(
        "SVM retrain, + audio/video copied from the clips' tier, --C 1",
        size,
        `${f1(s.train_linear_media_copied.wall_s, 2)} s (CPU ${f1(s.train_linear_media_copied.cpu_s, 2)} s)`,
        `${s.train_linear_media_copied.from_tier} utterances with clips: ${f1(sc.sizes.find((x) => x.utterances === s.train_linear_media_copied.from_tier)?.train_linear.wall_s, 2)} s`,
        `peak RSS ${f1(s.train_linear_media_copied.peak_rss_mb, 0)} MB${s.train_linear_media_copied.ok ? '' : '; train FAILED'}`,
      );
    if (s.train_linear_media_cv)
      add(
        "SVM retrain, + audio/video copied, C chosen by CV (train's default)",
        size,
        `${f1(s.train_linear_media_cv.wall_s, 2)} s (CPU ${f1(s.train_linear_media_cv.cpu_s, 2)} s)`,
        `the same rows with --C 1: ${f1(s.train_linear_media_copied?.wall_s, 2)} s`,
        `C search ${f1(s.train_linear_media_cv.choose_s, 2)} s; peak RSS ${f1(s.train_linear_media_cv.peak_rss_mb, 0)} MB${s.train_linear_media_cv.ok ? '' : '; train FAILED'}`,
      );
    if (s.train_linear_media_retrain)
      add(
        `SVM retrain after ${s.train_linear_media_retrain.relabelled} corrections (train's default again: reuses the search's C)`,
        size,
        `${f1(s.train_linear_media_retrain.wall_s, 2)} s (CPU ${f1(s.train_linear_media_retrain.cpu_s, 2)} s)`,
        `the first train with its C search: ${f1(s.train_linear_media_cv?.wall_s, 2)} s`,
        `selection ${s.train_linear_media_retrain.selection ?? '?'}; peak RSS ${f1(s.train_linear_media_retrain.peak_rss_mb, 0)} MB${s.train_linear_media_retrain.ok ? '' : '; train FAILED'}`,
      );
    add(
      'open + list every utterance (in process)',
      size,
      `${f1(s.open_list_in_process_ms, 0)} ms`,
      `CLI list --json ${f1(s.list_cli.wall_s * 1000, 0)} ms`,
      'CLI includes Node start-up and JSON printing',
    );
  }
  if (sc.open)
    add(
      'open + list every utterance (in process), target < 1 s',
      `${sc.open.utterances} (text only)`,
      `${sc.open.open_list_in_process_ms.map((x) => f1(x, 0)).join(' / ')} ms`,
      `CLI list --json ${f1(sc.open.list_cli_wall_s * 1000, 0)} ms`,
      '3 runs',
    );
  for (const s of sc.skipped) report.skipped.push({ part: 'scale', size: s.size, what: s.what, why: s.why });
  report.growth = growth(sc.sizes);
} else if (parts.includes('scale')) add('scale part', '-', 'failed', '-', report.parts.scale?.error ?? '');

const cl = report.parts.classify?.json;
if (cl) {
  for (const l of cl.linear ?? []) {
    add(
      `SVM retrain, linear, ${cl.rows} x ${l.dim} (synthetic, MELD imbalance)`,
      `${cl.rows}`,
      `${f1(l.C1, 2)} s (with probabilities ${f1(l.C1_proba, 2)} s)`,
      l.sklearn ? `sklearn LinearSVC ${f1(l.sklearn.LinearSVC_C1_s, 2)} s` : 'sklearn n/a',
      l.sklearn
        ? `ours / sklearn ${f1(l.sklearn.ratio_ours_over_sklearn, 2)}; agreement ${(l.sklearn.prediction_agreement * 100).toFixed(1)}%`
        : '',
    );
  }
  const m = cl.meld;
  if (m)
    add(
      `SVM retrain on MELD's text features (linear, probabilities), C ${m.C}`,
      `${m.rows}`,
      `${f1(m.retrain_wall_s, 2)} s (SVM alone ${f1(m.svm_wall_s, 2)} s)`,
      m.sklearn ? `sklearn LinearSVC + calibration ${f1(m.sklearn.fit_calibrated_s, 2)} s` : 'sklearn n/a',
      `dev weighted F1 ours ${f1(m.dev_weighted_f1, 3)}${m.sklearn ? `, sklearn ${f1(m.sklearn.dev_wf1, 3)}` : ''}; ours includes loading the features`,
    );
  if (cl.rbf)
    add(
      `SVM retrain, RBF + probabilities, ${cl.rows} x ${cl.rbf.dim}`,
      `${cl.rows}`,
      `${f1(cl.rbf.train_proba_s, 1)} s`,
      cl.sklearn ? `sklearn SVC ${f1(cl.sklearn.fit_proba_s, 1)} s` : 'sklearn n/a',
      cl.sklearn ? `ours / sklearn ${f1(cl.sklearn.ratio_ours_over_sklearn, 2)}` : '',
    );
} else if (parts.includes('classify')) add('classify part', '-', 'failed', '-', report.parts.classify?.error ?? '');

const fu = report.parts.fusion?.json;
if (Array.isArray(fu)) {
  const torchRuns = report.parts.fusion_torch?.json ?? [];
  for (const r of fu) {
    const ref = torchRuns.find((x) => x.size === r.size && x.kind === r.kind);
    add(
      `fusion training, ${r.kind} network, ${r.size} feature sizes`,
      `${r.rows}`,
      `${f1(r.secondsPerEpoch, 2)} s/epoch`,
      ref ? `PyTorch ${ref.torch} ${f1(ref.secondsPerEpoch, 2)} s/epoch` : 'PyTorch n/a',
      `${ref ? `ours / torch ${f1(r.secondsPerEpoch / ref.secondsPerEpoch, 2)}; ` : ''}~${f1(r.estGflopPerEpoch, 1)} GFLOP/epoch, ${f1(r.achievedGflops, 2)} GFLOP/s; ONNX ${r.onnxRowsPerSecond} rows/s`,
    );
  }
} else if (parts.includes('fusion')) add('fusion part', '-', 'failed', '-', report.parts.fusion?.error ?? '');

/** How each cost grows with the corpus: the figure at each size and its ratio to the smallest size
 * of the same kind of run (10x the utterances: 10x is linear, 1x is flat). */
function growth(sizes) {
  const metrics = {
    'import s': (s) => s.import.wall_s,
    'extract s': (s) => s.extract.wall_s,
    'extract clips/s': (s) => s.extract.clips_per_s,
    'extract peak RSS MB': (s) => s.extract.peak_rss_mb,
    'db MB per 1,000': (s) => s.db.mb_per_1000,
    'SVM retrain s': (s) => s.train_linear.wall_s,
    'SVM retrain peak RSS MB': (s) => s.train_linear.peak_rss_mb,
    'open + list ms': (s) => s.open_list_in_process_ms,
  };
  const out = [];
  for (const media of [true, false]) {
    const runs = sizes.filter((s) => s.media === media);
    if (runs.length < 2) continue;
    for (const [name, get] of Object.entries(metrics)) {
      const base = get(runs[0]);
      if (base === null || base === undefined) continue;
      out.push({
        metric: name,
        media,
        by_size: Object.fromEntries(runs.map((s) => [s.utterances, get(s)])),
        ratio_to_smallest: Object.fromEntries(runs.map((s) => [s.utterances, get(s) / base])),
      });
    }
  }
  return out;
}

// ---- print ----
const widths = { what: 62, size: 18, ours: 30, reference: 34 };
const line = (r) =>
  `${String(r.what).padEnd(widths.what)} ${String(r.size).padEnd(widths.size)} ${String(r.ours).padStart(widths.ours)}   ${String(r.reference).padEnd(widths.reference)} ${r.note}`;
console.log(
  `\nEmotion Studio bench, ${report.date}; ${report.machine.cores} cores (${report.machine.cpu}); load average ${report.machine.loadavg_start.map((l) => l.toFixed(2)).join(' ')} at start, ${report.machine.loadavg_end.map((l) => l.toFixed(2)).join(' ')} at end`,
);
console.log(line({ what: 'figure', size: 'size', ours: 'ours', reference: 'reference (same run)', note: 'note' }));
console.log('-'.repeat(170));
for (const r of rows) console.log(line(r));
if (report.growth?.length) {
  console.log('\ngrowth with the corpus (value at each size; x = ratio to the smallest size of the same kind of run):');
  for (const g of report.growth) {
    const cells = Object.entries(g.by_size).map(([n, v]) => `${n}: ${f1(v, 2)} (${f1(g.ratio_to_smallest[n], 2)}x)`);
    console.log(`  ${(g.metric + (g.media ? '' : ', text only')).padEnd(36)} ${cells.join('   ')}`);
  }
}
console.log(
  `\ntime per part: ${Object.entries(report.parts)
    .map(([name, p]) => `${name} ${f1(p.seconds, 0)} s${p.ok ? '' : ` (failed: ${p.error})`}`)
    .join(', ')}`,
);
if (report.skipped.length) {
  console.log('\nskipped:');
  for (const s of report.skipped) console.log(`  ${s.part}${s.size ? ` at ${s.size}` : ''}: ${s.what ?? ''}${s.what ? ': ' : ''}${s.why}`);
}
const out = path.join(resultsDir, 'report.json');
fs.writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`\nwritten: ${path.relative(root, out)}`);
process.exit(Object.values(report.parts).every((p) => p.ok) ? 0 : 1);
