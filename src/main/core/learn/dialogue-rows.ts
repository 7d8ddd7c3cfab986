// The glue of `--fusion dialogue`: each dialogue's utterances in order (per split), the utterance
// vector [text, audio, video, speaker changed], cross-fitted networks trained on TRAINING dialogues
// only, every utterance's dialogue-model class probabilities from the exported ONNX graph, and their
// late fusion with the linear SVM: decision + beta * log p, beta chosen by grouped CV on train.
import { concat, type Blocks, type Item } from './dataset';
import { DialogueRunner, exportDialogueOnnx, trainDialogueFusion, type DialogueWeights } from '../fusion';
import { balancedClassWeights, decisionSparse, groupFolds, trainSparseLinear, weightedF1, type SparseRow } from '../classify';
import { buildSparseRows, sparseWidth } from './sparse-rows';
import type { FusionProgress } from '../fusion';

/** Rows of each dialogue in utterance order, never mixing splits (an item without a dialogue is its own). */
export function dialogueSequences(items: Item[], rows: number[]): number[][] {
  const by = new Map<string, number[]>();
  for (const i of rows) {
    const it = items[i];
    const key = it.dialogueId === null ? `u${it.id}` : `${it.split}\u0000${it.dialogueId}`;
    const list = by.get(key);
    if (list) list.push(i);
    else by.set(key, [i]);
  }
  const seqs = [...by.values()];
  for (const s of seqs) s.sort((a, b) => (items[a].idx ?? 0) - (items[b].idx ?? 0) || items[a].id - items[b].id);
  return seqs.sort((a, b) => items[a[0]].id - items[b[0]].id);
}

/** 1 when the speaker differs from the previous utterance of the same sequence (0 for the first). */
export function utteranceVectors(items: Item[], blocks: Blocks, seqs: number[][]): Float32Array[] {
  const x: Float32Array[] = new Array(items.length);
  for (const s of seqs) {
    s.forEach((i, t) => {
      const changed = t > 0 && items[s[t - 1]].speaker !== items[i].speaker ? 1 : 0;
      x[i] = concat([blocks.text[i], blocks.audio[i], blocks.video[i], Float32Array.of(changed)]);
    });
  }
  return x;
}

export interface DialogueFeatures {
  /** per item: the dialogue model's class probabilities (training items: from the fold network that did not fit them) */
  probs: Float32Array[];
  /** the fold networks as one ONNX graph (outputs stacked per fold) */
  onnx: Uint8Array;
  folds: number;
  bestEpochs: number[];
  epochs: number;
  secondsPerEpoch: number;
}

export const DIALOGUE_FOLDS = 3;
/**
 * the weights beta tried for the dialogue model's log-probabilities added to the SVM's decision
 * values (0: the SVM alone). Late fusion replaced the probabilities as SVM columns (weight 0.3),
 * which lowered grouped-CV weighted F1 on MELD train (0.561 vs 0.568 without them); late fusion
 * raised it (0.571 at beta 0.1).
 */
export const DIALOGUE_BETAS = [0, 0.1, 0.2, 0.3, 0.5];
/** the networks' loss weighting: unweighted, so their probabilities stay calibrated to the class
 * frequencies (the SVM on top does its own class weighting) */
export const DIALOGUE_NET_WEIGHTING: 'balanced' | 'none' = 'none';

/**
 * Cross-fitted dialogue networks: the training split's dialogues in DIALOGUE_FOLDS seeded folds; the
 * network of fold k is trained on the other folds' dialogues only (early stopping on a held-out part
 * of those) and gives the class probabilities of fold k's items, so that no training item's feature
 * comes from a network that saw its label; every other item gets the mean over the fold networks.
 * Nothing of another split enters any training call.
 */
