// The API contract (src/shared/api.ts) implemented over the headless core. Inputs arrive validated
// (see dispatch.ts); typed failures are thrown as ApiError, anything else becomes 'internal'.
import pkg from '../../../../package.json';
import type { Db } from '../store/db';
import { ApiError, type ApiHandlers, type AppInfo, type CorpusSummary, type JobInfo, type ModelVersionInfo } from '../../../shared/api';
import type { EvaluateResult } from '../../../shared/types';
import { showUtterance, labelHistory } from '../store/queries';
import { relabel, LabelError } from '../store/labels';
import { evaluateSplit, EvaluateError, availableModalities, nothingToTrainOn, type Modality } from '../learn';
import { trainInWorker } from '../learn/train-in-worker';
import { configOf, FIRST_TRAIN_DEFAULTS, latestModel, sparseLinear } from '../../../shared/model-config';
import { runExtraction } from '../jobs/extract';
import { locateFfmpeg } from '../media/locate-ffmpeg';
import { listRows, nextUncertain, statusCounts } from '../store/corpus-table';
import { corpusRows, labelsInData, modelRows } from '../store/corpus-summary';
import { latestModelVersion } from '../store/model-versions';
import { mediaFileOf, thumbnailFrames } from './media-lookup';
import { readUiSettings, writeUiSettings } from './ui-settings';
import { trainProgressMeter } from './train-progress';
import { availableReportFormats, exportReport } from './reports';
import { defaultAnnotator, type ApiContext } from './context';
import { PathPolicy } from './files';
import { importPreview, startImportJob } from './import-job';
import { startAblateJob } from './ablate-job';
import { saveReportWithDialog } from './report-files';
import { timelineHandlers } from './timeline-handlers';
import { annotationHandlers, annotatorName } from './annotation-handlers';

export function createApiHandlers(ctx: ApiContext): ApiHandlers {
  const { db } = ctx;
  const who = ctx.who ?? defaultAnnotator();
  const paths = new PathPolicy(ctx);

  const appInfo = (): AppInfo => {
    let ffmpeg: AppInfo['ffmpeg'] = null;
    try {
      const f = locateFfmpeg(ctx.ffmpeg);
      ffmpeg = { path: f.path, source: f.source };
    } catch {
      ffmpeg = null;
    }
    return {
      version: pkg.version,
      mode: ctx.mode,
      ffmpeg,
      reportFormats: availableReportFormats(ctx.pdfPrinter),
      theme: readUiSettings(ctx.dataDir).theme,
    };
  };

  const handlers: ApiHandlers = {
    ...annotationHandlers(ctx, who),
    ...timelineHandlers(ctx, who),
    'app.info': () => appInfo(),

    'settings.set': (input) => {
      if (input.theme) writeUiSettings(ctx.dataDir, { theme: input.theme });
      return appInfo();
    },

    'corpus.summary': () => corpusSummary(db, ctx.dbPath),

    'utterances.list': (input) => listRows(db, input),

    'utterances.show': ({ id }) => {
      const d = showUtterance(db, id);
      if (!d) throw new ApiError('not_found', `no utterance with id ${id}`);
      const media = d.media ? mediaFileOf(db, id) : null;
      return {
        ...d,
        mediaUrl: media?.ok ? ctx.urls.media(id) : null,
        thumbnails: thumbnailFrames(db, id).map((frame) => ({ frame, url: ctx.urls.thumbnail(id, frame) })),
      };
    },

    'utterances.relabel': ({ id, label, source, annotator }) => {
      try {
        const r = relabel(db, id, label, annotator ?? annotatorName(ctx, who), source);
        return { ...r, history: labelHistory(db, id) };
      } catch (e) {
        if (e instanceof LabelError) throw new ApiError(/^no utterance/.test(e.message) ? 'not_found' : 'invalid_input', e.message);
        throw e;
      }
    },

    'annotate.nextUncertain': (input) => nextUncertain(db, input),

    'models.list': () => modelList(db),

    'evaluate.split': ({ split, version, baselines, compare }) => {
      try {
        return evaluateSplit(db, split, version, { baselines, compare }) as EvaluateResult;
      } catch (e) {
        if (e instanceof EvaluateError) throw new ApiError('not_found', e.message);
        throw e;
      }
    },

    'jobs.extract': (input) => {
      let ffmpeg: string;
      try {
        ffmpeg = locateFfmpeg(ctx.ffmpeg).path;
      } catch (e) {
        throw new ApiError('unavailable', `extraction needs ffmpeg: ${(e as Error).message}`);
      }
      // the built-in encoders of all modalities run in one pass; `modalities` is kept with the job
      return ctx.jobs.start('extract', input, async (signal, progress) => {
        // the data folder's pretrained encoders run too (with none installed: the built-in ones only)
        const s = await runExtraction(db, {
          ffmpeg,
          workers: ctx.workers,
          dataDir: ctx.dataDir,
          device: input.device ?? 'auto',
          signal,
          onProgress: progress,
        });
        const kept = `${s.media.processed} clips processed (${s.media.failed} failed) before the stop; run extraction again to resume`;
        return s.cancelled ? { result: s, cancelled: `cancelled: ${kept}` } : { result: s };
      });
    },

    'jobs.train': (input) => {
      const available = availableModalities(db);
      if (!available.length) throw new ApiError('unavailable', nothingToTrainOn(db));
      // what is not given is the configuration of the model being replaced (the latest), so that
      // "v2 vs v1" compares the labels, not a silent change of configuration
      const replaced = latestModel(modelList(db));
      const base = configOf(replaced);
      const kept = base?.modalities.filter((m) => available.includes(m)) ?? [];
      const modalities: Modality[] = input.modalities ?? (kept.length ? kept : available);
      const fusion = input.fusion ?? base?.fusion ?? FIRST_TRAIN_DEFAULTS.fusion;
      const classifier = input.classifier ?? base?.classifier ?? FIRST_TRAIN_DEFAULTS.classifier;
      const context = input.context ?? base?.context ?? FIRST_TRAIN_DEFAULTS.context;
      // kept from the replaced model only where the new configuration can carry it; asked for
      // explicitly where it cannot, training says why (TrainError)
      const lexicon = input.lexicon ?? (!!base?.lexicon && sparseLinear(fusion, classifier));
      const missing = modalities.filter((m) => !available.includes(m));
      if (missing.length)
        throw new ApiError(
          'unavailable',
          `no stored ${missing.join(', ')} features on the training split (available: ${available.join(', ')})`,
        );
      const params = { fusion, classifier, modalities, context, lexicon, based_on: replaced?.version ?? null };
      return ctx.jobs.start('train', params, async (signal, progress) => {
        const meter = trainProgressMeter();
        // in a worker thread on its own connection: the API keeps answering; cancel reaches the solvers
        const r = await trainInWorker(ctx.dbPath, {
          fusion,
          classifier,
          modalities,
          context,
          lexicon,
          seed: 1,
          // a retrain after corrections: the latest comparable C search's choice (reuse-search.ts)
          reuseSearch: true,
          who,
          signal,
          onProgress: (p) => progress(meter(p)),
        });
        const metrics = Object.fromEntries(
          Object.entries(r.metrics).map(([split, m]) => [
            split,
            { split, n: m.n, accuracy: m.accuracy, weighted_f1: m.weighted_f1, macro_f1: m.macro_f1 },
          ]),
        );
        progress({ job: 'train store: done', done: 100, total: 100, errors: 0, rate: 0, eta_s: 0 });
        // selection: how C was chosen (method 'reused': from_model's search, issue 15)
        const selection = {
          method: r.selection.method,
          from_model: r.selection.from_model ?? null,
          chosen: r.selection.chosen,
          folds: r.selection.folds ?? null,
        };
        return { result: { version: r.version, n_train: r.nTrain, C: r.C, seconds: r.seconds.total, metrics, gold: r.gold, selection } };
      });
    },

    'jobs.cancel': ({ jobId }) => ctx.jobs.cancel(jobId),

    'jobs.list': () => ctx.jobs.list(),

    'reports.export': async (input) => {
      const r = await exportReport(db, ctx.dataDir, input, ctx.pdfPrinter);
      // a folder export (eaf, textgrid, meld) is offered as a zip by the server
      return { path: r.path, url: ctx.urls.report?.(r.path) ?? null, bytes: r.bytes };
    },

    'files.list': ({ path }) => paths.list(path),
    'files.pick': async ({ kind }) => ({ paths: await paths.pick(kind) }),
    'import.preview': (input) => importPreview(paths, input, ctx.dataDir),
    'jobs.import': (input) =>
      startImportJob(db, ctx.jobs, paths, input, () => handlers['jobs.extract']({}) as JobInfo, ctx.ffmpeg, ctx.dataDir),
    'jobs.ablate': (input) => {
      // the lexicon as the latest model has it, unless asked: the ablation then reads beside that model
      // (its models are fusion none, so the classifier decides whether they can carry it)
      const fits = sparseLinear('none', input.classifier);
      const lexicon = input.lexicon ?? (!!latestModel(modelList(db))?.lexicon && fits);
      if (lexicon && !fits) throw new ApiError('invalid_input', 'the lexicon columns go with the linear SVM only (classifier linear)');
      return startAblateJob(db, ctx.dbPath, ctx.jobs, { ...input, lexicon }, who);
    },
    'reports.save': (input) => saveReportWithDialog(db, ctx.desktop, input, ctx.pdfPrinter),
  };
  return handlers;
}

