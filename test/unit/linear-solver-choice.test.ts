// Which solver train's linear path uses (issue 15): the primal Newton solver on rows with the dense
// media block, dual coordinate descent on text-only rows (sparseSolverFor); and the two solvers give
// nearly the same model on a small mixed problem (the same squared-hinge objective).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { loadModelData, trainModel } from '../../src/main/core/learn';
import { buildBlocks, concat, loadItems } from '../../src/main/core/learn/dataset';
import { buildSparseRows, sparseWidth } from '../../src/main/core/learn/sparse-rows';
import { decisionSparse, predictSparse, standardize, trainSparseLinear, type SparseRow } from '../../src/main/core/classify';
import { sparseSolverFor, type LinearModelData } from '../../src/main/core/classify/linear-solver';
import { Rng } from '../../src/main/core/rng';
import { tmpDir } from '../helpers/tmp';
import { makeSyntheticFeatureDb } from '../helpers/synthetic-features';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

/** The stored model's W, base64 of its float64 bytes. */
const storedW = (db: Db, version: number): string =>
  (JSON.parse(loadModelData(db, version).data.svm) as { model: { W: { b64: string } } }).model.W.b64;
const wOf = (m: LinearModelData): string => Buffer.from(m.W.buffer, m.W.byteOffset, m.W.byteLength).toString('base64');

/**
 * The training rows and labels train's linear path fits (no context, no lexicon), rebuilt from the
 * database and the stored model's vocabulary, label set and standardiser.
 */
function trainingRows(db: Db, version: number, modality: 'audio' | 'text'): { X: SparseRow[]; y: number[]; d: number } {
  const { data } = loadModelData(db, version);
  const items = loadItems(db, [modality]);
  const all = items.map((_, i) => i);
  const rows = all.filter((i) => items[i].split === 'train' && items[i].label !== null);
  const y = rows.map((i) => data.labels.indexOf(items[i].label!));
  let denseStd: Float32Array[] | undefined;
  let denseWidth = 0;
  if (modality === 'audio') {
    const blocks = buildBlocks(items, all, items, { modalities: ['audio'], context: false, vocabulary: [] });
    denseStd = standardize(
      data.standardizer!,
      all.map((i) => concat([blocks.audio[i], blocks.video[i]])),
    );
    denseWidth = denseStd[0].length;
  }
  const layout = { vocabulary: data.vocabulary, context: false, denseWidth };
  return { X: buildSparseRows(items, rows, layout, denseStd), y, d: sparseWidth(layout) };
}

describe("train's linear path: the solver follows the rows", () => {
  let t: ReturnType<typeof tmpDir>;
  beforeEach(() => (t = tmpDir('es-solver-choice-')));
  afterEach(() => t.cleanup());
  const base = { fusion: 'none' as const, classifier: 'linear' as const, context: false, seed: 1, C: 1, balanced: false };
  const fitBoth = (r: { X: SparseRow[]; y: number[]; d: number }) =>
    (['primal', 'dual'] as const).map((solver) =>
      wOf(trainSparseLinear(r.X, r.d, r.y, { C: 1, classWeight: [1, 1, 1], probability: true, seed: 1, solver })),
    );

  it('the rule: primal with a dense block, dual without', () => {
    expect(sparseSolverFor(60)).toBe('primal');
    expect(sparseSolverFor(0)).toBe('dual');
  });

  it('audio (dense block): the stored model is the primal fit, not the dual one', async () => {
    const file = path.join(t.dir, 'audio.db');
    makeSyntheticFeatureDb(file, { nTrain: 240, nDev: 30 });
    const db = openDb(file);
    try {
      const r = await trainModel(db, { ...base, modalities: ['audio'] });
      const rows = trainingRows(db, r.version, 'audio');
      expect(rows.d).toBe(60);
      const [primal, dual] = fitBoth(rows);
      expect(primal).not.toBe(dual);
      expect(storedW(db, r.version)).toBe(primal);
    } finally {
      db.close();
    }
  });

  it('text only: the stored model is the dual fit, not the primal one', async () => {
    const db = openDb(path.join(t.dir, 'text.db'));
    try {
      buildWordDialogues(db, {
        trainDialogues: 20,
        length: () => 5,
        text: (label, n, d, u) => `${WORDS[label][n % 3]} ${WORDS[LABELS[(d + u + 1) % 3]][(n >> 1) % 3]} number ${n}`,
      });
      const r = await trainModel(db, { ...base, modalities: ['text'] });
      const rows = trainingRows(db, r.version, 'text');
      const [primal, dual] = fitBoth(rows);
      expect(primal).not.toBe(dual);
      expect(storedW(db, r.version)).toBe(dual);
    } finally {
      db.close();
    }
  });
});

/** n rows: 5 hashed text columns of 2,000 (unit norm), then 40 N(0,1) columns shifted by 0.3 in the label's own 5 columns. */
function mixed(n: number, seed: number): { X: SparseRow[]; y: number[]; d: number } {
  const rng = new Rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const X: SparseRow[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = [0, 0, 0, 0, 1, 1, 2][rng.int(7)]; // imbalanced, as MELD
    y.push(c);
    const cols = new Set<number>();
    while (cols.size < 5) cols.add(rng.int(2000));
    const dense = Array.from({ length: 40 }, (_, k) => gauss() + (k >= 5 * c && k < 5 * c + 5 ? 0.3 : 0));
    X.push({
      indices: Int32Array.from([...[...cols].sort((a, b) => a - b), ...dense.map((_, k) => 2000 + k)]),
      values: Float64Array.from([...[...cols].map(() => Math.sqrt(1 / 5)), ...dense]),
    });
  }
  return { X, y, d: 2040 };
}

/** 0.5 w'w + sum_i C max(0, 1 - y_i w'x_i)^2 summed over the one-vs-rest problems (unweighted, C 1). */
function objective(m: LinearModelData, X: SparseRow[], y: number[]): number {
  const dec = decisionSparse(m, X);
  const d1 = m.nFeatures + 1;
  let f = 0;
  m.classes.forEach((c, k) => {
    for (let j = 0; j < d1; j++) f += 0.5 * m.W[k * d1 + j] ** 2;
    X.forEach((_, i) => (f += Math.max(0, 1 - (y[i] === c ? 1 : -1) * dec[i][k]) ** 2));
  });
  return f;
}

describe('primal and dual on a small mixed problem (sparse text + dense block)', () => {
  it('reach the same objective within 0.2% and agree on >= 97% of the predictions, training and fresh rows', () => {
    const tr = mixed(800, 1);
    const fresh = mixed(800, 2);
    const [p, q] = (['primal', 'dual'] as const).map((solver) =>
      trainSparseLinear(tr.X, tr.d, tr.y, { C: 1, probability: false, seed: 1, solver }),
    );
    const fp = objective(p, tr.X, tr.y);
    const fq = objective(q, tr.X, tr.y);
    expect(Math.abs(fp - fq) / fq).toBeLessThan(2e-3);
    const agree = (X: SparseRow[]) => {
      const a = predictSparse(p, X);
      const b = predictSparse(q, X);
      return a.filter((v, i) => v === b[i]).length / a.length;
    };
    expect(agree(tr.X)).toBeGreaterThanOrEqual(0.97);
    expect(agree(fresh.X)).toBeGreaterThanOrEqual(0.97);
  });
});