export async function dialogueFeatures(
  items: Item[],
  blocks: Blocks,
  yOf: Map<number, number>,
  nClasses: number,
  o: {
    seed: number;
    epochs?: number;
    hidden?: number;
    /** network dropout (default 0.3) and early-stopping patience in epochs (default 3) */
    dropout?: number;
    patience?: number;
    providers?: string[];
    signal?: AbortSignal;
    onProgress?: (fold: number, p: FusionProgress) => void;
  },
): Promise<DialogueFeatures> {
  const all = items.map((_, i) => i);
  const seqsAll = dialogueSequences(items, all);
  const x = utteranceVectors(items, blocks, seqsAll);
  const trainSeqs = seqsAll.filter((s) => items[s[0]].split === 'train');
  if (trainSeqs.length < DIALOGUE_FOLDS)
    throw new Error(`dialogue fusion needs at least ${DIALOGUE_FOLDS} training dialogues (got ${trainSeqs.length})`);
  const fold = groupFolds(
    trainSeqs.map((_, k) => k),
    DIALOGUE_FOLDS,
    o.seed,
  );
  const nets: DialogueWeights[] = [];
  const bestEpochs: number[] = [];
  let epochs = 0;
  let seconds = 0;
  for (let k = 0; k < DIALOGUE_FOLDS; k++) {
    const fitSeqs = trainSeqs.filter((_, j) => fold[j] !== k);
    const rows = fitSeqs.flat();
    const local = new Map(rows.map((r, j) => [r, j]));
    const tr = await trainDialogueFusion(
      { x: rows.map((r) => x[r]), dialogues: fitSeqs.map((s) => s.map((r) => local.get(r)!)) },
      rows.map((r) => yOf.get(r) ?? -1),
      nClasses,
      {
        seed: o.seed + k,
        epochs: o.epochs,
        hidden: o.hidden ?? 64,
        patience: o.patience ?? 3,
        dropout: o.dropout,
        classWeighting: DIALOGUE_NET_WEIGHTING,
        signal: o.signal,
        onProgress: (p) => o.onProgress?.(k, p),
      },
    );
    nets.push(tr.weights);
    bestEpochs.push(tr.bestEpoch);
    epochs += tr.epochs;
    seconds += tr.secondsPerEpoch * tr.epochs;
  }
  const onnx = exportDialogueOnnx(nets);
  const runner = await DialogueRunner.create(onnx, o.providers);
  let perFold: Float32Array[][];
  try {
    perFold = await runner.run(x, seqsAll, 'probs');
  } finally {
    await runner.release();
  }
  const foldOfRow = new Map<number, number>();
  trainSeqs.forEach((s, j) => s.forEach((r) => foldOfRow.set(r, fold[j])));
  const probs = all.map((i) => {
    const f = foldOfRow.get(i);
    if (f !== undefined) return perFold[f][i];
    const m = new Float32Array(nClasses);
    for (let k = 0; k < DIALOGUE_FOLDS; k++) for (let c = 0; c < nClasses; c++) m[c] += perFold[k][i][c] / DIALOGUE_FOLDS;
    return m;
  });
  return { probs, onnx, folds: DIALOGUE_FOLDS, bestEpochs, epochs, secondsPerEpoch: seconds / Math.max(1, epochs) };
}

/**
 * Stage one of the dialogue model (as the MELD paper's bcLSTM runs over utterance features learnt
 * first): each utterance's class scores from the sparse linear SVM on its own text (C = 0.1,
 * balanced). Training utterances get out-of-fold scores (3 folds of training dialogues; the SVM of
 * fold k never saw fold k), every other utterance the mean of the three fold SVMs' scores.
 */
export function utteranceScores(
  items: Item[],
  vocabulary: number[],
  trainRows: number[],
  yTrain: number[],
  nClasses: number,
  seed: number,
): Float32Array[] {
  const all = items.map((_, i) => i);
  const layout = { vocabulary, context: false, denseWidth: 0 };
  const X = buildSparseRows(items, all, layout);
  const d = sparseWidth(layout);
  const fold = groupFolds(
    trainRows.map((i) => items[i].dialogueId),
    DIALOGUE_FOLDS,
    seed,
  );
  const out: Float32Array[] = all.map(() => new Float32Array(nClasses));
  const isTrain = new Map(trainRows.map((i, j) => [i, fold[j]]));
  for (let k = 0; k < DIALOGUE_FOLDS; k++) {
    const fit = trainRows.map((i, j) => [i, j] as const).filter(([, j]) => fold[j] !== k);
    const y = fit.map(([, j]) => yTrain[j]);
    const m = trainSparseLinear(
      fit.map(([i]) => X[i]),
      d,
      y,
      { C: 0.1, classWeight: balancedClassWeights(y, nClasses), probability: false, seed },
    );
    const targets = all.filter((i) => {
      const f = isTrain.get(i);
      return f === undefined || f === k;
    });
    const dec = decisionSparse(
      m,
      targets.map((i) => X[i]),
    );
    targets.forEach((i, t) => {
      const w = isTrain.has(i) ? 1 : 1 / DIALOGUE_FOLDS;
      m.classes.forEach((c, j) => (out[i][c] += w * dec[t][j]));
    });
  }
  return out;
}

