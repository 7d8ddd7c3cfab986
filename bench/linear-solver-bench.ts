// The sparse linear SVM's two solvers (linear-solver.ts: LIBLINEAR's dual coordinate descent and the
// primal trust-region Newton, -s 2) timed on the same rows, CPU seconds by process.cpuUsage (issue 15):
// a synthetic problem shaped like the scale bench's media corpus (per row `--dense` standard-normal
// columns, as the standardised audio + video block, after `--text` hashed text columns of `--vocab`,
// L2-normalised; labels drawn at random in MELD's training proportions), and with `--meld DB` MELD's
// text-only training rows as `train` builds them (no dense block), scored by grouped 3-fold CV on
// the training split (dev is not read); with `--db DB` the training rows `train --fusion none
// --classifier linear` builds from a database's text, audio and video features (no context), fit
// per solver at `--C` (`--probability`: with the Platt folds, as train). Both solvers minimise the
// same objective; the bench prints the summed one-vs-rest objective of each model and how often
// their predictions agree.
//
//   npx esbuild bench/linear-solver-bench.ts --bundle --platform=node --target=node20 --format=cjs \
//     --packages=external --outfile=out/bench/linear-solver-bench.js
//   node out/bench/linear-solver-bench.js [--rows 1000,10000] [--dense 90] [--text 10] [--vocab 20000]
//     [--distinct N (distinct dense vectors, default: one per row)] [--C 1] [--balanced] [--probability]
//     [--solvers dual,primal] [--reps 1] [--meld /tmp/h16/meld.db --meld-C 0.2] [--db DB]
//     [--heldout FILE (--db: grouped 3-fold CV on the rows, probabilities fit on two folds, held-out
//      log loss printed and the held-out probabilities saved, to compare builds)]
//     [--save FILE (the last fit's W, sigmoids and training-row decision values as JSON, to compare builds)]
import fs from 'node:fs';
import os from 'node:os';
import {
  balancedClassWeights,
  decisionSparse,
  fitStandardizer,
  predictProbaSparse,
  predictSparse,
  standardize,
  trainSparseLinear,
  weightedF1,
  type SparseRow,
} from '../src/main/core/classify';
import type { LinearModelData } from '../src/main/core/classify/linear-solver';
import { Rng } from '../src/main/core/classify/rng';
import { openDb } from '../src/main/core/store/db';
import { buildSparseRows, sparseWidth } from '../src/main/core/learn/sparse-rows';
import { buildBlocks, chooseVocabulary, concat, labelSet, loadItems } from '../src/main/core/learn/dataset';
import { benchArgs } from './args.mjs';
import { foldParts, trainSet } from './meld-cv-common';

const args = benchArgs();
const opt = (name: string, dflt: string): string => args[name] ?? dflt;
const ROWS = opt('rows', '1000,10000').split(',').map(Number);
const DENSE = Number(opt('dense', '90'));
const TEXT = Number(opt('text', '10'));
const VOCAB = Number(opt('vocab', '20000'));
const C = Number(opt('C', '1'));
const BALANCED = args.balanced === 'true';
const PROBABILITY = args.probability === 'true';
const SOLVERS = opt('solvers', 'dual,primal').split(',') as ('dual' | 'primal')[];
const REPS = Number(opt('reps', '1'));
// MELD's training split: neutral joy surprise anger sadness disgust fear
const COUNTS = [4710, 1743, 1205, 1109, 683, 271, 268];
const NC = COUNTS.length;

/** CPU seconds (user + system) of fn, and its result. */
function cpu<T>(fn: () => T): { s: number; v: T } {
  const t = process.cpuUsage();
  const v = fn();
  const u = process.cpuUsage(t);
  return { s: (u.user + u.system) / 1e6, v };
}

