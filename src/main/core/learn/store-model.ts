// The last step of every training path: the model row (params, the training label snapshot, the
// packed data) and one prediction per utterance in one transaction, then the metrics per labelled split.
import type { Db } from '../store/db';
import { modelEncoders } from './dataset';
import { evaluateSplit } from './evaluate';
import { packModelData } from './model-data';
import { goldSummary } from '../store/labels';
import { insertModel, insertPredictions, nextModelVersion } from '../store/model-versions';
import type { Fitted, Prepared, TrainOptions, TrainResult } from './train-types';

/** Stores the model row (params, training label snapshot, data) and its predictions; metrics per labelled split. */
export function storeModel(db: Db, opts: TrainOptions, p: Prepared, f: Fitted): TrainResult {
  const { items, labels, trainRows, devRows, vocabulary } = p;
  const params = {
    fusion: opts.fusion,
    classifier: opts.classifier,
    modalities: opts.modalities,
    context: opts.context,
    seed: opts.seed,
    encoders: modelEncoders(db, opts.modalities, opts.context),
    C: f.C,
    gamma: f.gamma,
    balanced: f.balanced,
    vocabulary_size: vocabulary.length,
    grid: f.grid,
    selection: f.selection,
    fusion_info: f.fusionInfo,
    n_train: trainRows.length,
    n_dev_for_C: f.selection.method === 'dev' ? devRows.length : 0,
    labels,
    gold: goldSummary(db, 'train'),
    ...f.extra,
  };
  const snapshot: Record<string, string> = {};
  for (const i of trainRows) snapshot[String(items[i].id)] = items[i].label!;

  opts.onProgress?.({ stage: 'store', message: 'storing the model and its predictions' });
  const version = db
    .transaction(() => {
      const v = nextModelVersion(db);
      insertModel(db, v, JSON.stringify(params), JSON.stringify(snapshot), packModelData(f.data));
      insertPredictions(
        db,
        v,
        items.map((it, i) => {
          // the label is the SVM's own decision (one-vs-one votes / largest decision value, as the
          // C choice scored it), the probabilities its calibrated estimates (as sklearn's SVC)
          const pr = f.proba[i];
          const obj: Record<string, number> = {};
          labels.forEach((l, k) => (obj[l] = pr[k]));
          return { utteranceId: it.id, label: labels[f.pred[i]], probabilities: JSON.stringify(obj) };
        }),
      );
      return v;
      // IMMEDIATE: the write lock first (waiting its turn), so the MAX(version) read cannot go stale
      // while another connection writes (the process that started this worker writes job progress)
    })
    .immediate();

  const metrics: TrainResult['metrics'] = {};
  for (const split of ['train', 'dev', 'test']) {
    if (p.labelled(split).length > 0) metrics[split] = evaluateSplit(db, split, version, { intervals: split !== 'train' });
  }
  const tEnd = performance.now();
  const [tFusion, tChoose, tSvm, tPredict] = f.times;
  const s = (a: number, b: number) => (b - a) / 1000;
  return {
    version,
    nTrain: trainRows.length,
    nDev: devRows.length,
    C: f.C,
    grid: f.grid,
    selection: f.selection,
    seconds: {
      data: s(p.t0, p.tData),
      fusion: s(p.tData, tFusion),
      choose: s(tFusion, tChoose),
      svm: s(tChoose, tSvm),
      predict: s(tSvm, tPredict),
      total: s(p.t0, tEnd),
    },
    fusionInfo: f.fusionInfo,
    metrics,
    gold: params.gold,
  };
}
