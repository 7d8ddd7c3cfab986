// Training from the database, honestly: everything that is fitted (text vocabulary, standardisation,
// fusion network, SVM) sees only labelled items of the TRAINING split. The linear SVM without fusion
// chooses C and the class weighting by cross-validation on the training split grouped by dialogue
// (dev only confirms); the other paths choose C on dev; nothing is ever chosen on test. The fusion
// network's early-stopping rows are carved out of the training rows by trainFusion itself.
import zlib from 'node:zlib';
import type { Db } from '../store/db';
import {
  balancedClassWeights,
  chooseParams,
  chooseSparseLinear,
  chooseSparseLinearCv,
  fitStandardizer,
  linearSvmFromData,
  loadSvm,
  predictProbaSparse,
  predictSparse,
  standardize,
  trainSparseLinear,
  trainSvm,
  type ChosenParams,
  type StandardizerParams,
  type SvmModel,
} from '../classify';
import { stopOnSignal } from '../classify/stop';
import { buildSparseRows, sparseWidth, CONTEXT_DECAY, CONTEXT_TURNS, CONTEXT_WEIGHT } from './sparse-rows';
import { FusionRunner, trainFusion, type FusionInputs } from '../fusion';
import {
  buildBlocks,
  chooseVocabulary,
  concat,
  encodersUsed,
  FRAMES,
  labelSet,
  loadItems,
  DEFAULT_VOCAB,
  type Blocks,
  type Item,
  type Modality,
} from './dataset';
import { evaluateSplit } from './evaluate';
import { dialogueFeatures, utteranceScores, DIALOGUE_FOLDS, DIALOGUE_WEIGHT } from './dialogue-rows';
import { goldSummary } from '../store/labels';
import type { GoldSummary } from '../../../shared/types';
import { throwIfAborted } from '../abort';

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
  method: 'cv' | 'dev' | 'fixed';
  /** cv: folds of the training split; unit dialogue */
  folds?: number;
  unit?: 'dialogue';
  chosen: { C: number; balanced: boolean };
  /** the chosen candidate's score by the method's measure (cv: mean held-out-fold weighted F1; dev: dev weighted F1) */
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
  fusionInfo: { bestEpoch: number; epochs: number; secondsPerEpoch: number } | null;
  /** metrics of the new model on each labelled split, each naming its split */
  metrics: Record<string, ReturnType<typeof evaluateSplit>>;
  /** the gold labels trained on: the gold rule and the source of each (issue 13) */
  gold: GoldSummary;
}

/**
 * What model.data holds: gzip of this JSON without `svm`, a newline, then the serialised SVM (kept
 * out of the JSON so that a large RBF model, hundreds of MB, is not escaped into a second string).
 */
export interface ModelData {
  format: 'emotion-studio-model';
  formatVersion: 1;
  labels: string[];
  modalities: Modality[];
  context: boolean;
  fusion: FusionChoice;
  vocabulary: number[];
  /** 'none': standardiser of the dense [audio, video, context flag] block; else of the fusion representation */
  standardizer: StandardizerParams | null;
  fusionOnnx: string | null;
  framesV: number;
  /**
   * 'sparse' (fusion 'none' + linear): rows as learn/sparse-rows.ts builds them (whole vocabulary,
   * decayed context of `contextTurns` previous utterances); absent: the dense blocks of dataset.ts
   */
  layout?: { kind: 'sparse'; denseWidth: number; contextTurns: number; contextDecay: number; contextWeight: number };
  svm: string;
}

export class TrainError extends Error {}

/** Gives the event loop a turn (a cancel request or Ctrl-C is seen only then), then throws if cancelled. */
async function checkpoint(signal?: AbortSignal): Promise<void> {
  await new Promise((r) => setImmediate(r));
  abortIf(signal);
}

function abortIf(signal?: AbortSignal) {
  throwIfAborted(signal, 'training cancelled');
}