/** n synthetic rows: TEXT unit-norm hashed columns in [0, VOCAB), then DENSE N(0,1) columns; random MELD-proportion labels. */
function synth(n: number, distinct: number, seed: number): { X: SparseRow[]; y: number[]; d: number } {
  const rng = new Rng(seed);
  const gauss = (): number => {
    let u = 0;
    while (u === 0) u = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const pool = Array.from({ length: distinct }, () => Float64Array.from({ length: DENSE }, gauss));
  const total = COUNTS.reduce((a, b) => a + b, 0);
  const cum = COUNTS.map((_, k) => COUNTS.slice(0, k + 1).reduce((a, b) => a + b, 0) / total);
  const X: SparseRow[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    y.push(cum.findIndex((c) => u < c));
    const cols = new Set<number>();
    while (cols.size < TEXT) cols.add(rng.int(VOCAB));
    const text = [...cols].sort((a, b) => a - b);
    const tv = text.map(() => 0.5 + rng.next());
    const norm = Math.hypot(...tv);
    const dense = pool[distinct === n ? i : rng.int(distinct)];
    X.push({
      indices: Int32Array.from([...text, ...Array.from({ length: DENSE }, (_, k) => VOCAB + k)]),
      values: Float64Array.from([...tv.map((v) => v / norm), ...dense]),
    });
  }
  return { X, y, d: VOCAB + DENSE };
}

/**
 * Sum over the model's one-vs-rest problems of 0.5 w'w + sum_i C_i max(0, 1 - y_i w'x_i)^2 (the
 * objective both solvers minimise; C_i = C * classWeight[k] on class k's rows, C on the others).
 */
function objective(m: LinearModelData, X: readonly SparseRow[], y: readonly number[], cw: ArrayLike<number> | undefined): number {
  const dec = decisionSparse(m, X);
  const d1 = m.nFeatures + 1;
  let f = 0;
  m.classes.forEach((c, k) => {
    for (let j = 0; j < d1; j++) f += 0.5 * m.W[k * d1 + j] ** 2;
    const Cpos = C * (cw?.[c] ?? 1);
    for (let i = 0; i < X.length; i++) {
      const yi = y[i] === c ? 1 : -1;
      const loss = Math.max(0, 1 - yi * dec[i][k]);
      f += (yi > 0 ? Cpos : C) * loss * loss;
    }
  });
  return f;
}

const agree = (a: number[], b: number[]): number => a.filter((v, i) => v === b[i]).length / a.length;

/** The training rows train's linear path builds from a database (text + standardised audio/video, no context). */
function dbRows(file: string): { X: SparseRow[]; y: number[]; d: number; groups: (number | null)[] } {
  const db = openDb(file, { readonly: true });
  const labels = labelSet(db);
  const items = loadItems(db, ['text', 'audio', 'video']);
  db.close();
  const all = items.map((_, i) => i);
  const rows = all.filter((i) => items[i].split === 'train' && items[i].label !== null && labels.includes(items[i].label!));
  const vocabulary = chooseVocabulary(
    rows.map((i) => items[i].text),
    Infinity,
  );
  const blocks = buildBlocks(items, all, items, { modalities: ['audio', 'video'], context: false, vocabulary: [] });
  const dense = all.map((i) => concat([blocks.audio[i], blocks.video[i]]));
  const denseStd = standardize(fitStandardizer(rows.map((i) => dense[i])), dense);
  const layout = { vocabulary, context: false, denseWidth: dense[0].length };
  const X = buildSparseRows(items, rows, layout, denseStd);
  return { X, y: rows.map((i) => labels.indexOf(items[i].label!)), d: sparseWidth(layout), groups: rows.map((i) => items[i].dialogueId) };
}

/** Grouped 3-fold CV of the rows (groups: dialogues): held-out log loss of the probabilities, saved per row. */
function heldout(file: string, X: readonly SparseRow[], d: number, y: number[], groups: (number | null)[]): void {
  const solver = SOLVERS[SOLVERS.length - 1];
  const proba: number[][] = new Array(X.length);
  let ll = 0;
  let s = 0;
  for (const { tr, he } of foldParts(groups, 1)) {
    const yt = tr.map((j) => y[j]);
    const t = cpu(() =>
      trainSparseLinear(
        tr.map((j) => X[j]),
        d,
        yt,
        { C, classWeight: BALANCED ? balancedClassWeights(yt, NC) : undefined, probability: true, seed: 1, solver },
      ),
    );
    s += t.s;
    const p = predictProbaSparse(
      t.v,
      he.map((j) => X[j]),
      NC,
    );
    he.forEach((j, k) => {
      proba[j] = p[k];
      ll -= Math.log(Math.max(p[k][y[j]], 1e-15));
    });
  }
  console.log(`  held-out (grouped 3-fold) log loss ${(ll / X.length).toFixed(5)}; 3 fits with probabilities ${s.toFixed(2)} s CPU`);
  fs.writeFileSync(file, JSON.stringify(proba));
}

/** The model and its decision values on the rows X, as JSON (compare-fits: weights, predictions, probabilities). */
function save(file: string, m: LinearModelData, X: readonly SparseRow[]): void {
  const arr = (a: Float64Array | null): number[] | null => (a ? Array.from(a) : null);
  const dec = decisionSparse(m, X).map((s) => Array.from(s));
  fs.writeFileSync(file, JSON.stringify({ classes: m.classes, W: arr(m.W), probA: arr(m.probA), probB: arr(m.probB), dec }));
}

function synthetic(): void {
  for (const n of args.db ? [-1] : ROWS) {
    const distinct = Number(opt('distinct', String(n)));
    const { X, y, d, groups } = args.db ? dbRows(args.db) : { ...synth(n, distinct, 1), groups: [] };
    if (args.heldout && args.db) heldout(args.heldout, X, d, y, groups);
    const held = args.db ? { X: X.slice(0, 1000) } : synth(2000, Math.min(distinct, 2000), 2);
    const cw = BALANCED ? balancedClassWeights(y, NC) : undefined;
    const fits = new Map<string, LinearModelData>();
    for (let r = 0; r < REPS; r++) {
      // solvers alternate within each repetition
      for (const solver of SOLVERS) {
        const t = cpu(() => trainSparseLinear(X, d, y, { C, classWeight: cw, probability: PROBABILITY, seed: 1, solver }));
        fits.set(solver, t.v);
        console.log(
          `${args.db ? `${args.db} n=${X.length} d=${d}` : `synthetic n=${n} distinct=${distinct}`} C=${C}${BALANCED ? ' balanced' : ''}${PROBABILITY ? ' +prob' : ''} ${solver}: ${t.s.toFixed(2)} s CPU` +
            ` (rep ${r + 1}; load ${os.loadavg()[0].toFixed(2)})`,
        );
      }
    }
    if (args.save) save(args.save, fits.get(SOLVERS[SOLVERS.length - 1])!, X);
    const [a, b] = SOLVERS.map((s) => fits.get(s)!);
    if (a && b) {
      const fa = objective(a, X, y, cw);
      const fb = objective(b, X, y, cw);
      console.log(
        `  objective ${SOLVERS[0]} ${fa.toFixed(3)}, ${SOLVERS[1]} ${fb.toFixed(3)} (relative difference ${((fb - fa) / fa).toExponential(2)}); ` +
          `predictions agree on ${(100 * agree(predictSparse(a, X), predictSparse(b, X))).toFixed(2)}% of the training rows, ` +
          `${(100 * agree(predictSparse(a, held.X), predictSparse(b, held.X))).toFixed(2)}% of ${args.db ? 'the first 1,000 of them' : '2,000 fresh rows'}`,
      );
    }
  }
}

/** MELD's text-only training rows (as `train` builds them without context), grouped 3-fold CV per solver. */
function meld(file: string): void {
  const db = openDb(file, { readonly: true });
  const t = trainSet(db);
  const layout = { vocabulary: t.vocabulary, context: false, denseWidth: 0 };
  const d = sparseWidth(layout);
  const X = buildSparseRows(t.items, t.trainRows, layout);
  const Cm = Number(opt('meld-C', '0.2'));
  const parts = foldParts(t.groups, 1);
  for (let r = 0; r < REPS; r++) {
    for (const solver of SOLVERS) {
      const cw = balancedClassWeights(t.y, t.nC);
      const full = cpu(() => trainSparseLinear(X, d, t.y, { C: Cm, classWeight: cw, probability: true, seed: 1, solver }));
      let cvCpu = 0;
      const f1s = parts.map(({ tr, he }) => {
        const yt = tr.map((j) => t.y[j]);
        const m = cpu(() =>
          trainSparseLinear(
            tr.map((j) => X[j]),
            d,
            yt,
            { C: Cm, classWeight: balancedClassWeights(yt, t.nC), probability: false, seed: 1, solver },
          ),
        );
        cvCpu += m.s;
        return weightedF1(
          t.nC,
          he.map((j) => t.y[j]),
          predictSparse(
            m.v,
            he.map((j) => X[j]),
          ),
        );
      });
      console.log(
        `meld text n=${X.length} d=${d} C=${Cm} balanced ${solver}: full fit + probabilities ${full.s.toFixed(2)} s CPU; ` +
          `3 CV fits ${cvCpu.toFixed(2)} s CPU; held-out weighted F1 per fold ${f1s.map((f) => f.toFixed(4)).join(' / ')}, ` +
          `mean ${(f1s.reduce((a, b) => a + b, 0) / f1s.length).toFixed(4)} (rep ${r + 1}; load ${os.loadavg()[0].toFixed(2)})`,
      );
    }
  }
  db.close();
}

console.log(
  `linear solver bench: ${os.availableParallelism()} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (args.meld) meld(args.meld);
else synthetic();