/** Each row's class scores (class index order) from a one-vs-rest linear model. */
export function classDecisions(m: ReturnType<typeof trainSparseLinear>, X: readonly SparseRow[], nClasses: number): Float64Array[] {
  return decisionSparse(m, X).map((d) => {
    const o = new Float64Array(nClasses).fill(-Infinity);
    m.classes.forEach((c, j) => (o[c] = d[j]));
    return o;
  });
}

/** The class with the largest decision + beta * log p (the late fusion of the SVM and the dialogue model). */
export function lateFusion(dec: ArrayLike<number>, p: ArrayLike<number>, beta: number): number {
  let best = 0;
  let top = -Infinity;
  for (let c = 0; c < dec.length; c++) {
    const v = dec[c] + (beta > 0 ? beta * Math.log(Math.max(p[c], 1e-6)) : 0);
    if (v > top) {
      top = v;
      best = c;
    }
  }
  return best;
}

export interface BetaScore {
  beta: number;
  /** mean over folds of the held-out fold's weighted F1 */
  weighted_f1: number;
  folds: number[];
}

/**
 * Beta of the late fusion by cross-validation on the TRAINING rows, folds grouped by dialogue: the
 * SVM (the chosen C and weighting) of each fold is trained on the other folds, its held-out decisions
 * are fused with the held-out rows' dialogue probabilities (themselves from networks that did not
 * fit those rows) for each beta in DIALOGUE_BETAS; the best mean held-out weighted F1 wins, ties go to
 * the smaller beta. No dev or test row is seen.
 */
export async function chooseDialogueBeta(
  X: readonly SparseRow[],
  y: number[],
  probs: Float32Array[],
  o: {
    d: number;
    nClasses: number;
    C: number;
    classWeight: (y: number[]) => number[];
    groups: readonly (string | number | null)[];
    folds: number;
    seed: number;
    signal?: AbortSignal;
    /** the linear solver (trainSparseLinear's default when absent) */
    solver?: 'primal' | 'dual';
  },
): Promise<{ beta: number; scores: BetaScore[] }> {
  const fold = groupFolds(o.groups, o.folds, o.seed);
  const per = DIALOGUE_BETAS.map(() => [] as number[]);
  for (let f = 0; f < o.folds; f++) {
    const tr: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < X.length; i++) (fold[i] === f ? held : tr).push(i);
    if (!held.length || !tr.length) continue;
    const yt = tr.map((i) => y[i]);
    const m = trainSparseLinear(
      tr.map((i) => X[i]),
      o.d,
      yt,
      { C: o.C, classWeight: o.classWeight(yt), probability: false, seed: o.seed, signal: o.signal, solver: o.solver },
    );
    const dec = classDecisions(
      m,
      held.map((i) => X[i]),
      o.nClasses,
    );
    const gold = held.map((i) => y[i]);
    DIALOGUE_BETAS.forEach((beta, b) =>
      per[b].push(
        weightedF1(
          o.nClasses,
          gold,
          held.map((i, t) => lateFusion(dec[t], probs[i], beta)),
        ),
      ),
    );
    await new Promise((r) => setImmediate(r));
  }
  const scores = DIALOGUE_BETAS.map((beta, b) => ({
    beta,
    weighted_f1: per[b].reduce((a, v) => a + v, 0) / Math.max(1, per[b].length),
    folds: per[b],
  }));
  let best = scores[0];
  for (const s of scores) if (s.weighted_f1 > best.weighted_f1 + 1e-9) best = s;
  return { beta: best.beta, scores };
}
