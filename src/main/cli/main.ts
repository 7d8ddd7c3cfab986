// The command line (DESIGN.md "Command-line contract"). Results go to stdout (JSON with --json),
// human progress to stderr. Exit 0 when the job ran, even where single files failed.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { busyTimeoutMs, openDb, type Db } from '../core/store/db';
import { dataDir, defaultDbPath } from '../core/settings';
import { planImportEach } from '../core/corpus/import-plan';
import { ImportError } from '../core/corpus/types';
import { saveImport, type ImportSummary } from '../core/store/corpus-repo';
import { listUtterances, showUtterance } from '../core/store/queries';
import { relabel } from '../core/store/labels';
import { runExtraction, type ExtractSummary } from '../core/jobs/extract';
import { startCliJob } from '../core/jobs/job-store';
import { formatProgress } from '../core/jobs/progress';
import { termLines, termText } from './text';
import { wholeNumberOption } from './args';
import { locateFfmpeg } from '../core/media/locate-ffmpeg';
import { doctor } from '../core/doctor';
import { electronStatus } from '../core/native-abi';
import type { ItemStatus, Split } from '../../shared/types';
import { registerLearnCommands } from './learn';
import { registerAgreementCommands, defaultAnnotator, asAnnotator } from './agree';
import { registerReportCommands, defaultReportPath, reportLine } from './report';
import { writeReport } from '../core/report';
import { registerModelsCommands, encodersLine } from './models';
import type { Device } from '../core/models/providers';
import { registerServeCommands } from './serve';
import { registerScaleCommands, shardFromOptions } from './scale';
import type { ShardSpec } from '../core/jobs/shard';
import { trainModel, evaluateSplit, type EvaluateResult, type TrainResult } from '../core/learn';
import { availableModalities } from '../core/learn/dataset';
import { closeLauncher } from '../core/media/launcher';
import { parseVadOptions, planVadImport } from '../core/jobs/segment';

class UsageError extends Error {}

interface Globals {
  db?: string;
  dataDir?: string;
  json?: boolean;
  ffmpeg?: string;
  quiet?: boolean;
}

const program = new Command('emotion-studio')
  .description('Multimodal emotion recognition in conversation: import, extract, train, evaluate, annotate, report')
  .option('--db <path>', 'SQLite database file (default: in the data folder)')
  .option('--data-dir <dir>', 'where models and settings live (default: EMOTION_STUDIO_DATA or the OS user data folder)')
  .option('--json', 'machine-readable result on stdout')
  .option('--ffmpeg <path>', 'ffmpeg binary to use (else EMOTION_STUDIO_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH)')
  .option('-q, --quiet', 'no progress on stderr')
  .showHelpAfterError();

function globals(): Globals & { dbPath: string; dir: string } {
  const g = program.opts<Globals>();
  const dir = dataDir(g.dataDir);
  return { ...g, dir, dbPath: path.resolve(g.db ?? defaultDbPath(dir)) };
}

/** Opens the --db database for one command and always closes it. */
async function withDb<T>(fn: (db: Db) => Promise<T> | T, opts: { mustExist?: boolean } = {}): Promise<T> {
  const g = globals();
  if (opts.mustExist && !fs.existsSync(g.dbPath)) throw new UsageError(`database not found: ${g.dbPath} (run import or analyze first)`);
  const db = openDb(g.dbPath);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

// human-readable text carries imported text: control characters are shown as escapes (text.ts)
function out(json: unknown, human: string): void {
  process.stdout.write(globals().json ? JSON.stringify(json, null, 2) + '\n' : termLines(human) + '\n');
}

function progress(line: string): void {
  if (!globals().quiet) process.stderr.write(termLines(line) + '\n');
}

function throttledProgress() {
  let last = 0;
  return (e: Parameters<typeof formatProgress>[0]) => {
    const now = Date.now();
    if (now - last < 1000 && e.done < e.total) return;
    last = now;
    if (globals().quiet) return;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K' + termText(formatProgress(e)) + (e.done >= e.total ? '\n' : ''));
    else process.stderr.write(termText(formatProgress(e)) + '\n');
  };
}

function doImport(
  db: Db,
  paths: string[],
  o: { split?: Split; columns?: string; labels?: string; tiers?: string; labelTier?: string; media?: string; annotator?: string },
  failed: { file: string; reason: string }[] = [],
): ImportSummary[] {
  for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`cannot read ${p}: no such file or folder`);
  const plan = planImportEach(
    paths.map((p) => path.resolve(p)),
    {
      split: o.split,
      columns: o.columns,
      labels: o.labels
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      tiers: o.tiers
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      labelTier: o.labelTier,
      media: o.media,
    },
  );
  // a file that cannot be imported is reported and left out; the others are imported (exit 0)
  if (!plan.batches.length && plan.failed.length) throw new ImportError(plan.failed[0].file, plan.failed[0].message);
  for (const f of plan.failed) {
    progress(`warning: ${f.file}: ${f.message}; file not imported`);
    failed.push({ file: f.file, reason: f.message });
  }
  return plan.batches.map((b) => {
    for (const i of b.issues) progress(`warning: ${i.file}${i.row !== null ? ` row ${i.row}` : ''}: ${i.message}`);
    if (o.annotator) asAnnotator(b, o.annotator);
    const s = saveImport(db, b);
    for (const n of s.notes) progress(`warning: ${n}`);
    return s;
  });
}