export async function trainModel(db: Db, opts: TrainOptions): Promise<TrainResult> {
  const t0 = performance.now();
  const progress = (p: TrainProgress) => opts.onProgress?.(p);
  const now = () => performance.now();
  if (!opts.modalities.length) throw new TrainError('no modality selected');
  const labels = labelSet(db);
  if (labels.length < 2) throw new TrainError(`the corpus label set has ${labels.length} label(s); at least 2 are needed`);
  const classOf = new Map(labels.map((l, k) => [l, k]));

  progress({ stage: 'data', message: 'loading stored features' });
  const items = loadItems(db, opts.modalities);
  const all = items.map((_, i) => i);
  const labelled = (split: string) =>
    all.filter((i) => items[i].split === split && items[i].label !== null && classOf.has(items[i].label!));
  const trainRows = labelled('train');
  const devRows = labelled('dev');
  if (trainRows.length === 0) throw new TrainError('the training split has no labelled utterance');
  const yTrain = trainRows.map((i) => classOf.get(items[i].label!)!);
  const yDev = devRows.map((i) => classOf.get(items[i].label!)!);
  if (new Set(yTrain).size < 2) throw new TrainError('the training split has fewer than 2 classes');

  // vocabulary on the training items only
  const needText = opts.modalities.includes('text') || opts.context;
  // dialogue fusion: its cross-fitted class probabilities join the sparse linear SVM's columns
  if (opts.fusion === 'dialogue' && opts.classifier !== 'linear')
    throw new TrainError('--fusion dialogue trains the linear SVM (its dialogue-model probabilities beside the utterance features)');
  const sparse = (opts.fusion === 'none' || opts.fusion === 'dialogue') && opts.classifier === 'linear';
  const vocabulary = needText
    ? chooseVocabulary(
        trainRows.map((i) => items[i].text),
        opts.vocabSize ?? (sparse ? Infinity : DEFAULT_VOCAB),
      )
    : [];
  if (needText && vocabulary.length === 0) throw new TrainError('no training utterance has text features (run extract first)');
  const spec = { modalities: opts.modalities, context: opts.context, vocabulary };
  // the sparse path builds its text columns itself (a dense block of the whole vocabulary would not fit)
  const blocks = sparse
    ? buildBlocks(items, all, items, { modalities: opts.modalities.filter((m) => m !== 'text'), context: false, vocabulary: [] })
    : buildBlocks(items, all, items, spec);
  const tData = now();
  await checkpoint(opts.signal);
  let dialogue: Prepared['dialogue'];
  if (opts.fusion === 'dialogue') {
    // the network runs over each utterance's out-of-fold class scores (stage one), audio and video
    const scores = needText
      ? utteranceScores(items, vocabulary, trainRows, yTrain, labels.length, opts.seed)
      : all.map(() => new Float32Array(0));
    const dense: Blocks = { ...blocks, text: scores };
    progress({
      stage: 'fusion',
      message: `training the dialogue networks (BiLSTM over each dialogue, cross-fitted on the training dialogues, ${trainRows.length} labelled items)`,
    });
    const f = await dialogueFeatures(items, dense, new Map(trainRows.map((i, k) => [i, yTrain[k]])), labels.length, {
      seed: opts.seed,
      epochs: opts.fusionEpochs,
      hidden: opts.fusionHidden,
      providers: opts.providers,
      signal: opts.signal,
      onProgress: (k, p) =>
        progress({
          stage: 'fusion',
          message: `fold network ${k + 1}/${DIALOGUE_FOLDS}: ${fusionEpochMessage(p)}`,
          done: p.epoch,
          total: p.epochs,
        }),
    });
    dialogue = {
      probs: f.probs,
      onnx: f.onnx,
      info: {
        bestEpoch: Math.round(f.bestEpochs.reduce((a, b) => a + b, 0) / f.folds),
        epochs: f.epochs,
        secondsPerEpoch: f.secondsPerEpoch,
      },
      folds: f.folds,
      bestEpochs: f.bestEpochs,
    };
    await checkpoint(opts.signal);
  }
  if (sparse)
    return trainSparse(db, opts, {
      items,
      all,
      labels,
      trainRows,
      devRows,
      yTrain,
      yDev,
      vocabulary,
      blocks,
      t0,
      tData,
      labelled,
      dialogue,
    });

  // the SVM's input for every item
  let X: Float32Array[];
  let standardizer: StandardizerParams | null = null;
  let fusionOnnx: Uint8Array | null = null;
  let fusionInfo: TrainResult['fusionInfo'] = null;
  if (opts.fusion === 'none') {
    const dense = all.map((i) => concat([blocks.audio[i], blocks.video[i], blocks.context[i]]));
    const dDense = dense[0].length;
    let denseStd: Float32Array[] = dense;
    if (dDense > 0) {
      standardizer = fitStandardizer(trainRows.map((i) => dense[i]));
      denseStd = standardize(standardizer, dense);
    }
    X = all.map((i) => (dDense > 0 ? concat([blocks.text[i], denseStd[i]]) : blocks.text[i]));
  } else {
    const fx = fusionInputs(blocks, all, spec.context);
    const sub = (rows: number[]): FusionInputs => ({
      audio: fx.audio.length ? rows.map((i) => fx.audio[i]) : [],
      text: fx.text.length ? rows.map((i) => fx.text[i]) : [],
      video: fx.video.length ? rows.map((i) => fx.video[i]) : [],
      framesV: fx.framesV,
    });
    progress({ stage: 'fusion', message: `training the ${opts.fusion} fusion network on ${trainRows.length} training items` });
    const trained = await trainFusion(sub(trainRows), yTrain, labels.length, {
      kind: opts.fusion as 'seed' | 'concat', // ('dialogue' went the sparse way above)
      seed: opts.seed,
      epochs: opts.fusionEpochs,
      hidden: opts.fusionHidden,
      signal: opts.signal,
      onProgress: (p) => progress({ stage: 'fusion', message: fusionEpochMessage(p), done: p.epoch, total: p.epochs }),
    });
    fusionOnnx = trained.onnx;
    fusionInfo = { bestEpoch: trained.bestEpoch, epochs: trained.history.length, secondsPerEpoch: trained.secondsPerEpoch };
    await checkpoint(opts.signal);
    progress({ stage: 'represent', message: 'fusion representation of every utterance' });
    const runner = await FusionRunner.create(trained.onnx, { providers: opts.providers });
    let repr: Float32Array[];
    try {
      repr = await runner.represent(fx);
    } finally {
      await runner.release();
    }
    standardizer = fitStandardizer(trainRows.map((i) => repr[i]));
    X = standardize(standardizer, repr);
  }
  const tFusion = now();
  await checkpoint(opts.signal);

  // C on dev (never test); dialogue fusion: on the training dialogues its network held out
  const Xtrain = trainRows.map((i) => X[i]);
  let C = opts.C ?? 1;
  let grid: ChosenParams['scores'] | null = null;
  const balanced = opts.balanced ?? false;
  let selection: Selection | null = null;
  if (opts.C === undefined && devRows.length > 0) {
    const Cs = opts.Cs ?? (opts.classifier === 'linear' ? [0.1, 0.3, 1] : [1, 3, 10]);
    progress({
      stage: 'choose',
      message: `choosing C on the dev split (${devRows.length} items) among ${Cs.join(', ')}`,
      done: 0,
      total: Cs.length,
    });
    const chosen = chooseParams(
      Xtrain,
      yTrain,
      devRows.map((i) => X[i]),
      yDev,
      {
        kernel: opts.classifier,
        balanced,
        Cs,
        gammas: ['scale'],
        seed: opts.seed,
        nClasses: labels.length,
        linearSolver: 'dual',
        shouldStop: stopOnSignal(opts.signal),
        onProgress: (done, total, s) =>
          progress({
            stage: 'choose',
            message: `C=${s.C}: dev weighted F1 ${s.weighted_f1.toFixed(4)} (${s.trainSeconds.toFixed(1)} s)`,
            done,
            total,
          }),
      },
    );
    C = chosen.best.C;
    grid = chosen.scores;
  }
  selection ??= grid
    ? {
        method: 'dev',
        chosen: { C, balanced },
        score: Math.max(...grid.map((g) => g.weighted_f1)),
        why: `highest dev weighted F1 among C in {${grid.map((g) => g.C).join(', ')}}`,
      }
    : { method: 'fixed', chosen: { C, balanced }, score: null, why: opts.C !== undefined ? 'C given' : 'no dev split to choose on: C=1' };
  const tChoose = now();
  await checkpoint(opts.signal);

  progress({
    stage: 'svm',
    message: `training the ${opts.classifier} SVM (C=${C}${balanced ? ', balanced' : ''}) on ${trainRows.length} training items`,
  });
  const svm = trainSvm(Xtrain, yTrain, {
    kernel: opts.classifier,
    C,
    gamma: 'scale',
    balanced,
    probability: true,
    seed: opts.seed,
    nClasses: labels.length,
    linearSolver: 'dual',
    shouldStop: stopOnSignal(opts.signal),
  });
  const tSvm = now();
  await checkpoint(opts.signal);

  progress({ stage: 'predict', message: `predicting ${items.length} utterances` });
  const { pred, proba } = predictChunked(svm, X);
  const tPredict = now();

  const data: ModelData = {
    format: 'emotion-studio-model',
    formatVersion: 1,
    labels,
    modalities: [...opts.modalities],
    context: opts.context,
    fusion: opts.fusion,
    vocabulary,
    standardizer,
    fusionOnnx: fusionOnnx ? Buffer.from(fusionOnnx).toString('base64') : null,
    framesV: FRAMES,
    svm: svm.serialize(),
  };
  const prepared: Prepared = { items, all, labels, trainRows, devRows, yTrain, yDev, vocabulary, blocks, t0, tData, labelled };
  return storeModel(db, opts, prepared, {
    data,
    pred,
    proba,
    C,
    balanced,
    gamma: svm.params.gamma,
    grid,
    selection,
    fusionInfo,
    extra: {},
    times: [tFusion, tChoose, tSvm, tPredict],
  });
}