function corpusSummary(db: Db, dbPath: string): CorpusSummary {
  const corpora = corpusRows(db).map((c) => ({ id: c.id, root: c.root, kind: c.kind, labels: JSON.parse(c.label_set) as string[] }));
  const labels: string[] = [];
  for (const c of corpora) for (const l of c.labels) if (!labels.includes(l)) labels.push(l);
  // labels found in the data but outside any declared set (generic CSVs without --labels) come last
  for (const l of labelsInData(db)) if (!labels.includes(l)) labels.push(l);
  const counts = statusCounts(db);
  return {
    db: dbPath,
    corpora,
    labels,
    counts,
    total: counts.reduce((a, c) => a + c.n, 0),
    latestModel: latestModelVersion(db),
  };
}

function modelList(db: Db): ModelVersionInfo[] {
  const rows = modelRows(db);
  return rows.map((r) => {
    const p = JSON.parse(r.params) as {
      fusion: string;
      classifier: string;
      modalities: string[];
      context: boolean;
      lexicon?: unknown;
      encoders?: Record<string, string[]>;
      C?: number;
      balanced?: boolean;
      n_train?: number;
    };
    const m = r.metrics ? (JSON.parse(r.metrics) as Record<string, { weighted_f1?: number }>) : {};
    const weighted_f1: Record<string, number> = {};
    for (const [split, v] of Object.entries(m)) if (typeof v?.weighted_f1 === 'number') weighted_f1[split] = v.weighted_f1;
    return {
      version: r.version,
      created_at: r.created_at,
      fusion: p.fusion,
      classifier: p.classifier,
      modalities: p.modalities,
      context: !!p.context,
      lexicon: !!p.lexicon,
      encoders: p.encoders ?? {},
      C: p.C ?? null,
      balanced: p.balanced ?? null,
      n_train: p.n_train ?? null,
      weighted_f1,
    };
  });
}
