// Import from the app: a preview for the column-mapping dialog (import.preview) and the import itself
// as a stored job (jobs.import) with the same planner and writer as `emotion-studio import`, then the
// extraction of what it added as a job of its own. Paths pass the PathPolicy first (files.ts). An import
// may name an annotator (one annotator's copy of a corpus); the app remembers it for the next import.
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, type ApiParsedInput, type ImportPreview, type JobInfo } from '../../../shared/api';
import type { Db } from '../store/db';
import { planImportEach, type PlanOptions } from '../corpus/import-plan';
import { readCsvFile } from '../corpus/csv';
import { looksLikeMeld } from '../corpus/meld';
import { parseColumnMapping } from '../corpus/generic';
import { ImportError, type ImportBatch } from '../corpus/types';
import { asAnnotator } from '../corpus/annotator';
import type { ImportSummary } from '../store/corpus-repo';
import { saveImportWithGoldNote } from '../store/import-gold';
import type { JobRunner } from './job-runner';
import type { PathPolicy } from './files';
import { kindOf } from './files';
import { readUiSettings, writeUiSettings } from './ui-settings';
import { planVadImport } from '../jobs/segment';
import { locateFfmpeg } from '../media/locate-ffmpeg';
import type { ProgressEvent } from '../../../shared/types';

const PREVIEW_ROWS = 8;
const MAX_DISTINCT = 50;

/** Guesses of the mapping keys from common column names (case and punctuation ignored). */
const GUESS: [string, RegExp][] = [
  ['text', /^(text|utterance|transcript|transcription|sentence)$/],
  ['label', /^(label|emotion|gold|class|category)$/],
  ['file', /^(file|media|path|clip|audio|video|filename)$/],
  ['speaker', /^(speaker|spk|who)$/],
  ['dialogue', /^(dialogue|dialog|conversation|conv|session|dialogueid)$/],
  ['start', /^(start|starts|begin|starttime|from)$/],
  ['end', /^(end|ends|stop|endtime|to)$/],
  ['split', /^(split|set|partition)$/],
];

export function suggestMapping(header: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const col of header) {
    const norm = col.toLowerCase().replace(/[^a-z]/g, '');
    for (const [key, re] of GUESS) if (!out[key] && re.test(norm)) out[key] = col;
  }
  return out;
}

function csvPreview(file: string): Pick<ImportPreview, 'header' | 'rows' | 'totalRows' | 'values' | 'suggested'> & { meld: boolean } {
  let t: ReturnType<typeof readCsvFile>;
  try {
    t = readCsvFile(file);
  } catch (e) {
    throw new ApiError('invalid_input', e instanceof ImportError ? `${e.file}: ${e.reason}` : `${file}: ${(e as Error).message}`);
  }
  const values = t.header.map((column, i) => {
    const seen = new Set<string>();
    let more = false;
    for (const r of t.rows) {
      const v = (r.fields[i] ?? '').trim();
      if (!v || seen.has(v)) continue;
      if (seen.size >= MAX_DISTINCT) {
        more = true;
        break;
      }
      seen.add(v);
    }
    return { column, distinct: [...seen].sort((a, b) => a.localeCompare(b, 'en')), more };
  });
  return {
    header: t.header,
    rows: t.rows.slice(0, PREVIEW_ROWS).map((r) => r.fields),
    totalRows: t.rows.length,
    values,
    suggested: suggestMapping(t.header),
    meld: looksLikeMeld(t.header),
  };
}

