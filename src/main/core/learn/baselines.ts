// What every model is read against, on the same split: the majority class of the training labels,
// and a plain linear SVM on the stored text features with default settings (C = 1, no class
// weighting, nothing chosen on dev): "how much does this beat trivial?"
import type { Db } from '../store/db';
import { trainSparseLinear, predictSparse } from '../classify';
import { loadItems, chooseVocabulary, type Item } from './dataset';
import { buildSparseRows } from './sparse-rows';
import { anyTextExtractor } from '../store/training-data';

export interface BaselinePredictions {
  /** predicted class index per item id */
  majority: { label: string; pred: Map<number, number> };
  /** null when the training split has no text features */
  linear: { text_encoder: string; n_train: number; pred: Map<number, number> } | null;
}

/** Fits both baselines on the labelled training items whose label is one of `labels`, predicts `ids`. */
export function baselinePredictions(db: Db, labels: string[], ids: number[]): BaselinePredictions {
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const items = loadItems(db, ['text']);
  const train = items
    .map((it, r) => [it, r] as [Item, number])
    .filter(([it]) => it.split === 'train' && it.label !== null && classOf.has(it.label));
  const counts = new Array<number>(labels.length).fill(0);
  for (const [it] of train) counts[classOf.get(it.label!)!]++;
  const maj = counts.indexOf(Math.max(...counts));
  const majority = { label: labels[maj], pred: new Map(ids.map((id) => [id, maj])) };

  const withText = train.filter(([it]) => it.text);
  const enc = anyTextExtractor(db);
  if (withText.length < 2 || new Set(withText.map(([it]) => it.label)).size < 2 || !enc) return { majority, linear: null };
  const layout = {
    vocabulary: chooseVocabulary(
      withText.map(([it]) => it.text),
      Number.MAX_SAFE_INTEGER,
    ),
    context: false,
    denseWidth: 0,
  };
  const X = buildSparseRows(
    items,
    withText.map(([, r]) => r),
    layout,
  );
  const y = withText.map(([it]) => classOf.get(it.label!)!);
  const model = trainSparseLinear(X, layout.vocabulary.length, y, { C: 1, probability: false, seed: 1 });
  const rowOf = new Map(items.map((it, r) => [it.id, r]));
  const targets = ids.filter((id) => rowOf.has(id));
  const pred = predictSparse(
    model,
    buildSparseRows(
      items,
      targets.map((id) => rowOf.get(id)!),
      layout,
    ),
  );
  return {
    majority,
    linear: { text_encoder: enc.extractor, n_train: withText.length, pred: new Map(targets.map((id, i) => [id, pred[i]])) },
  };
}
