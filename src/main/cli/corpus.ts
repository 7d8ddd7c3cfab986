// The corpus commands: `import` (files, folders, --segment vad recordings) and `list`, `show`,
// `relabel` on the imported utterances. Registered on the main program by main.ts.
import { Option, type Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../core/store/db';
import { planImportEach } from '../core/corpus/import-plan';
import { ImportError } from '../core/corpus/types';
import { saveImport, type ImportSummary } from '../core/store/corpus-repo';
import { saveImportWithGoldNote, type GoldNote } from '../core/store/import-gold';
import { listUtterances, showUtterance } from '../core/store/queries';
import { relabel } from '../core/store/labels';
import { locateFfmpeg } from '../core/media/locate-ffmpeg';
import type { Device } from '../core/models/providers';
import { parseVadOptions, planVadImport } from '../core/jobs/segment';
import { SPLITS, type ItemStatus, type Split } from '../../shared/types';
import { termText } from './text';
import { wholeNumberOption } from './args';
import { defaultAnnotator } from './agree';
import { asAnnotator } from '../core/corpus/annotator';
import { throttledProgress, type MainCliContext } from './context';

class UsageError extends Error {}

export function doImport(
  ctx: MainCliContext,
  db: Db,
  paths: string[],
  o: { split?: Split; columns?: string; labels?: string; tiers?: string; labelTier?: string; media?: string; annotator?: string },
  failed: { file: string; reason: string }[] = [],
): (ImportSummary & { files: string[]; gold_notes?: GoldNote[] })[] {
  // a path that does not exist is one more file that cannot be imported: reported, the others go in;
  // only when none of them exists can the job not run
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length === paths.length) throw new UsageError(`cannot read ${missing[0]}: no such file or folder`);
  for (const p of missing) {
    ctx.progress(`warning: ${path.resolve(p)}: no such file or folder; file not imported`);
    failed.push({ file: path.resolve(p), reason: 'no such file or folder' });
  }
  const plan = planImportEach(
    paths.filter((p) => !missing.includes(p)).map((p) => path.resolve(p)),
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
    ctx.progress(`warning: ${f.file}: ${f.message}; file not imported`);
    failed.push({ file: f.file, reason: f.message });
  }
  let ruleSet = false;
  return plan.batches.map((b) => {
    for (const i of b.issues) ctx.progress(`warning: ${i.file}${i.row !== null ? ` row ${i.row}` : ''}: ${i.message}`);
    if (o.annotator) asAnnotator(b, o.annotator);
    // several annotators and no gold tier: a note says which gold rule made the gold labels (a new
    // database gets `majority`); --json has it as gold_notes
    const g = saveImportWithGoldNote(db, b, {
      who: defaultAnnotator(ctx.globals().dir),
      dbPath: ctx.globals().dbPath,
      setByEarlier: ruleSet,
    });
    ruleSet ||= g.ruleSet;
    const s = g.summary;
    for (const n of s.notes) ctx.progress(`warning: ${n}`);
    for (const n of g.gold) ctx.progress(`note: ${n.note}`);
    return { ...s, files: [...new Set(b.records.map((r) => r.source))], ...(g.gold.length ? { gold_notes: g.gold } : {}) }; // which file each summary is about
  });
}

export interface VadCliOptions {
  device: Device;
  split?: Split;
  labels?: string;
  minSilence?: string;
  minSpeech?: string;
  pad?: string;
  threshold?: string;
}

/** --segment vad (import, analyze): Silero VAD cuts each recording into segments (jobs/segment.ts),
 * then they are stored in `db`; a recording that cannot be segmented is named in `segmentation`. */
export async function doVadImport(ctx: MainCliContext, db: Db, paths: string[], o: VadCliOptions) {
  for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`cannot read ${p}: no such file or folder`);
  let vad;
  try {
    vad = parseVadOptions(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const ffmpeg = locateFfmpeg(ctx.globals().ffmpeg);
  const { batches, recordings } = await planVadImport(paths, {
    ffmpeg: ffmpeg.path,
    device: o.device,
    split: o.split,
    labels: o.labels
      ?.split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    vad,
    onNote: ctx.progress,
    onProgress: throttledProgress(ctx),
  });
  const imports = batches.map((b) => {
    for (const i of b.issues) ctx.progress(`warning: ${i.file}: ${i.message}`);
    return saveImport(db, b);
  });
  return { imports, segmentation: recordings };
}

export function segmentationLine(r: Awaited<ReturnType<typeof doVadImport>>['segmentation'][number]): string {
  return `${r.file}: ${r.error ? `not segmented (${r.error})` : `${r.segments} segments (${r.speech_s} s of speech in ${r.duration_s} s)`}`;
}

/** The --segment option and its VAD settings, shared by `import` and `analyze`. */
export function addVadOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--segment <method>',
        'cut each recording (a media file, or those in a folder) into speech segments, one utterance each',
      ).choices(['vad']),
    )
    .option('--min-silence <s>', 'with --segment vad: a pause this long ends a segment (default 0.5)')
    .option('--min-speech <s>', 'with --segment vad: shorter speech is dropped (default 0.25)')
    .option('--pad <s>', 'with --segment vad: seconds added before and after each segment (default 0.1)')
    .option('--threshold <p>', 'with --segment vad: speech probability that starts a segment (default 0.5)');
}

