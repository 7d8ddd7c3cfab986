// The SVM on dense rows: the seed/concat fusion network's representation (ONNX, standardised on
// train) or the dense concatenation of the blocks (rbf, or --vocab with fusion none); C chosen on dev.
import type { Db } from '../store/db';
import {
  chooseParams,
  fitStandardizer,
  standardize,
  trainSvm,
  type ChosenParams,
  type StandardizerParams,
  type SvmModel,
} from '../classify';
import { stopOnSignal } from '../classify/stop';
import { FusionRunner, trainFusion, type FusionInputs } from '../fusion';
import { concat, FRAMES, type Blocks } from './dataset';
import { modelDataOf } from './model-data';
import { storeModel } from './store-model';
import {
  checkpoint,
  fusionEpochMessage,
  type Prepared,
  type Selection,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from './train-types';

/** Fusion network (seed/concat) or none, then the SVM of `opts.classifier` on dense rows; stored as a new version. */
export async function trainDense(db: Db, opts: TrainOptions, prepared: Prepared): Promise<TrainResult> {
  const progress = (p: TrainProgress) => opts.onProgress?.(p);
  const now = () => performance.now();
  const { items, all, labels, trainRows, devRows, yTrain, yDev, vocabulary, blocks } = prepared;
  const spec = { context: opts.context };
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
    fusionInfo = {
      bestEpoch: trained.bestEpoch,
      epochs: trained.history.length,
      secondsPerEpoch: trained.secondsPerEpoch,
      heldOut: trained.heldOut,
    };
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

  const data = modelDataOf(opts, { labels, vocabulary, standardizer, onnx: fusionOnnx, svm: svm.serialize() });
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