/** import --segment vad: Silero VAD cuts each recording into segments (jobs/segment.ts), then they are stored. */
async function vadImport(
  paths: string[],
  o: { device: Device; minSilence?: string; minSpeech?: string; pad?: string; threshold?: string },
): Promise<void> {
  for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`cannot read ${p}: no such file or folder`);
  let vad;
  try {
    vad = parseVadOptions(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const ffmpeg = locateFfmpeg(globals().ffmpeg);
  const { batches, recordings } = await planVadImport(paths, {
    ffmpeg: ffmpeg.path,
    device: o.device,
    vad,
    onNote: progress,
    onProgress: throttledProgress(),
  });
  await withDb((db) => {
    const imports = batches.map((b) => {
      for (const i of b.issues) progress(`warning: ${i.file}: ${i.message}`);
      return saveImport(db, b);
    });
    const lines = recordings.map(
      (r) =>
        `${r.file}: ${r.error ? `not segmented (${r.error})` : `${r.segments} segments (${r.speech_s} s of speech in ${r.duration_s} s)`}`,
    );
    out({ database: globals().dbPath, imports, segmentation: recordings }, [...lines, ...imports.map(importLine)].join('\n'));
  });
}

/** The learning half of the main job: the seed architecture (fusion + SVM) on whatever modalities
 * have features, fit on train only, then scored on each labelled held-out split. */
async function trainAndEvaluate(db: Db): Promise<{ train: TrainResult | null; evaluations: EvaluateResult[] }> {
  const classes = (
    db.prepare("SELECT COUNT(DISTINCT label) n FROM utterance WHERE split = 'train' AND label IS NOT NULL").get() as { n: number }
  ).n;
  const modalities = availableModalities(db);
  if (classes < 2 || modalities.length === 0) return { train: null, evaluations: [] };
  const fusion = modalities.length > 1 ? 'seed' : 'none';
  progress(`training: fusion ${fusion}, linear SVM, modalities ${modalities.join(',')}`);
  const train = await trainModel(db, {
    fusion,
    classifier: 'linear',
    modalities,
    context: false,
    seed: 1,
    onProgress: (p) => progress(`${p.stage}: ${p.message}`),
  });
  const evaluations = (['dev', 'test'] as const).map((split) => evaluateSplit(db, split, train.version)).filter((e) => e.n > 0);
  return { train, evaluations };
}

function importLine(s: ImportSummary): string {
  return (
    `imported ${s.kind} from ${s.root}: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.missingMedia} without media, ${s.issues} issues` +
    (s.sourceLabelChanged ? `; ${s.sourceLabelChanged} with a label changed in the source (the gold label kept)` : '')
  );
}

/** `--modalities audio,video,text` for extract: which streams to decode (text always has its own stage). */
function extractWants(list: string | undefined): { audio: boolean; video: boolean } {
  if (list === undefined) return { audio: true, video: true };
  const parts = list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of parts)
    if (!['audio', 'video', 'text'].includes(p)) throw new Error(`--modalities: unknown modality '${p}' (audio, video, text)`);
  if (!parts.length) throw new Error('--modalities names no modality');
  return { audio: parts.includes('audio'), video: parts.includes('video') };
}