interface Prepared {
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

/**
 * Linear SVM without a fusion network on sparse rows (sparse-rows.ts): the whole training
 * vocabulary, the decayed dialogue context, standardised audio/video columns. C and the class
 * weighting are chosen on dev (weighted F1); nothing else sees dev.
 */
async function trainSparse(db: Db, opts: TrainOptions, p: Prepared): Promise<TrainResult> {
  const progress = (q: TrainProgress) => opts.onProgress?.(q);
  const now = () => performance.now();
  const { items, all, labels, trainRows, devRows, yTrain, yDev, vocabulary, blocks } = p;
  const dense = all.map((i) => concat([blocks.audio[i], blocks.video[i], p.dialogue ? p.dialogue.probs[i] : new Float32Array(0)]));
  const denseWidth = dense[0]?.length ?? 0;
  let standardizer: StandardizerParams | null = null;
  let denseStd: Float32Array[] | undefined;
  if (denseWidth > 0) {
    standardizer = fitStandardizer(trainRows.map((i) => dense[i]));
    denseStd = standardize(standardizer, dense);
    // the dialogue-model columns at a reduced weight: standardised, they would outweigh the
    // utterance's own (unit-norm) text row and the SVM would lean on the weaker network
    if (p.dialogue) for (const r of denseStd) for (let j = denseWidth - labels.length; j < denseWidth; j++) r[j] *= DIALOGUE_WEIGHT;
  }
  const layout = { vocabulary, context: opts.context, denseWidth };
  const d = sparseWidth(layout);
  const X = buildSparseRows(items, all, layout, denseStd);
  const Xtrain = trainRows.map((i) => X[i]);
  const tFusion = now();
  await checkpoint(opts.signal);

  let C = opts.C ?? 1;
  let balanced = opts.balanced ?? false;
  let grid: ChosenParams['scores'] | null = null;
  let selection: Selection = {
    method: 'fixed',
    chosen: { C, balanced },
    score: null,
    why: opts.C !== undefined ? 'C given' : 'no dev split to choose on: C=1',
  };
  const Cs = opts.Cs ?? [0.05, 0.1, 0.2, 0.5, 1];
  const weightings = opts.balanced === undefined ? [false, true] : [opts.balanced];
  const dialogues = new Set(trainRows.map((i) => items[i].dialogueId ?? `u${i}`)).size;
  if (opts.C === undefined && (opts.select ?? 'cv') === 'cv' && dialogues >= 2) {
    const folds = Math.min(opts.cvFolds ?? 3, dialogues);
    progress({
      stage: 'choose',
      message: `choosing C and the class weighting by ${folds}-fold cross-validation on the training split (grouped by dialogue)`,
      done: 0,
      total: Cs.length * weightings.length,
    });
    const chosen = await chooseSparseLinearCv(Xtrain, yTrain, {
      Cs,
      balanced: weightings,
      d,
      nClasses: labels.length,
      seed: opts.seed,
      signal: opts.signal,
      folds,
      groups: trainRows.map((i) => items[i].dialogueId),
      onProgress: (done, total, s) =>
        progress({
          stage: 'choose',
          message: `C=${s.C}${s.balanced ? ' balanced' : ''}: cross-validated weighted F1 ${s.weighted_f1.toFixed(4)} (${s.trainSeconds.toFixed(1)} s)`,
          done,
          total,
        }),
    });
    C = chosen.best.C;
    balanced = chosen.bestBalanced;
    grid = chosen.scores;
    selection = {
      method: 'cv',
      folds,
      unit: 'dialogue',
      chosen: { C, balanced },
      score: chosen.best.weighted_f1,
      why: `highest mean held-out weighted F1 over ${folds} folds of the training split (whole dialogues per fold) among C in {${Cs.join(', ')}} x ${weightings.map((b) => (b ? 'balanced' : 'unweighted')).join('/')}; dev only confirms`,
    };
  } else if (opts.C === undefined && devRows.length > 0) {
    progress({
      stage: 'choose',
      message: `choosing C and the class weighting on the dev split (${devRows.length} items)`,
      done: 0,
      total: 1,
    });
    const chosen = await chooseSparseLinear(
      Xtrain,
      yTrain,
      devRows.map((i) => X[i]),
      yDev,
      {
        Cs,
        balanced: weightings,
        d,
        nClasses: labels.length,
        seed: opts.seed,
        signal: opts.signal,
        onProgress: (done, total, s) =>
          progress({
            stage: 'choose',
            message: `C=${s.C}${s.balanced ? ' balanced' : ''}: dev weighted F1 ${s.weighted_f1.toFixed(4)} (${s.trainSeconds.toFixed(1)} s)`,
            done,
            total,
          }),
      },
    );
    C = chosen.best.C;
    balanced = chosen.bestBalanced;
    grid = chosen.scores;
    selection = {
      method: 'dev',
      chosen: { C, balanced },
      score: chosen.best.weighted_f1,
      why: `highest dev weighted F1 among C in {${Cs.join(', ')}} x ${weightings.map((b) => (b ? 'balanced' : 'unweighted')).join('/')}`,
    };
  }
  const tChoose = now();
  await checkpoint(opts.signal);

  progress({
    stage: 'svm',
    message: `training the linear SVM (C=${C}${balanced ? ', balanced' : ''}, ${d} sparse columns) on ${trainRows.length} training items`,
  });
  const classWeight = balanced ? balancedClassWeights(yTrain, labels.length) : new Array<number>(labels.length).fill(1);
  const ts = now();
  const model = trainSparseLinear(Xtrain, d, yTrain, {
    C,
    classWeight,
    probability: true,
    seed: opts.seed,
    signal: opts.signal,
    onProgress: (done, total) =>
      progress({ stage: 'svm', message: `binary problem ${done}/${total} (one-vs-rest and the probability folds)`, done, total }),
  });
  const svm = linearSvmFromData(
    model,
    labels.length,
    { kernel: 'linear', C, gamma: null, gammaSpec: null, balanced, probability: true, seed: opts.seed, classWeight },
    {
      trainSeconds: (now() - ts) / 1000,
      nTrain: trainRows.length,
      nSupportVectors: null,
      iterations: 0,
    },
  );
  const tSvm = now();
  await checkpoint(opts.signal);

  progress({ stage: 'predict', message: `predicting ${items.length} utterances` });
  const pred = predictSparse(model, X);
  const proba = predictProbaSparse(model, X, labels.length);
  const tPredict = now();

  const data: ModelData = {
    format: 'emotion-studio-model',
    formatVersion: 1,
    labels,
    modalities: [...opts.modalities],
    context: opts.context,
    fusion: opts.fusion,
    vocabulary,
    standardizer,
    fusionOnnx: p.dialogue ? Buffer.from(p.dialogue.onnx).toString('base64') : null,
    framesV: FRAMES,
    layout: { kind: 'sparse', denseWidth, contextTurns: CONTEXT_TURNS, contextDecay: CONTEXT_DECAY, contextWeight: CONTEXT_WEIGHT },
    svm: svm.serialize(),
  };
  const extra = {
    layout: 'sparse',
    columns: d,
    context_turns: opts.context ? CONTEXT_TURNS : 0,
    ...(p.dialogue
      ? {
          dialogue: {
            folds: p.dialogue.folds,
            best_epochs: p.dialogue.bestEpochs,
            columns: labels.length,
            weight: DIALOGUE_WEIGHT,
            features: 'cross-fitted dialogue-model class probabilities',
          },
        }
      : {}),
  };
  return storeModel(db, opts, p, {
    data,
    pred,
    proba,
    C,
    balanced,
    gamma: null,
    grid,
    selection,
    fusionInfo: p.dialogue?.info ?? null,
    extra,
    times: [tFusion, tChoose, tSvm, tPredict],
  });
}

interface Fitted {
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

/** Stores the model row (params, training label snapshot, data) and its predictions; metrics per labelled split. */
function storeModel(db: Db, opts: TrainOptions, p: Prepared, f: Fitted): TrainResult {
  const { items, labels, trainRows, devRows, vocabulary } = p;
  const params = {
    fusion: opts.fusion,
    classifier: opts.classifier,
    modalities: opts.modalities,
    context: opts.context,
    seed: opts.seed,
    encoders: encodersUsed(db, opts.modalities.concat(opts.context && !opts.modalities.includes('text') ? ['text'] : [])),
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
      const v = (db.prepare('SELECT COALESCE(MAX(version), 0) v FROM model').get() as { v: number }).v + 1;
      db.prepare('INSERT INTO model (version, params, labels, metrics, data) VALUES (?, ?, ?, NULL, ?)').run(
        v,
        JSON.stringify(params),
        JSON.stringify(snapshot),
        packModelData(f.data),
      );
      const ins = db.prepare('INSERT INTO prediction (utterance_id, model_version, label, probabilities) VALUES (?, ?, ?, ?)');
      for (let i = 0; i < items.length; i++) {
        // the label is the SVM's own decision (one-vs-one votes / largest decision value, as the
        // C choice scored it), the probabilities its calibrated estimates (as sklearn's SVC)
        const pr = f.proba[i];
        const obj: Record<string, number> = {};
        labels.forEach((l, k) => (obj[l] = pr[k]));
        ins.run(items[i].id, v, labels[f.pred[i]], JSON.stringify(obj));
      }
      return v;
      // IMMEDIATE: the write lock first (waiting its turn), so the MAX(version) read cannot go stale
      // while another connection writes (the process that started this worker writes job progress)
    })
    .immediate();

