// --fusion dialogue's ways of combining the cross-fitted dialogue networks with the linear SVM, under
// grouped 3-fold CV on the TRAINING split (dev and test never read): the networks alone, late fusion
// (decision + beta * log p) per beta, and the probabilities as SVM columns per weight; the networks'
// probabilities are cached per TAG (HIDDEN, DROPOUT, PATIENCE, NSEED choose the network; PROBS=a,b averages cached runs).
//   esbuild bench/meld-cv-dialogue.ts --bundle --platform=node --format=cjs --external:better-sqlite3 --external:onnxruntime-node '--external:@tensorflow/*' --outfile=bench/results/meld-cv-dialogue.cjs
//   DB=meld.db TAG=base [CTX=1] node bench/results/meld-cv-dialogue.cjs
import fs from 'node:fs';
import { openDb } from '../src/main/core/store/db';
import { loadItems, labelSet, chooseVocabulary, buildBlocks } from '../src/main/core/learn/dataset';
import { utteranceScores, dialogueFeatures } from '../src/main/core/learn/dialogue-rows';
import { buildSparseRows, sparseWidth } from '../src/main/core/learn/sparse-rows';
import {
  groupFolds,
  trainSparseLinear,
  decisionSparse,
  balancedClassWeights,
  weightedF1,
  fitStandardizer,
  standardize,
} from '../src/main/core/classify';

async function main() {
  const db = openDb(process.env.DB ?? 'meld.db');
  const items = loadItems(db, ['text']);
  const labels = labelSet(db);
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const all = items.map((_, i) => i);
  const trainRows = all.filter((i) => items[i].split === 'train' && items[i].label !== null);
  const yTrain = trainRows.map((i) => classOf.get(items[i].label!)!);
  const vocabulary = chooseVocabulary(
    trainRows.map((i) => items[i].text),
    Infinity,
  );
  const tag = process.env.TAG ?? 'base';
  const file = `bench/results/dialogue-probs-${tag}.json`;
  let probs: Float32Array[];
  if (process.env.PROBS) {
    const sets = process.env.PROBS.split(',').map(
      (t) => JSON.parse(fs.readFileSync(`bench/results/dialogue-probs-${t}.json`, 'utf8')) as number[][],
    );
    probs = sets[0].map((_, i) => Float32Array.from(sets[0][i], (_, c) => sets.reduce((a, s) => a + s[i][c], 0) / sets.length));
  } else if (fs.existsSync(file)) probs = (JSON.parse(fs.readFileSync(file, 'utf8')) as number[][]).map((a) => Float32Array.from(a));
  else {
    const t0 = performance.now();
    const seed = Number(process.env.NSEED ?? 1);
    const scores = utteranceScores(items, vocabulary, trainRows, yTrain, labels.length, seed);
    const blocks = buildBlocks(items, all, items, { modalities: [], context: false, vocabulary: [] });
    const f = await dialogueFeatures(items, { ...blocks, text: scores }, new Map(trainRows.map((i, k) => [i, yTrain[k]])), labels.length, {
      seed,
      hidden: process.env.HIDDEN ? Number(process.env.HIDDEN) : undefined,
      dropout: process.env.DROPOUT ? Number(process.env.DROPOUT) : undefined,
      patience: process.env.PATIENCE ? Number(process.env.PATIENCE) : undefined,
    });
    probs = f.probs;
    fs.writeFileSync(file, JSON.stringify(probs.map((p) => Array.from(p))));
    console.log(`networks ${tag}: best epochs ${f.bestEpochs} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const nC = labels.length;
  // the network alone on training items (out of fold)
  const argmax = (p: ArrayLike<number>) => {
    let b = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[b]) b = c;
    return b;
  };
  console.log(
    `${tag}: network alone, train OOF weighted F1 ${weightedF1(
      nC,
      yTrain,
      trainRows.map((i) => argmax(probs[i])),
    ).toFixed(4)}`,
  );
  const fold = groupFolds(
    trainRows.map((i) => items[i].dialogueId),
    3,
    1,
  );
  const ctx = process.env.CTX === '1';
  const cv = (X: ReturnType<typeof buildSparseRows>, d: number, C: number) => {
    const dec: Float64Array[] = new Array(trainRows.length);
    for (let f = 0; f < 3; f++) {
      const tr = trainRows.map((_, j) => j).filter((j) => fold[j] !== f),
        he = trainRows.map((_, j) => j).filter((j) => fold[j] === f);
      const yt = tr.map((j) => yTrain[j]);
      const m = trainSparseLinear(
        tr.map((j) => X[j]),
        d,
        yt,
        { C, classWeight: balancedClassWeights(yt, nC), probability: false, seed: 1 },
      );
      const ds = decisionSparse(
        m,
        he.map((j) => X[j]),
      );
      he.forEach((j, t) => {
        const o = new Float64Array(nC);
        m.classes.forEach((c, k) => (o[c] = ds[t][k]));
        dec[j] = o;
      });
    }
    return dec;
  };
  const f1Of = (dec: ArrayLike<number>[]) => {
    const per: number[] = [];
    for (let f = 0; f < 3; f++) {
      const js = trainRows.map((_, j) => j).filter((j) => fold[j] === f);
      per.push(
        weightedF1(
          nC,
          js.map((j) => yTrain[j]),
          js.map((j) => argmax(dec[j])),
        ),
      );
    }
    return per.reduce((a, b) => a + b) / 3;
  };
  // (a) text (and context) SVM; (c) late fusion with log p
  const layout0 = { vocabulary, context: ctx, denseWidth: 0 };
  const X0 = buildSparseRows(items, trainRows, layout0);
  for (const C of [0.1]) {
    const dec = cv(X0, sparseWidth(layout0), C);
    const line: string[] = [];
    for (const beta of [0, 0.1, 0.2, 0.3, 0.5, 0.75, 1]) {
      line.push(`${beta}:${f1Of(dec.map((d, j) => d.map((v, c) => v + beta * Math.log(probs[trainRows[j]][c] + 1e-6)))).toFixed(4)}`);
    }
    console.log(`${tag} ctx=${ctx} late fusion C=${C} beta: ${line.join(' ')}`);
  }
  // (b) columns in the SVM
  const std = standardize(
    fitStandardizer(trainRows.map((i) => probs[i])),
    trainRows.map((i) => probs[i]),
  );
  for (const w of [0.1, 0.3]) {
    const dense = std.map((r) => r.map((v) => v * w));
    const layout = { vocabulary, context: ctx, denseWidth: nC };
    const X = buildSparseRows(
      items,
      trainRows,
      layout,
      (() => {
        const a: Float32Array[] = [];
        trainRows.forEach((i, j) => (a[i] = dense[j]));
        return a;
      })(),
    );
    const line = [0.05, 0.1, 0.2].map((C) => `${C}:${f1Of(cv(X, sparseWidth(layout), C)).toFixed(4)}`);
    console.log(`${tag} ctx=${ctx} columns w=${w} C: ${line.join(' ')}`);
  }
}
main();
