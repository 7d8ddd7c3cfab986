// The linear SVM without a fusion network (and with --fusion dialogue's columns) on sparse rows: C and
// the class weighting chosen by grouped cross-validation on the training split (or on dev with --select dev),
// or reused from the latest comparable search (reuse-search.ts) when the caller asks (the CLI and app retrain).
import type { Db } from '../store/db';
import {
  balancedClassWeights,
  chooseSparseLinear,
  chooseSparseLinearCv,
  fitStandardizer,
  linearSvmFromData,
  predictProbaSparse,
  predictSparse,
  standardize,
  trainSparseLinearAsync,
  type ChosenParams,
  type GridScore,
  type StandardizerParams,
} from '../classify';
import { sparseSolverFor } from '../classify/linear-solver';
import { buildSparseRows, sparseWidth, CONTEXT_DECAY, CONTEXT_TURNS, CONTEXT_WEIGHT, LEXICON_WEIGHT } from './sparse-rows';
import { lexiconFeatures, LEXICON_VERSION, LEXICON_WIDTH } from '../features/text/lexicon';
import { utteranceTexts } from '../store/utterance-texts';
import { chooseDialogueBeta, classDecisions, lateFusion } from './dialogue-rows';
import { modelDataOf } from './model-data';
import { storeModel } from './store-model';
import { findReusableSearch, reusedSelection } from './reuse-search';
import { concat, modelEncoders } from './dataset';
import { checkpoint, type Prepared, type Selection, type TrainOptions, type TrainProgress, type TrainResult } from './train-types';

/**
 * Linear SVM without a fusion network on sparse rows (sparse-rows.ts): the whole training
 * vocabulary, the decayed dialogue context, standardised audio/video columns. C and the class
 * weighting are chosen by grouped CV on the training split (`select: 'dev'`: by dev weighted F1);
 * with --fusion dialogue the prediction is decision + beta * log(dialogue-model probability), beta
 * chosen by grouped CV on train (dialogue-rows.ts). Nothing else could see dev.
 */