async function doExtract(
  db: Db,
  o: { workers?: string; shardSpec?: ShardSpec; device?: string; modalities?: string },
): Promise<ExtractSummary> {
  const wants = extractWants(o.modalities);
  const g = globals();
  // a usage error before any work: no job row, nothing started
  const workers = o.workers !== undefined ? wholeNumberOption(o.workers, '--workers') : undefined;
  const ffmpeg = locateFfmpeg(g.ffmpeg);
  progress(`ffmpeg: ${ffmpeg.path} (${ffmpeg.version}, from ${ffmpeg.source})`);
  const ac = new AbortController();
  const onSigint = () => {
    progress('\nstopping: finishing the clips in flight and saving what is done (Ctrl-C again to force)');
    process.off('SIGINT', onSigint);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  // a stored job, as `train` has: its row holds the parameters, the last progress and the summary
  const job = startCliJob(db, 'extract', { workers: o.workers ?? null, shard: o.shardSpec ?? null, device: o.device ?? 'auto' }, ac.signal);
  try {
    return await runExtraction(db, {
      ffmpeg: ffmpeg.path,
      workers,
      signal: job.signal,
      shard: o.shardSpec,
      onProgress: job.tap(throttledProgress()),
      dataDir: g.dir,
      device: (o.device ?? 'auto') as Device,
      onNote: progress,
      wants,
    }).then(
      (s) =>
        job.done(
          s,
          s.cancelled ? `cancelled: ${s.media.processed} clips processed before the stop; run extraction again to resume` : undefined,
        ),
      (e) => job.failed(e),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function extractLine(s: ExtractSummary): string {
  return (
    `media: ${s.media.processed} processed (${s.media.failed} failed), ${s.media.skipped} already done` +
    `; text: ${s.text.encoded} encoded (${s.text.failed} failed)${s.text.refit ? `, IDF fit on ${s.text.fittedOn}` : ''}` +
    encodersLine(s.encoders) +
    (s.cancelled ? '; cancelled: rerun to resume' : '')
  );
}

const splitOption = new Option('--split <split>', 'split of the imported rows').choices(['train', 'dev', 'test', 'unsplit']);

program
  .command('import')
  .description(
    'import folders of media, MELD CSVs (split from the name or --split), other CSVs with --columns, ELAN .eaf, Praat .TextGrid, .srt and .vtt transcripts',
  )
  .argument('<paths...>')
  .addOption(splitOption)
  .option(
    '--columns <mapping>',
    'for a non-MELD CSV: text=COL,label=COL[,file=COL,speaker=COL,dialogue=COL,start=COL,end=COL,id=COL,annotator=COL]',
  )
  .option('--annotator <name>', "the files' labels are this annotator's (one annotator's copy of a corpus), not gold labels")
  .option('--labels <list>', 'label set (comma-separated); default: taken from the data')
  .option(
    '--tiers <list>',
    'for .eaf and .TextGrid files: the tiers holding utterances (comma-separated; default: found from their names and types)',
  )
  .option(
    '--label-tier <tier>',
    "for .eaf and .TextGrid files: the tier holding the gold labels ('' for none; default: 'emotion (gold)' or a tier named emotion/label)",
  )
  .option(
    '--media <file>',
    'for .TextGrid, .srt, .vtt and .eaf files: the recording they annotate (default: the media file of the same base name beside each; for .eaf the media it links)',
  )
  .addOption(
    new Option(
      '--segment <method>',
      'cut each recording (a media file, or those in a folder) into speech segments, one utterance each',
    ).choices(['vad']),
  )
  .option('--min-silence <s>', 'with --segment vad: a pause this long ends a segment (default 0.5)')
  .option('--min-speech <s>', 'with --segment vad: shorter speech is dropped (default 0.25)')
  .option('--pad <s>', 'with --segment vad: seconds added before and after each segment (default 0.1)')
  .option('--threshold <p>', 'with --segment vad: speech probability that starts a segment (default 0.5)')
  .addOption(
    new Option('--device <device>', 'with --segment vad: execution provider for the VAD model')
      .choices(['auto', 'cpu', 'cuda', 'webgpu'])
      .default('auto'),
  )
  .action(async (paths: string[], o) => {
    if (o.segment === 'vad') return vadImport(paths, o);
    await withDb((db) => {
      const failed: { file: string; reason: string }[] = [];
      const res = doImport(db, paths, o, failed);
      out(
        { database: globals().dbPath, imports: res, failed },
        [...res.map(importLine), ...failed.map((f) => `not imported: ${f.file}: ${f.reason}`)].join('\n'),
      );
    });
  });

program
  .command('extract')
  .description('features for every utterance not yet done (resumable)')
  .option('--workers <n>', 'parallel clips (default: the number of cores)')
  .option('--modalities <list>', 'audio,video,text: what to extract (audio-only work decodes no frame); default all')
  .addOption(
    new Option('--device <device>', 'execution provider for neural encoders').choices(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
  )
  .option('--shard <I/N>', 'only shard I of N (0-based; by a hash of the utterance key), into --db; fold shards back with merge')
  .option('--from <main.db>', 'with --shard: make --db as a snapshot of this database when it does not exist yet')
  .action(async (o) => {
    const shardSpec = shardFromOptions(o, scaleContext);
    const db = openDb(globals().dbPath);
    try {
      const s = await doExtract(db, { ...o, shardSpec });
      out(s, extractLine(s));
      if (s.cancelled) process.exitCode = 130;
    } finally {
      db.close();
    }
  });

program
  .command('analyze')
  .description('the main job: import + extract (+ train, evaluate and report where available)')
  .argument('<paths...>')
  .addOption(splitOption)
  .option('--columns <mapping>', 'for a non-MELD CSV, as in import')
  .option('--labels <list>', 'label set (comma-separated)')
  .option('--workers <n>', 'parallel clips (default: the number of cores)')
  .addOption(
    new Option('--device <device>', 'execution provider for the pretrained encoders')
      .choices(['auto', 'cpu', 'cuda', 'webgpu'])
      .default('auto'),
  )
  .option('--report <path>', 'the HTML report (default: next to the database, <db name>-report.html)')
  .option('--no-report', 'write no report')
  .action(async (paths: string[], o) => {
    const g = globals();
    const db = openDb(g.dbPath);
    try {
      const imports = doImport(db, paths, o);
      for (const s of imports) progress(importLine(s));
      const extract = await doExtract(db, o);
      progress(extractLine(extract));
      const counts = db.prepare('SELECT split, COUNT(*) n FROM utterance GROUP BY split ORDER BY split').all();
      if (extract.cancelled) {
        out({ database: g.dbPath, imports, extract, splits: counts }, `database: ${g.dbPath}\n${extractLine(extract)}`);
        process.exitCode = 130;
        return;
      }
      const { train, evaluations } = await trainAndEvaluate(db);
      // the report closes the main job; if it cannot be written the rest of the job still stands
      let report: string | null = null;
      let reportText = 'report: not written (--no-report)';
      if (o.report !== false) {
        try {
          const r = await writeReport(db, { format: 'html', out: typeof o.report === 'string' ? o.report : defaultReportPath(g.dbPath) });
          report = r.path;
          reportText = reportLine(r, 'html');
        } catch (e) {
          reportText = `report: not written: ${(e as Error).message}`;
          progress(`warning: ${reportText}`);
        }
      }
      out(
        { database: g.dbPath, imports, extract, splits: counts, train, evaluations, report },
        [
          `database: ${g.dbPath}`,
          extractLine(extract),
          train
            ? `model version ${train.version}: fit on ${train.nTrain} training items`
            : 'no model trained: the training split needs labels of at least 2 classes',
          ...evaluations.map(
            (e) =>
              `${e.split} split (model ${e.model_version}): n=${e.n}, accuracy ${(e.accuracy * 100).toFixed(1)}%, weighted F1 ${(e.weighted_f1 * 100).toFixed(1)}%, macro F1 ${(e.macro_f1 * 100).toFixed(1)}%`,
          ),
          reportText,
        ].join('\n'),
      );
    } finally {
      db.close();
    }
  });

program
  .command('list')
  .description('utterances, one per line (one JSON object each with --json)')
  .addOption(new Option('--split <split>').choices(['train', 'dev', 'test', 'unsplit']))
  .option('--label <label>')
  .addOption(new Option('--status <status>').choices(['pending', 'done', 'partial', 'error', 'missing_media']))
  .option('--search <text>')
  .option('--limit <n>')
  .action(async (o) => {
    await withDb(
      (db) => {
        const limit = o.limit !== undefined ? wholeNumberOption(o.limit, '--limit') : undefined;
        const rows = listUtterances(db, { split: o.split, label: o.label, status: o.status as ItemStatus, search: o.search, limit });
        const f = (v: string | null | undefined, none = '-') => (v === null || v === undefined ? none : termText(v));
        out(
          rows,
          rows
            .map(
              (r) =>
                `${r.id}\t${r.split}\t${f(r.dialogue)}\t${f(r.label)}\t${r.status}${r.errors ? ` (${r.errors} errors)` : ''}\t${f(r.text ?? r.media, '')}`,
            )
            .join('\n'),
        );
      },
      { mustExist: true },
    );
  });

program
  .command('show')
  .description('one utterance with its features and errors')
  .argument('<id>')
  .action(async (id: string) => {
    await withDb(
      (db) => {
        const d = showUtterance(db, parseId(id));
        if (!d) throw new UsageError(`no utterance with id ${id}`);
        const a = d.audio;
        out(
          d,
          [
            `#${d.id} ${d.key} [${d.split}] ${d.speaker ?? ''}: ${d.text ?? ''}`,
            `label: ${d.label ?? '-'}  status: ${d.status}  media: ${d.media ?? '(missing)'}${d.start_s !== null && d.end_s !== null ? ` [${d.start_s.toFixed(3)} s - ${d.end_s.toFixed(3)} s]` : ''}`,
            d.prediction
              ? `prediction (model ${d.prediction.model_version}): ${d.prediction.label} (p=${(d.prediction.probabilities[d.prediction.label] ?? 0).toFixed(2)})`
              : 'prediction: - (no model trained yet)',
            a
              ? `audio: ${a.duration_s.toFixed(2)} s, pitch ${a.pitch_hz?.toFixed(1) ?? '-'} Hz (voiced ${(a.voiced_ratio * 100).toFixed(0)}%), rms ${a.rms.toFixed(4)}, zcr ${a.zcr.toFixed(4)}, centroid ${a.spectral_centroid_hz.toFixed(0)} Hz, tempo ${a.tempo_bpm.toFixed(0)} bpm`
              : 'audio: -',
            d.video
              ? `video: ${d.video.frame_count} frames at ${d.video.fps} fps, selected ${d.video.selected_frames.join(' ')}`
              : 'video: -',
            `text features: ${d.text_features ? `${d.text_features.encoder} (${d.text_features.dim}${d.text_features.provider ? `, ${d.text_features.provider}` : ''})` : '-'}`,
            ...[
              d.audio?.embedding &&
                `audio embedding: ${d.audio.embedding.model} (${d.audio.embedding.dim}, ${d.audio.embedding.provider ?? '-'})`,
              d.video?.embedding &&
                `video embedding: ${d.video.embedding.model} (${d.video.embedding.dim} per selected frame, ${d.video.embedding.provider ?? '-'})`,
            ].filter((l): l is string => !!l),
            ...d.errors.map((e) => `${e.level}: [${e.stage}] ${e.file ?? ''}: ${e.message}`),
          ].join('\n'),
        );
      },
      { mustExist: true },
    );
  });

program
  .command('relabel')
  .description('change one label (the old one stays in the label history)')
  .argument('<id>')
  .argument('<label>')
  .option('--annotator <name>', 'whose label this is (default: the name in the settings, else the OS user)')
  .option('--who <name>', 'same as --annotator (older name)')
  .action(async (id: string, label: string, o) => {
    await withDb(
      (db) => {
        const who = o.annotator ?? o.who ?? defaultAnnotator(globals().dir);
        const r = relabel(db, parseId(id), label, who);
        const human =
          r.old === r.new
            ? r.annotator_old === label
              ? `#${id}: already ${label}; nothing changed`
              : `#${id}: gold label stays ${r.new ?? '-'}; ${who}'s label ${label} recorded (was ${r.annotator_old ?? 'none'})`
            : `#${id}: ${r.old ?? '-'} -> ${r.new ?? '-'}${r.new !== label ? ` (${who}'s label ${label}; gold by ${r.gold_source})` : ''}`;
        out({ id: Number(id), ...r }, human);
      },
      { mustExist: true },
    );
  });

program
  .command('doctor')
  .description('what the tool found: ffmpeg, ONNX Runtime and its providers, models, database')
  .action(() => {
    const g = globals();
    const r = { ...doctor({ ffmpeg: g.ffmpeg, db: g.dbPath, dataDir: g.dir }), electron: electronStatus() };
    const el = r.electron.package
      ? `electron: ${r.electron.package}, binary ${r.electron.binary ? `present (${r.electron.binary})` : 'absent'}, better-sqlite3 built for ${r.electron.better_sqlite3.for}${r.electron.notes.map((n) => `\n  ${n}`).join('')}`
      : `electron: not installed${r.electron.notes.map((n) => `\n  ${n}`).join('')}`;
    const f =
      'error' in r.ffmpeg
        ? `ffmpeg: NOT FOUND: ${r.ffmpeg.error}`
        : `ffmpeg: ${r.ffmpeg.path} (${r.ffmpeg.version}, from ${r.ffmpeg.source}; started ${r.ffmpeg_launch === 'shell' ? 'by a launcher shell, outputs through FIFOs' : "by Node's spawn"})`;
    const o =
      'error' in r.onnxruntime
        ? `onnxruntime: unavailable: ${r.onnxruntime.error}`
        : `onnxruntime: ${r.onnxruntime.version}, providers: ${r.onnxruntime.providers.map((p) => p.name + (!p.installed ? ' (not installed)' : p.auto ? '' : ' (no GPU found)')).join(', ')}${r.onnxruntime.providers.some((p) => p.name === 'cuda' && !p.installed) ? `\n  CUDA provider libraries (CUDA 12 + cuDNN 9 machines): ${r.onnxruntime.cuda_install}` : ''}`;
    out(
      r,
      [
        f,
        o,
        `models: ${r.models.map((m) => `${m.name} ${m.present ? 'present' : 'absent (built-in encoders used)'}`).join('; ')}`,
        el,
        `database: ${r.database}`,
        `data folder: ${r.data_dir}`,
      ].join('\n'),
    );
  });

const scaleContext = { dbPath: () => globals().dbPath, out, progress };
registerScaleCommands(program, scaleContext);

registerModelsCommands(program, { out, progress, dataDir: () => globals().dir });

registerLearnCommands(program, {
  withDb: (fn) => withDb(fn, { mustExist: true }),
  out,
  progress,
});

// serve opens (or creates) the database: a new user imports a corpus from the app itself
registerServeCommands(program, { withDb: (fn) => withDb(fn), out, progress, globals });

registerAgreementCommands(program, { withDb: (fn) => withDb(fn, { mustExist: true }), out, progress, dataDir: () => globals().dir });

registerReportCommands(program, { withDb: (fn) => withDb(fn, { mustExist: true }), out, progress });

function parseId(id: string): number {
  if (!/^\d+$/.test(id)) throw new UsageError(`not an utterance id: ${id}`);
  return Number(id);
}

program
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    const known = e instanceof UsageError || e instanceof ImportError || (e as Error)?.name?.endsWith('Error');
    if ((e as { code?: string })?.code?.startsWith('SQLITE_BUSY')) {
      (e as Error).message =
        `database ${globals().dbPath} is locked by another process (waited ${busyTimeoutMs() / 1000} s): try again when it has finished (${(e as Error).message})`;
    }
    if ((e as { code?: string })?.code === 'SQLITE_FULL' || (e as { code?: string })?.code === 'ENOSPC') {
      (e as Error).message =
        `no space left for database ${globals().dbPath}: free some disk space and run the command again; what was saved is kept (${(e as Error).message})`;
    }
    process.stderr.write(`emotion-studio: ${termLines(String((e as Error).message ?? e))}\n`);
    if (!known || process.env.EMOTION_STUDIO_DEBUG) process.stderr.write(((e as Error).stack ?? '') + '\n');
    process.exitCode = 1;
  })
  .finally(() => closeLauncher()); // reap this thread's ffmpeg launcher shell (media/launcher.ts)