export function importLine(s: ImportSummary & { files?: string[] }): string {
  const n = s.files?.length ?? 0;
  const what = n === 1 ? ` ${path.relative(s.root, s.files![0]) || path.basename(s.files![0])}` : n > 1 ? ` (${n} files)` : '';
  return (
    `imported ${s.kind}${what} from ${s.root}: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.missingMedia} without media, ${s.issues} issues` +
    (s.annotatorLabels ? `; ${s.annotatorLabels} annotator label(s) stored` : '') +
    (s.sourceLabelChanged ? `; ${s.sourceLabelChanged} with a label changed in the source (the gold label kept)` : '')
  );
}

export const splitOption = new Option('--split <split>', 'split of the imported rows').choices(SPLITS);

function parseId(id: string): number {
  if (!/^\d+$/.test(id)) throw new UsageError(`not an utterance id: ${id}`);
  return Number(id);
}

/** `import`: files and folders into the --db database (a file that cannot be imported is reported, the others go in). */
export function registerImportCommand(program: Command, ctx: MainCliContext): void {
  const cmd = program
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
    );
  addVadOptions(cmd)
    .addOption(
      new Option('--device <device>', 'with --segment vad: execution provider for the VAD model')
        .choices(['auto', 'cpu', 'cuda', 'webgpu'])
        .default('auto'),
    )
    .action(async (paths: string[], o) => {
      if (o.segment === 'vad') {
        await ctx.withDb(async (db) => {
          const { imports, segmentation } = await doVadImport(ctx, db, paths, o);
          ctx.out(
            { database: ctx.globals().dbPath, imports, segmentation },
            [...segmentation.map(segmentationLine), ...imports.map(importLine)].join('\n'),
          );
        });
        return;
      }
      await ctx.withDb((db) => {
        const failed: { file: string; reason: string }[] = [];
        const res = doImport(ctx, db, paths, o, failed);
        ctx.out(
          { database: ctx.globals().dbPath, imports: res, failed },
          [...res.map(importLine), ...failed.map((f) => `not imported: ${f.file}: ${f.reason}`)].join('\n'),
        );
      });
    });
}

/** `list`, `show`, `relabel`: the utterances of an existing database. */
export function registerCorpusCommands(program: Command, ctx: MainCliContext): void {
  program
    .command('list')
    .description('utterances, one per line (with --json a JSON array, one object per utterance)')
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .option('--label <label>', 'only utterances with this gold label')
    .addOption(
      new Option('--status <status>', 'only utterances at this extraction status').choices([
        'pending',
        'done',
        'partial',
        'error',
        'missing_media',
      ]),
    )
    .option('--search <text>', 'only utterances whose text contains this')
    .option('--limit <n>', 'at most this many (the lowest ids)')
    .action(async (o) => {
      await ctx.withDb(
        (db) => {
          const limit = o.limit !== undefined ? wholeNumberOption(o.limit, '--limit') : undefined;
          const rows = listUtterances(db, { split: o.split, label: o.label, status: o.status as ItemStatus, search: o.search, limit });
          const f = (v: string | null | undefined, none = '-') => (v === null || v === undefined ? none : termText(v));
          ctx.out(
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
      await ctx.withDb(
        (db) => {
          const d = showUtterance(db, parseId(id));
          if (!d) throw new UsageError(`no utterance with id ${id}`);
          const a = d.audio;
          ctx.out(
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
      await ctx.withDb(
        (db) => {
          const who = o.annotator ?? o.who ?? defaultAnnotator(ctx.globals().dir);
          const r = relabel(db, parseId(id), label, who);
          const human =
            r.old === r.new
              ? r.annotator_old === label
                ? `#${id}: already ${label}; nothing changed`
                : `#${id}: gold label stays ${r.new ?? '-'}; ${who}'s label ${label} recorded (was ${r.annotator_old ?? 'none'})`
              : `#${id}: ${r.old ?? '-'} -> ${r.new ?? '-'}${r.new !== label ? ` (${who}'s label ${label}; gold by ${r.gold_source})` : ''}`;
          ctx.out({ id: Number(id), ...r }, human);
        },
        { mustExist: true },
      );
    });
}
