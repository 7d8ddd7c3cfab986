// The one typed API between the core (Electron main, or `serve` in browser mode) and the renderer.
// Inputs are zod schemas, validated on the main side before any handler runs; outputs are types.
// Every call answers an ApiResult (never throws across the boundary); long jobs report JobEvents.
// Transport: Electron IPC through the preload's `window.emotionStudio`, or HTTP POST /api/<method>
// plus a WebSocket /events in browser mode. Both carry exactly these names and shapes.
import { z } from 'zod';
import { SPLITS, type UtteranceDetail, type UtteranceListing, type LabelChange, type ProgressEvent, type EvaluateResult } from './types';
import { ANNOTATION_API } from './api-annotation';
import type { RecordingInfo, Timeline } from './timeline';

export const SplitSchema = z.enum(SPLITS);

export const ListInput = z.object({
  split: SplitSchema.optional(),
  label: z.string().max(100).optional(),
  prediction: z.string().max(100).optional(),
  /** agreement of the latest model's prediction with the gold label */
  agreement: z.enum(['agree', 'disagree']).optional(),
  status: z.enum(['pending', 'done', 'partial', 'error', 'missing_media']).optional(),
  hasErrors: z.boolean().optional(),
  /** issue 13: one speaker; items an annotator labelled; items without a gold label; items whose annotators disagree */
  speaker: z.string().max(200).optional(),
  annotator: z.string().max(100).optional(),
  unlabelled: z.boolean().optional(),
  annotatorsDisagree: z.boolean().optional(),
  // SQLite's LIKE stops at a NUL: a pattern cut there would match far more than was asked for
  q: z
    .string()
    .max(500)
    .refine((v) => !v.includes('\u0000'), 'the search text contains a NUL character')
    .optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(20000).default(20000),
});

export const IdInput = z.object({ id: z.number().int().positive() });
export const RelabelInput = z.object({
  id: z.number().int().positive(),
  label: z.string().min(1).max(100).nullable(),
  /** 'annotate' from the keyboard flow, 'undo' when U restores the previous label */
  source: z.enum(['annotate', 'undo', 'relabel']).default('annotate'),
  /** whose label this is (default: the annotator name in the settings, else the OS user) */
  annotator: z.string().trim().min(1).max(100).optional(),
});
export const NextUncertainInput = z.object({
  split: SplitSchema.optional(),
  /** skip these (already seen in this session) */
  exclude: z.array(z.number().int()).max(20000).default([]),
});
export const EvaluateInput = z.object({
  split: SplitSchema,
  version: z.number().int().positive().optional(),
  /** the majority-class and plain linear baselines on the same items (a linear SVM fit: seconds on MELD; cached) */
  baselines: z.boolean().default(true),
  /** a paired bootstrap comparison with this model version */
  compare: z.number().int().positive().optional(),
});
/** A retrain: each setting left out is the latest model's (the one being replaced); with no model yet fusion none, linear, no context, every modality with features. */
export const TrainInput = z.object({
  /** seed: the published BiLSTM + attention network; concat: the baseline; none: SVM on the standardised features (fastest) */
  fusion: z.enum(['seed', 'concat', 'dialogue', 'none']).optional(),
  classifier: z.enum(['linear', 'rbf']).optional(),
  modalities: z
    .array(z.enum(['text', 'audio', 'video']))
    .min(1)
    .optional(),
  context: z.boolean().optional(),
  /** the sentiment-lexicon columns (linear SVM, fusion none or dialogue); left out: the replaced model's */
  lexicon: z.boolean().optional(),
});
export const ExtractInput = z.object({
  modalities: z
    .array(z.enum(['text', 'audio', 'video']))
    .min(1)
    .optional(),
  /** execution provider of the pretrained encoders (installed in the data folder); default auto */
  device: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).optional(),
});
export const JobIdInput = z.object({ jobId: z.number().int().positive() });
export const ReportInput = z.object({
  format: z.enum(['html', 'pdf', 'csv', 'json', 'eaf', 'textgrid', 'meld']),
  split: SplitSchema.optional(),
  version: z.number().int().positive().optional(),
});
export const SettingsInput = z.object({
  theme: z.enum(['light', 'dark', 'system']).optional(),
});
export const Empty = z.object({}).default({});

/** Long recordings: the timeline of one recording (by its media path, or by any of its utterances). */
export const TimelineInput = z
  .object({ path: z.string().min(1).max(4096).optional(), id: z.number().int().positive().optional() })
  .refine((v) => v.path !== undefined || v.id !== undefined, 'give path or id');
