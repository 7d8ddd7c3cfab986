// The training job's shared vocabulary: options, progress, what was chosen (Selection), the result,
// the prepared data handed from trainModel to the SVM paths, and the cancel checkpoints.
import type { ChosenParams } from '../classify';
import type { Blocks, Item, Modality } from './dataset';
import type { evaluateSplit } from './evaluate';
import type { ModelData } from './model-data';
import type { GoldSummary } from '../../../shared/types';
import { throwIfAborted } from '../abort';
import { MIN_HELD_OUT, type FusionProgress } from '../fusion/types';

export type FusionChoice = 'seed' | 'concat' | 'dialogue' | 'none';
export type ClassifierChoice = 'rbf' | 'linear';

export interface TrainProgress {
  stage: 'data' | 'fusion' | 'represent' | 'choose' | 'svm' | 'predict' | 'store';
  message: string;
  done?: number;
  total?: number;
}

export interface TrainOptions {
  fusion: FusionChoice;
  classifier: ClassifierChoice;
  modalities: Modality[];
  context: boolean;
  /**
   * sentiment-lexicon columns (VADER + AFINN-165 of the raw text, features/text/lexicon.ts) beside
   * the text block; the sparse linear SVM only (fusion 'none' or 'dialogue')
   */
  lexicon?: boolean;
  seed: number;
  /** fixed C: no choice on dev */
  C?: number;
  /** C grid searched on dev (default linear [0.1, 0.3, 1], rbf [1, 3, 10]; gamma 'scale') */
  Cs?: number[];
  /**
   * SVM class weights 'balanced' (true) or all 1 (false). Default: false, except for the sparse
   * linear SVM (fusion 'none' + linear) where both are tried and dev chooses (with the C).
   */
  balanced?: boolean;
  /**
   * how the sparse linear SVM (fusion 'none' + linear) chooses C and the class weighting: 'cv'
   * (default) by cross-validation on the training split, folds grouped by dialogue, dev only
   * confirms; 'dev' by weighted F1 on the dev split (overfits a small dev split)
   */
  select?: 'cv' | 'dev';
  /**
   * with 'cv' and no C given (the sparse linear SVM): take C and the class weighting from the latest
   * model whose grouped-CV search had the same configuration, when the training data changed little
   * since (reuse-search.ts), instead of searching again. The CLI train (unless --search) and the
   * app's retrain set it; default false: a search.
   */
  reuseSearch?: boolean;
  /** folds of the 'cv' choice (default 3) */
  cvFolds?: number;
  /** text vocabulary size (default 4096; the sparse linear SVM: the whole training vocabulary) */
  vocabSize?: number;
  /** fusion network: maximum epochs (default 30) and hidden size (default 128) */
  fusionEpochs?: number;
  fusionHidden?: number;
  /** execution providers for the fusion graph (default ['cpu']) */
  providers?: string[];
  who?: string;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/** What was chosen, how, and why (stored in the model params as `selection`, printed by `train`). */
export interface Selection {
  /** reused: the C and weighting a comparable earlier model's CV search chose (from_model) */
  method: 'cv' | 'dev' | 'fixed' | 'reused';
  /** reused: the model whose search chose them */
  from_model?: number;
  /** reused: that search's training rows, and how much the training items changed since */
  reuse?: { n_train_searched: number; changed_items: number; changed_fraction: number; label_tvd: number };
  /** --fusion dialogue: the late-fusion weight beta of the dialogue model (grouped CV on train) */
  dialogue?: { beta: number; scores: { beta: number; weighted_f1: number; folds: number[] }[]; why: string };
  /** cv: folds of the training split; unit dialogue */
  folds?: number;
  unit?: 'dialogue';
  chosen: { C: number; balanced: boolean };
  /** the chosen candidate's score by the method's measure (cv, reused: that search's mean held-out-fold weighted F1; dev: dev weighted F1) */
  score: number | null;
  why: string;
}

export interface TrainResult {
  version: number;
  nTrain: number;
  nDev: number;
  C: number;
  grid: ChosenParams['scores'] | null;
  selection: Selection;
  seconds: { data: number; fusion: number; choose: number; svm: number; predict: number; total: number };
  /** heldOut: labelled items held out of train for early stopping (seed and concat fusion; absent before) */
  fusionInfo: { bestEpoch: number; epochs: number; secondsPerEpoch: number; heldOut?: number } | null;
  /** metrics of the new model on each labelled split, each naming its split */
  metrics: Record<string, ReturnType<typeof evaluateSplit>>;
  /** the gold labels trained on: the gold rule and the source of each (issue 13) */
  gold: GoldSummary;
}

export class TrainError extends Error {}

/** Gives the event loop a turn (a cancel request or Ctrl-C is seen only then), then throws if cancelled. */
export async function checkpoint(signal?: AbortSignal): Promise<void> {
  await new Promise((r) => setImmediate(r));
  abortIf(signal);
}

export function abortIf(signal?: AbortSignal) {
  throwIfAborted(signal, 'training cancelled');
}

export interface Prepared {
  items: Item[];
  all: number[];
  labels: string[];
  trainRows: number[];
  devRows: number[];
  yTrain: number[];
  yDev: number[];
  vocabulary: number[];
  blocks: Blocks;
  t0: number;
  tData: number;
  labelled: (split: string) => number[];
  /** fusion 'dialogue': per item the cross-fitted dialogue-model probabilities, the fold networks' graph */
  dialogue?: { probs: Float32Array[]; onnx: Uint8Array; info: NonNullable<TrainResult['fusionInfo']>; folds: number; bestEpochs: number[] };
}

export interface Fitted {
  data: ModelData;
  pred: number[];
  proba: number[][];
  C: number;
  balanced: boolean;
  gamma: number | null;
  grid: ChosenParams['scores'] | null;
  selection: Selection;
  fusionInfo: TrainResult['fusionInfo'];
  extra: Record<string, unknown>;
  /** end of the fusion, C choice, SVM and prediction stages */
  times: [number, number, number, number];
}

/** Below this many held-out items the fusion holds nothing out; with one class among them the
 * held-out accuracy means nothing. */
export { MIN_HELD_OUT };

/** A fusion epoch's progress line. Nothing held out (too few training items, or a held-out part under
 * MIN_HELD_OUT items: trainFusion then trains on every item for every epoch) is said, on epoch 1 with
 * why, rather than printing the held-out loss and accuracy as NaN. Otherwise the held-out size is
 * given, and a part of one class (its accuracy means nothing) is said so on epoch 1 and its accuracy
 * left out, its loss still shown: early stopping follows it. */
export function fusionEpochMessage(p: FusionProgress): string {
  const n = p.valN;
  const items = (k: number) => `${k} item${k === 1 ? '' : 's'}`;
  const tiny = n !== undefined && (n < MIN_HELD_OUT || (p.valClasses ?? 0) < 2);
  let held: string;
  if (p.tooFew !== undefined)
    held =
      p.epoch === 1
        ? `nothing held out (a held-out part would be ${items(p.tooFew)}, under ${MIN_HELD_OUT}: too few to stop on, so every epoch runs on all training items)`
        : 'nothing held out';
  else if (!Number.isFinite(p.valLoss) || !Number.isFinite(p.valAcc)) held = 'nothing held out (too few training items)';
  else if (n === undefined) held = `held-out (train part) loss ${p.valLoss.toFixed(4)} acc ${p.valAcc.toFixed(3)}`;
  else if (!tiny) held = `held-out (train part, ${items(n)}) loss ${p.valLoss.toFixed(4)} acc ${p.valAcc.toFixed(3)}`;
  else {
    held = `held-out (train part, ${items(n)}) loss ${p.valLoss.toFixed(4)}`;
    if (p.epoch === 1)
      held +=
        ` (the held-out part is ${items(n)} of ${p.valClasses} class${p.valClasses === 1 ? '' : 'es'}: too few for its accuracy` +
        ` to mean anything, not shown; early stopping follows its loss)`;
  }
  const train = Number.isFinite(p.trainLoss) ? p.trainLoss.toFixed(4) : 'not finite (diverged)';
  return `epoch ${p.epoch}/${p.epochs}: train loss ${train}, ${held}`;
}