export async function trainSparse(db: Db, opts: TrainOptions, p: Prepared): Promise<TrainResult> {
  const progress = (q: TrainProgress) => opts.onProgress?.(q);
  const now = () => performance.now();
  const { items, all, labels, trainRows, devRows, yTrain, yDev, vocabulary, blocks } = p;
  const dense = all.map((i) => concat([blocks.audio[i], blocks.video[i]]));
  const denseWidth = dense[0]?.length ?? 0;
  let standardizer: StandardizerParams | null = null;
  let denseStd: Float32Array[] | undefined;
  if (denseWidth > 0) {
    standardizer = fitStandardizer(trainRows.map((i) => dense[i]));
    denseStd = standardize(standardizer, dense);
  }
  // --lexicon: the sentiment-lexicon features of each raw text (nothing learned in them)
  const lexiconWidth = opts.lexicon ? LEXICON_WIDTH : 0;
  let lexicon: Float64Array[] | undefined;
  if (opts.lexicon) {
    const texts = utteranceTexts(db);
    lexicon = items.map((it) => lexiconFeatures(texts.get(it.id) ?? ''));
  }
  const layout = { vocabulary, context: opts.context, denseWidth, lexiconWidth };
  const d = sparseWidth(layout);
  const X = buildSparseRows(items, all, layout, denseStd, lexicon);
  const Xtrain = trainRows.map((i) => X[i]);
  // every fit below (the C search, the dialogue weight, the model): the primal Newton solver when
  // the rows carry the dense media block, dual coordinate descent on text-only rows (the measured
  // reason is at sparseSolverFor)
  const solver = sparseSolverFor(denseWidth);
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
  // one progress line per (C, weighting) scored; `how`: what the weighted F1 is measured on
  const onChoose = (how: string) => (done: number, total: number, s: GridScore) =>
    progress({
      stage: 'choose',
      message: `C=${s.C}${s.balanced ? ' balanced' : ''}: ${how} weighted F1 ${s.weighted_f1.toFixed(4)} (${s.trainSeconds.toFixed(1)} s)`,
      done,
      total,
    });
  // what both ways of choosing (CV on train, or dev) search over
  const searched = `C in {${Cs.join(', ')}} x ${weightings.map((b) => (b ? 'balanced' : 'unweighted')).join('/')}`;
  const choice = { Cs, balanced: weightings, d, nClasses: labels.length, seed: opts.seed, signal: opts.signal, solver };
  const dialogues = new Set(trainRows.map((i) => items[i].dialogueId ?? `u${i}`)).size;
  // folds of every grouped CV here (the C search, the dialogue weight)
  const folds = Math.min(opts.cvFolds ?? 3, dialogues);
  const chooseByCv = opts.C === undefined && (opts.select ?? 'cv') === 'cv' && dialogues >= 2;
  // --search not asked: the latest comparable search's choice where the training data moved little since
  const found =
    opts.reuseSearch && chooseByCv
      ? findReusableSearch(
          db,
          {
            classifier: opts.classifier,
            fusion: opts.fusion,
            modalities: opts.modalities,
            context: opts.context,
            lexicon: opts.lexicon ? LEXICON_VERSION : null,
            seed: opts.seed,
            encoders: modelEncoders(db, opts.modalities, opts.context),
            denseColumns: denseWidth,
            vocabRequested: opts.vocabSize ?? null,
            labels,
            grid: Cs.flatMap((c) => weightings.map((b) => ({ C: c, balanced: b }))),
            folds,
          },
          new Map(trainRows.map((i) => [String(items[i].id), items[i].label!])),
        )
      : null;
  if (found && 'reused' in found) {
    C = found.reused.C;
    balanced = found.reused.balanced;
    selection = reusedSelection(found.reused, searched);
    progress({
      stage: 'choose',
      message: `C ${C}${balanced ? ' balanced' : ''} reused from model ${found.reused.fromModel} (chosen by ${found.reused.folds}-fold CV on ${found.reused.nTrain.toLocaleString('en-US')} training rows); --search to choose again`,
    });
  } else if (chooseByCv) {
    progress({
      stage: 'choose',
      message: `choosing C and the class weighting by ${folds}-fold cross-validation on the training split (grouped by dialogue)${found ? ` (nothing reused: ${found.reason})` : ''}`,
      done: 0,
      total: Cs.length * weightings.length,
    });
    const chosen = await chooseSparseLinearCv(Xtrain, yTrain, {
      ...choice,
      folds,
      groups: trainRows.map((i) => items[i].dialogueId),
      onProgress: onChoose('cross-validated'),
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
      why: `highest mean held-out weighted F1 over ${folds} folds of the training split (whole dialogues per fold) among ${searched}; dev only confirms`,
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
      { ...choice, onProgress: onChoose('dev') },
    );
    C = chosen.best.C;
    balanced = chosen.bestBalanced;
    grid = chosen.scores;
    selection = {
      method: 'dev',
      chosen: { C, balanced },
      score: chosen.best.weighted_f1,
      why: `highest dev weighted F1 among ${searched}`,
    };
  }
  let beta = 0;
  if (p.dialogue && dialogues >= 2) {
    progress({ stage: 'choose', message: `choosing the dialogue model's weight by ${folds}-fold cross-validation on the training split` });
    const b = await chooseDialogueBeta(
      Xtrain,
      yTrain,
      trainRows.map((i) => p.dialogue!.probs[i]),
      {
        d,
        nClasses: labels.length,
        C,
        classWeight: (y) => (balanced ? balancedClassWeights(y, labels.length) : new Array<number>(labels.length).fill(1)),
        groups: trainRows.map((i) => items[i].dialogueId),
        folds,
        seed: opts.seed,
        signal: opts.signal,
        solver,
      },
    );
    beta = b.beta;
    selection = {
      ...selection,
      dialogue: {
        beta,
        scores: b.scores,
        why: `highest mean held-out weighted F1 over ${folds} folds of the training split of decision + beta * log(dialogue-model probability) among beta in {${b.scores.map((s) => s.beta).join(', ')}}`,
      },
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
  // the primal solver's binary problems on worker threads where that pays: the same model (linear-parallel.ts)
  const model = await trainSparseLinearAsync(Xtrain, d, yTrain, {
    C,
    classWeight,
    probability: true,
    seed: opts.seed,
    signal: opts.signal,
    solver,
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
  let pred = predictSparse(model, X);
  let proba = predictProbaSparse(model, X, labels.length);
  if (p.dialogue && beta > 0) {
    // the fused decision; probabilities: the SVM's, times the dialogue model's to the power beta, renormalised
    const probs = p.dialogue.probs;
    const dec = classDecisions(model, X, labels.length);
    pred = all.map((i) => lateFusion(dec[i], probs[i], beta));
    proba = proba.map((q, i) => {
      const f = q.map((v, c) => v * Math.max(probs[i][c], 1e-6) ** beta);
      const z = f.reduce((a, v) => a + v, 0);
      return f.map((v) => v / z);
    });
  }
  const tPredict = now();

  const data = modelDataOf(
    opts,
    { labels, vocabulary, standardizer, onnx: p.dialogue?.onnx ?? null, svm: svm.serialize() },
    {
      layout: {
        kind: 'sparse',
        denseWidth,
        contextTurns: CONTEXT_TURNS,
        contextDecay: CONTEXT_DECAY,
        contextWeight: CONTEXT_WEIGHT,
        ...(opts.lexicon ? { lexicon: { version: LEXICON_VERSION, width: LEXICON_WIDTH, weight: LEXICON_WEIGHT } } : {}),
      },
      ...(p.dialogue ? { dialogueBeta: beta } : {}),
    },
  );
  const extra = {
    layout: 'sparse',
    columns: d,
    // what a later retrain compares before reusing this model's C search (reuse-search.ts)
    dense_columns: denseWidth,
    vocab_requested: opts.vocabSize ?? null,
    context_turns: opts.context ? CONTEXT_TURNS : 0,
    ...(opts.lexicon ? { lexicon: { version: LEXICON_VERSION, columns: LEXICON_WIDTH, weight: LEXICON_WEIGHT } } : {}),
    ...(p.dialogue
      ? {
          dialogue: {
            folds: p.dialogue.folds,
            best_epochs: p.dialogue.bestEpochs,
            columns: labels.length,
            beta,
            combination: 'late fusion: SVM decision + beta * log(cross-fitted dialogue-model class probability)',
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