export const SegmentEditInput = z.object({
  id: z.number().int().positive(),
  start_s: z.number().min(0).max(1e6),
  end_s: z.number().min(0).max(1e6),
  source: z.enum(['nudge', 'edit']).default('edit'),
});
export const SegmentSplitInput = z.object({ id: z.number().int().positive(), at_s: z.number().min(0).max(1e6) });
export const SegmentIdInput = z.object({ id: z.number().int().positive() });
export const SegmentAddInput = z.object({
  near: z.number().int().positive(),
  start_s: z.number().min(0).max(1e6),
  end_s: z.number().min(0).max(1e6),
  speaker: z.string().max(200).nullable().default(null),
});

/** A path on the machine running the core: in browser mode inside a `serve --root` folder, in the
 * desktop app one the user picked in the native dialog (see src/main/core/api/files.ts). */
const PathString = z.string().min(1).max(4096);
export const FilesListInput = z.object({ path: PathString.optional() });
export const FilesPickInput = z.object({ kind: z.enum(['folder', 'files']) });
export const ImportPreviewInput = z.object({ path: PathString });
export const ImportInput = z.object({
  paths: z.array(PathString).min(1).max(100),
  /** column mapping for generic CSVs: 'text=COL,label=COL[,file=COL,...]' (as `import --columns`) */
  columns: z.string().max(2000).optional(),
  labels: z.array(z.string().min(1).max(100)).max(200).optional(),
  split: SplitSchema.optional(),
  /** a recording without a transcript: cut it into utterances automatically (voice activity) */
  segment: z.enum(['vad']).optional(),
  /** start feature extraction when the import added or changed anything (default true) */
  extract: z.boolean().default(true),
  /** the files' labels are this annotator's (one annotator's copy of a corpus), not gold labels (as `import --annotator`) */
  annotator: z.string().trim().min(1).max(100).optional(),
});
export const AblateInput = z.object({
  classifier: z.enum(['linear', 'rbf']).default('linear'),
  /** the sentiment-lexicon columns in every model (linear only); default: as the latest model */
  lexicon: z.boolean().optional(),
});
export const ReportSaveInput = z.object({ format: ReportInput.shape.format });

/** One row of the corpus table: the listing plus the latest model's prediction. */
export interface UtteranceRow extends UtteranceListing {
  key: string;
  prediction: string | null;
  /** max class probability of the latest model, null when none */
  confidence: number | null;
  /** the predicted class's own probability (the SVM decides; its calibrated probabilities can rank
   * another class first), null when none */
  prediction_p: number | null;
  /** the most probable class where that is not the predicted one, else null */
  top_label: string | null;
}

export interface CorpusSummary {
  db: string;
  corpora: { id: number; root: string; kind: string; labels: string[] }[];
  /** the union of the corpora's label sets, in order: keys 1..n label in this order */
  labels: string[];
  counts: { split: string; status: string; n: number }[];
  total: number;
  latestModel: number | null;
}

export interface ModelVersionInfo {
  version: number;
  created_at: string;
  fusion: string;
  classifier: string;
  modalities: string[];
  context: boolean;
  /** trained with the sentiment-lexicon columns (train --lexicon) */
  lexicon: boolean;
  encoders: Record<string, string[]>;
  /** the SVM's C (chosen on dev, or fixed), its class weighting, and how many training labels it was fit on */
  C: number | null;
  balanced: boolean | null;
  n_train: number | null;
  /** weighted F1 per evaluated split, each naming its split */
  weighted_f1: Record<string, number>;
}

export type JobKind = 'extract' | 'train' | 'report' | 'import' | 'ablate';
export interface JobInfo {
  id: number;
  kind: JobKind;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  started_at: string;
  finished_at: string | null;
  progress: ProgressEvent | null;
  /** result (train: the new model version; report: the download URL) or error message */
  result: unknown;
  error: string | null;
}

/** Pushed to the renderer while jobs run (IPC channel 'job', or WebSocket message). */
export type JobEvent = { type: 'progress'; job: JobInfo } | { type: 'finished'; job: JobInfo };

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  ffmpeg: { path: string; source: string } | null;
  reportFormats: string[];
  theme: 'light' | 'dark' | 'system';
}

/** A folder of the file browser (browser mode), or the roots when no path was given (path null). */
export interface FileListing {
  path: string | null;
  /** the folder above, when it is still inside a root; null at a root */
  parent: string | null;
  entries: { name: string; path: string; dir: boolean; size: number | null; kind: 'folder' | 'csv' | 'transcript' | 'media' | 'other' }[];
}