/** CSVs at the top of dir and one level down (as the planner looks for them), hidden entries skipped. */
function folderCsvs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === '__MACOSX') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory() && depth === 0) walk(p, 1);
      else if (e.isFile() && /\.(csv|tsv)$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/** `dataDir`: where the app's settings are (the annotator of the last import is the form's default). */
export function importPreview(policy: PathPolicy, input: ApiParsedInput<'import.preview'>, dataDir: string): ImportPreview {
  const real = policy.check(input.path);
  const annotator = readUiSettings(dataDir).importAnnotator ?? null;
  const empty = { header: [], rows: [], totalRows: 0, values: [], suggested: {}, csvs: [], needsMapping: null, annotator };
  const st = fs.statSync(real);
  if (st.isDirectory()) {
    const csvs = folderCsvs(real).map((f) => {
      try {
        return { path: f, meld: looksLikeMeld(readCsvFile(f).header) };
      } catch (e) {
        return { path: f, meld: false, error: e instanceof ImportError ? e.reason : (e as Error).message };
      }
    });
    // the first readable non-MELD CSV is the one the mapping dialog shows (the mapping applies to all)
    const generic = csvs.find((c) => !c.meld && !c.error);
    if (!generic) return { ...empty, path: real, kind: 'folder', csvs };
    const { meld: _m, ...p } = csvPreview(generic.path);
    return { ...empty, ...p, path: real, kind: 'folder', csvs, needsMapping: generic.path };
  }
  const kind = kindOf(path.basename(real));
  if (kind === 'csv') {
    const { meld, ...p } = csvPreview(real);
    return { ...empty, ...p, path: real, kind: meld ? 'meld-csv' : 'csv', needsMapping: meld ? null : real };
  }
  return { ...empty, path: real, kind: kind === 'transcript' || kind === 'media' ? kind : 'other' };
}

export interface ImportJobResult {
  summaries: ImportSummary[];
  /** one line per file or row that was left out, naming it and why */
  warnings: string[];
  failedFiles: number;
  /** the extraction job started after the import, or why none was */
  extractJob: number | null;
  extractNote: string | null;
}

/**
 * Starts jobs.import. `startExtract` is the jobs.extract handler: called when the import added or
 * changed something and input.extract is set, so the clips' features follow in a job of their own.
 */
export function startImportJob(
  db: Db,
  jobs: JobRunner,
  policy: PathPolicy,
  input: ApiParsedInput<'jobs.import'>,
  startExtract: () => JobInfo,
  /** the ffmpeg the app was told to use (automatic segmentation decodes the recordings) */
  ffmpeg: string | undefined,
  /** the app's settings folder: input.annotator (or its absence) is remembered there for the next import */
  dataDir: string,
): JobInfo {
  const paths = input.paths.map((p) => policy.check(p));
  if (input.columns) {
    try {
      parseColumnMapping(input.columns);
    } catch (e) {
      throw new ApiError('invalid_input', `the column mapping: ${e instanceof ImportError ? e.reason : (e as Error).message}`);
    }
  }
  // segment: 'vad': recordings without a transcript are cut by Silero VAD instead (planVad below)
  const opts: PlanOptions & { segment?: 'vad' } = {
    columns: input.columns,
    labels: input.labels,
    split: input.split,
    ...(input.segment ? { segment: input.segment } : {}),
  };
  const job = jobs.start('import', { ...input, paths }, async (signal, progress) => {
    const summaries: ImportSummary[] = [];
    const warnings: string[] = [];
    let goldRuleSet = false; // a new database's gold rule set to majority by an earlier file (store/import-gold.ts)
    let failedFiles = 0;
    let withLabels = false;
    const t0 = Date.now();
    for (let i = 0; i < paths.length; i++) {
      if (signal.aborted)
        return {
          result: { summaries, warnings, failedFiles, extractJob: null, extractNote: null },
          cancelled: `cancelled after ${i} of ${paths.length} paths (what was stored stays)`,
        };
      const el = (Date.now() - t0) / 1000;
      progress({
        job: `import ${path.basename(paths[i])}`,
        done: i,
        total: paths.length,
        errors: failedFiles,
        rate: el > 0 ? i / el : 0,
        eta_s: null,
      });
      // one path at a time, so one bad file is reported and the others are still imported
      const plan =
        input.segment === 'vad'
          ? await planVad(paths[i], { split: input.split, labels: input.labels }, ffmpeg, signal, progress)
          : planImportEach([paths[i]], opts);
      for (const f of plan.failed) {
        failedFiles++;
        warnings.push(`${f.file}: ${f.message}`);
      }
      for (const b of plan.batches) {
        confine(b, policy, warnings);
        if (b.records.some((r) => r.label !== null || r.annotations?.length)) withLabels = true;
        if (input.annotator) asAnnotator(b, input.annotator);
        for (const is of b.issues) warnings.push(`${is.file}${is.row !== null ? ` row ${is.row}` : ''}: ${is.message}`);
        // several annotators and no gold tier: a note on which gold rule made the gold labels
        const g = saveImportWithGoldNote(db, b, { who: input.annotator ?? 'import', setByEarlier: goldRuleSet });
        goldRuleSet ||= g.ruleSet;
        summaries.push(g.summary);
        for (const n of g.gold) warnings.push(n.note);
        // let the event loop breathe between batches (job events, other API calls)
        await new Promise((r) => setImmediate(r));
      }
    }
    // segment: 'vad' cuts recordings (kind 'vad-segments'); say so if whole clips came in all the same
    if (input.segment && summaries.some((s) => s.kind === 'folder') && !summaries.some((s) => s.kind === 'vad-segments')) {
      warnings.unshift(
        'automatic segmentation (voice activity) is not available in this build: the recordings were imported as whole clips',
      );
    }
    progress({ job: 'import: done', done: paths.length, total: paths.length, errors: failedFiles, rate: 0, eta_s: 0 });
    // files that carried labels: the next import from the app offers the same annotator (none: gold
    // labels); a recording alone or a transcript without labels leaves the remembered name as it was
    if (withLabels) rememberAnnotator(dataDir, input.annotator);
    let extractJob: number | null = null;
    let extractNote: string | null = null;
    const changed = summaries.some((s) => s.added + s.updated > 0);
    if (input.extract && changed) {
      try {
        extractJob = startExtract().id;
      } catch (e) {
        extractNote = `extraction not started: ${(e as Error).message}`;
      }
    } else if (input.extract) extractNote = 'nothing new to extract';
    if (!summaries.length && failedFiles) throw new Error(warnings.slice(0, 5).join('; '));
    return { result: { summaries, warnings: warnings.slice(0, 500), failedFiles, extractJob, extractNote } satisfies ImportJobResult };
  });
  return job;
}

function rememberAnnotator(dataDir: string, annotator: string | undefined): void {
  try {
    writeUiSettings(dataDir, { importAnnotator: annotator });
  } catch {
    // a settings folder that cannot be written costs the default, not the import
  }
}

/** `segment: 'vad'`: the recordings of one path cut into speech segments (jobs/segment.ts), reported as planImportEach does. */
async function planVad(
  p: string,
  given: { split: ApiParsedInput<'jobs.import'>['split']; labels: ApiParsedInput<'jobs.import'>['labels'] },
  ffmpeg: string | undefined,
  signal: AbortSignal,
  progress: (e: ProgressEvent) => void,
): Promise<{ batches: ImportBatch[]; failed: { file: string; message: string }[] }> {
  try {
    const { batches } = await planVadImport([p], {
      ffmpeg: locateFfmpeg(ffmpeg).path,
      device: 'auto',
      ...given,
      signal,
      onProgress: progress,
    });
    return { batches, failed: [] };
  } catch (e) {
    if (signal.aborted) throw e;
    return {
      batches: [],
      failed: [{ file: e instanceof ImportError ? e.file : p, message: e instanceof ImportError ? e.reason : (e as Error).message }],
    };
  }
}

/**
 * Browser mode: nothing from outside the roots is stored, even when a link inside an imported folder
 * (or a CSV's file column) leads there: such records are left out, such clips are not attached.
 */
function confine(b: ImportBatch, policy: PathPolicy, warnings: string[]): void {
  const sources = new Map<string, boolean>();
  const ok = (p: string) => {
    let v = sources.get(p);
    if (v === undefined) sources.set(p, (v = policy.confines(p)));
    return v;
  };
  const kept = b.records.filter((r) => ok(r.source));
  const dropped = new Set(b.records.filter((r) => !ok(r.source)).map((r) => r.source));
  for (const f of dropped) warnings.push(`${f}: not imported: it lies outside the folders this server may read (a link?)`);
  for (const r of kept) {
    if (r.mediaPath && !ok(r.mediaPath)) {
      warnings.push(
        `${r.source}${r.row !== null ? ` row ${r.row}` : ''}: its media file is outside the folders this server may read; imported without it`,
      );
      r.mediaPath = null;
      b.missingMedia++;
    }
  }
  b.records = kept;
}
