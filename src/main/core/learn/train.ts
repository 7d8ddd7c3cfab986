// Training from the database, honestly: everything that is fitted (text vocabulary, standardisation,
// fusion network, SVM) sees only labelled items of the TRAINING split. The linear SVM without fusion
// chooses C and the class weighting by cross-validation on the training split grouped by dialogue
// (dev only confirms); the other paths choose C on dev; nothing is ever chosen on test. The fusion
// network's early-stopping rows are carved out of the training rows by trainFusion itself.
import type { Db } from '../store/db';
import { chooseVocabulary, buildBlocks, labelSet, loadItems, DEFAULT_VOCAB, type Blocks } from './dataset';
import { dialogueFeatures, utteranceScores, DIALOGUE_FOLDS } from './dialogue-rows';
import { trainDense } from './train-dense';
import { trainSparse } from './train-sparse';
import { sparseLinear } from '../../../shared/model-config';
import {
  checkpoint,
  fusionEpochMessage,
  TrainError,
  type Prepared,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from './train-types';

export { TrainError, fusionEpochMessage } from './train-types';
export type { FusionChoice, ClassifierChoice, TrainProgress, TrainOptions, Selection, TrainResult } from './train-types';
export { loadModelData, packModelData, unpackModelData, type ModelData } from './model-data';
export type { Item } from './dataset';

/**
 * Loads the items, fits the vocabulary on train, builds the blocks (and, with --fusion dialogue, the
 * cross-fitted dialogue networks' columns), then hands over to the sparse or the dense SVM path.
 */
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
  const sparse = sparseLinear(opts.fusion, opts.classifier);
  if (opts.lexicon && !sparse)
    throw new TrainError(
      '--lexicon adds columns to the linear SVM without a fusion network or with --fusion dialogue (--classifier linear)',
    );
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

  return trainDense(db, opts, { items, all, labels, trainRows, devRows, yTrain, yDev, vocabulary, blocks, t0, tData, labelled });
}