/** What a path holds, before importing it: enough for the column-mapping dialog. */
export interface ImportPreview {
  path: string;
  kind: 'folder' | 'meld-csv' | 'csv' | 'transcript' | 'media' | 'other';
  /** csv: the header and the first rows; folder: its CSVs */
  header: string[];
  rows: string[][];
  totalRows: number;
  /** csv: the distinct values of each column (at most 50, `more` when there are others) */
  values: { column: string; distinct: string[]; more: boolean }[];
  /** csv: a guessed mapping (text, label, file, speaker, dialogue, start, end, split -> column) */
  suggested: Record<string, string>;
  /** folder: the CSV files found (MELD or not; error: it cannot be read); a non-MELD one needs a mapping */
  csvs: { path: string; meld: boolean; error?: string }[];
  /** a folder's first non-MELD CSV, previewed as above, when there is one */
  needsMapping: string | null;
  /** the annotator the last import from the app named (the form's default); null: its labels were gold */
  annotator: string | null;
}

/**
 * The contract: method name -> input schema and output type. Method names are the HTTP paths
 * (/api/corpus.summary) and the IPC channels ('api:corpus.summary').
 */
export const API = {
  'app.info': { input: Empty, output: null as unknown as AppInfo },
  'settings.set': { input: SettingsInput, output: null as unknown as AppInfo },
  'corpus.summary': { input: Empty, output: null as unknown as CorpusSummary },
  'utterances.list': { input: ListInput, output: null as unknown as { total: number; rows: UtteranceRow[] } },
  'utterances.show': {
    input: IdInput,
    output: null as unknown as UtteranceDetail & { mediaUrl: string | null; thumbnails: { frame: number; url: string }[] },
  },
  'utterances.relabel': {
    input: RelabelInput,
    /** change_id: the history row an undo names (annotation.undo); null when nothing changed */
    output: null as unknown as {
      old: string | null;
      new: string | null;
      annotator_old: string | null;
      change_id?: number | null;
      history: LabelChange[];
    },
  },
  'annotate.nextUncertain': { input: NextUncertainInput, output: null as unknown as { id: number | null; confidence: number | null } },
  'models.list': { input: Empty, output: null as unknown as ModelVersionInfo[] },
  'evaluate.split': { input: EvaluateInput, output: null as unknown as EvaluateResult },
  'jobs.extract': { input: ExtractInput, output: null as unknown as JobInfo },
  'jobs.train': { input: TrainInput, output: null as unknown as JobInfo },
  'jobs.cancel': { input: JobIdInput, output: null as unknown as JobInfo },
  'jobs.list': { input: Empty, output: null as unknown as JobInfo[] },
  'reports.export': { input: ReportInput, output: null as unknown as { path: string; url: string | null; bytes: number } },
  'files.list': { input: FilesListInput, output: null as unknown as FileListing },
  'files.pick': { input: FilesPickInput, output: null as unknown as { paths: string[] } },
  'import.preview': { input: ImportPreviewInput, output: null as unknown as ImportPreview },
  'jobs.import': { input: ImportInput, output: null as unknown as JobInfo },
  'jobs.ablate': { input: AblateInput, output: null as unknown as JobInfo },
  'reports.save': { input: ReportSaveInput, output: null as unknown as { path: string | null; bytes: number } },
  'timeline.recordings': { input: Empty, output: null as unknown as RecordingInfo[] },
  'timeline.get': { input: TimelineInput, output: null as unknown as Timeline & { mediaUrl: string | null } },
  'segments.edit': { input: SegmentEditInput, output: null as unknown as { id: number; start_s: number; end_s: number } },
  'segments.split': { input: SegmentSplitInput, output: null as unknown as { id: number; newId: number } },
  'segments.add': { input: SegmentAddInput, output: null as unknown as { id: number } },
  'segments.merge': { input: SegmentIdInput, output: null as unknown as { id: number; removed: number } },
  'segments.delete': { input: SegmentIdInput, output: null as unknown as { id: number } },
  ...ANNOTATION_API,
} as const;

export type ApiMethod = keyof typeof API;
export type ApiInput<M extends ApiMethod> = z.input<(typeof API)[M]['input']>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API)[M]['input']>;
export type ApiOutput<M extends ApiMethod> = (typeof API)[M]['output'];

export type ApiErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unavailable' | 'internal';
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: { code: ApiErrorCode; message: string } };

/** What the renderer calls: the same in Electron (preload) and browser mode (HTTP client). */
export type EmotionStudioApi = {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiOutput<M>>>;
  onJob(listener: (e: JobEvent) => void): () => void;
  /** desktop only: commands from the application menu (File > Import ...) */
  onMenu?(listener: (m: MenuCommand) => void): () => void;
};

export type MenuCommand = { action: 'import'; kind: 'folder' | 'files' };

/** The core side: one handler per method, given validated input. Throw ApiError for typed failures. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> | ApiOutput<M> };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