  const metrics: TrainResult['metrics'] = {};
  for (const split of ['train', 'dev', 'test']) {
    if (p.labelled(split).length > 0) metrics[split] = evaluateSplit(db, split, version);
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

/** The fusion network's inputs: text (with context: + previous text + speaker flag), audio, video. */
function fusionInputs(b: Blocks, rows: number[], context: boolean): FusionInputs {
  const width = (a: Float32Array[]) => (a.length ? a[0].length : 0);
  const text = width(b.text) > 0 || context ? rows.map((i) => (context ? concat([b.text[i], b.context[i]]) : b.text[i])) : [];
  return {
    text: text.length && text[0].length ? text : [],
    audio: width(b.audio) > 0 ? rows.map((i) => b.audio[i]) : [],
    video: width(b.video) > 0 ? rows.map((i) => b.video[i]) : [],
    framesV: FRAMES,
  };
}

function predictChunked(svm: SvmModel, X: Float32Array[]): { pred: number[]; proba: number[][] } {
  const pred: number[] = [];
  const proba: number[][] = [];
  for (let s = 0; s < X.length; s += 2048) {
    const chunk = X.slice(s, s + 2048);
    pred.push(...svm.predict(chunk));
    proba.push(...svm.predictProba(chunk));
  }
  return { pred, proba };
}

/** Reads a stored model's data back (for inspection or reuse). */
export function loadModelData(db: Db, version: number): { data: ModelData; svm: SvmModel } {
  const r = db.prepare('SELECT data FROM model WHERE version = ?').get(version) as { data: Buffer | null } | undefined;
  if (!r || !r.data) throw new TrainError(`no stored model version ${version}`);
  const data = unpackModelData(r.data);
  return { data, svm: loadSvm(data.svm) };
}

export function packModelData(data: ModelData): Buffer {
  const { svm, ...meta } = data;
  return zlib.gzipSync(Buffer.concat([Buffer.from(JSON.stringify(meta), 'utf8'), Buffer.from('\n'), Buffer.from(svm, 'utf8')]));
}

export function unpackModelData(blob: Buffer): ModelData {
  const raw = zlib.gunzipSync(blob);
  const nl = raw.indexOf(10);
  if (nl < 0) throw new TrainError('stored model data is damaged');
  const meta = JSON.parse(raw.subarray(0, nl).toString('utf8')) as Omit<ModelData, 'svm'>;
  if (meta.format !== 'emotion-studio-model') throw new TrainError('stored model data is not an emotion-studio model');
  return { ...meta, svm: raw.subarray(nl + 1).toString('utf8') };
}

export type { Item };

/** A fusion epoch's progress line; with too few training items nothing is held out, which it says
 * (rather than printing the held-out loss and accuracy as NaN). */
export function fusionEpochMessage(p: { epoch: number; epochs: number; trainLoss: number; valLoss: number; valAcc: number }): string {
  const held =
    Number.isFinite(p.valLoss) && Number.isFinite(p.valAcc)
      ? `held-out (train part) loss ${p.valLoss.toFixed(4)} acc ${p.valAcc.toFixed(3)}`
      : 'nothing held out (too few training items)';
  const train = Number.isFinite(p.trainLoss) ? p.trainLoss.toFixed(4) : 'not finite (diverged)';
  return `epoch ${p.epoch}/${p.epochs}: train loss ${train}, ${held}`;
}
