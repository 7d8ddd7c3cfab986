// Ablation from the app (jobs.ablate): the `ablate` command as a stored job, one model per non-empty
// combination of the modalities with features (fusion 'none', singletons first; the lexicon columns
// when asked, or when the latest model has them), each scored on dev, so the report's ablation table fills. Cancel stops between models; the models made so far stay.
import { ApiError, type ApiParsedInput, type JobInfo } from '../../../shared/api';
import type { Db } from '../store/db';
import { availableModalities, nothingToTrainOn, evaluateSplit, type Modality } from '../learn';
import { trainInWorker } from '../learn/train-in-worker';
import type { JobRunner } from './job-runner';

export interface AblationRowResult {
  modalities: Modality[];
  model_version: number;
  /** trained with the sentiment-lexicon columns */
  lexicon: boolean;
  split: 'dev';
  n: number;
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
}

export function modalitySubsets(all: Modality[]): Modality[][] {
  return [...Array(2 ** all.length).keys()]
    .slice(1)
    .map((mask) => all.filter((_, k) => mask & (1 << k)))
    .sort((a, b) => a.length - b.length);
}

export function startAblateJob(db: Db, dbPath: string, jobs: JobRunner, input: ApiParsedInput<'jobs.ablate'>, who: string): JobInfo {
  const all = availableModalities(db);
  if (!all.length) throw new ApiError('unavailable', nothingToTrainOn(db));
  const subsets = modalitySubsets(all);
  return jobs.start('ablate', { ...input, modalities: all }, async (signal, progress) => {
    const rows: AblationRowResult[] = [];
    const t0 = Date.now();
    for (let i = 0; i < subsets.length; i++) {
      const modalities = subsets[i];
      if (signal.aborted)
        return { result: { rows }, cancelled: `cancelled after ${rows.length} of ${subsets.length} combinations (their models stay)` };
      const el = (Date.now() - t0) / 1000;
      const rate = el > 0 ? i / el : 0;
      progress({
        job: `ablation: ${modalities.join('+')}`,
        done: i,
        total: subsets.length,
        errors: 0,
        rate,
        eta_s: rate > 0 ? (subsets.length - i) / rate : null,
      });
      // in a worker thread, as the train job: the API keeps answering, cancel reaches the solvers
      const r = await trainInWorker(dbPath, {
        fusion: 'none',
        classifier: input.classifier,
        modalities,
        context: false,
        lexicon: !!input.lexicon,
        seed: 1,
        who,
        signal,
      });
      const dev = evaluateSplit(db, 'dev', r.version);
      rows.push({
        modalities,
        model_version: r.version,
        lexicon: !!input.lexicon,
        split: 'dev',
        n: dev.n,
        accuracy: dev.accuracy,
        weighted_f1: dev.weighted_f1,
        macro_f1: dev.macro_f1,
      });
    }
    progress({ job: 'ablation: done', done: subsets.length, total: subsets.length, errors: 0, rate: 0, eta_s: 0 });
    return { result: { rows } };
  });
}
