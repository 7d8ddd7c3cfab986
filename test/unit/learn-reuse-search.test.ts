// A retrain reuses the latest comparable C search (issue 15): same data -> no search and the same
// model as a fixed-C train of the reused choice; a big change, a new configuration or --search ->
// a new search; a user-given C never reuses and is never reused. Real SQLite, small word corpus.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { trainModel, type TrainOptions, type TrainProgress } from '../../src/main/core/learn';
import { unpackModelData } from '../../src/main/core/learn/model-data';
import { relabel } from '../../src/main/core/store/labels';
import { modelDataBlob, predictionLabels } from '../../src/main/core/store/model-versions';
import { trainingChange } from '../../src/main/core/learn/reuse-search';
import { tmpDir } from '../helpers/tmp';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

const base: TrainOptions = {
  fusion: 'none',
  classifier: 'linear',
  modalities: ['text'],
  context: false,
  seed: 1,
  Cs: [0.01, 0.1, 1],
  reuseSearch: true,
};

/** Trains, counting the scored (C, weighting) candidates of the search from its progress lines. */
async function train(db: Db, o: Partial<TrainOptions> = {}) {
  const lines: TrainProgress[] = [];
  const r = await trainModel(db, { ...base, ...o, onProgress: (p) => lines.push(p) });
  const scored = lines.filter((p) => p.stage === 'choose' && (p.done ?? 0) > 0).length;
  return { r, scored, lines };
}

const trainIds = (db: Db) =>
  db.prepare("SELECT id, label FROM utterance WHERE split = 'train' ORDER BY id").all() as { id: number; label: string }[];
const relabelFirst = (db: Db, k: number) => {
  for (const u of trainIds(db).slice(0, k)) relabel(db, u.id, LABELS[(LABELS.indexOf(u.label) + 1) % 3], 'test');
};

describe('train: reusing the latest comparable C search', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  beforeEach(() => {
    t = tmpDir('es-learn-reuse-');
    db = openDb(path.join(t.dir, 'es.db'));
    buildWordDialogues(db, {
      trainDialogues: 30,
      length: () => 5,
      text: (label, n, d, u) => `${WORDS[label][n % 3]} ${n % 3 === 0 ? WORDS[LABELS[(d + u + 1) % 3]][(n >> 1) % 3] : 'well'} number ${n}`,
    });
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('the second train on the same data reuses without scoring a candidate, and fits the model a fixed-C train fits', async () => {
    const a = await train(db);
    expect(a.r.selection.method).toBe('cv');
    expect(a.scored).toBe(6); // 3 C x 2 weightings
    const b = await train(db);
    expect(b.scored).toBe(0);
    expect(b.r.selection.method).toBe('reused');
    expect(b.r.selection.from_model).toBe(a.r.version);
    expect(b.r.selection.chosen).toEqual(a.r.selection.chosen);
    expect(b.r.selection.score).toBe(a.r.selection.score);
    expect(b.r.selection.reuse).toMatchObject({ n_train_searched: 150, changed_items: 0, changed_fraction: 0, label_tvd: 0 });
    expect(b.r.selection.why).toMatch(new RegExp(`model ${a.r.version}.*3 folds of its 150 training rows.*--search`));
    expect(b.r.grid).toBeNull();
    expect(b.lines.some((p) => /reused from model \d+ \(chosen by 3-fold CV on 150 training rows\)/.test(p.message))).toBe(true);
    // the same fit as the chosen C and weighting given by hand
    const { C, balanced } = a.r.selection.chosen;
    const f = await train(db, { C, balanced });
    expect(f.r.selection.method).toBe('fixed');
    // the serialized SVM but its fit time
    const svm = (v: number) => {
      const m = JSON.parse(String(unpackModelData(modelDataBlob(db, v)!).svm)) as { info: { trainSeconds?: number } };
      delete m.info.trainSeconds;
      return m;
    };
    expect(svm(b.r.version)).toEqual(svm(f.r.version));
    expect(svm(b.r.version)).toEqual(svm(a.r.version));
    expect(predictionLabels(db, b.r.version)).toEqual(predictionLabels(db, f.r.version));
    // a reused choice is reused from the search, not from the reusing model, nor from the fixed-C one
    const c = await train(db);
    expect(c.r.selection.method).toBe('reused');
    expect(c.r.selection.from_model).toBe(a.r.version);
  });

  it('a few corrections still reuse; more than 5% of the training items changed searches again', async () => {
    const a = await train(db);
    relabelFirst(db, 3); // 2% of 150
    const b = await train(db);
    expect(b.r.selection.method).toBe('reused');
    expect(b.r.selection.reuse!.changed_items).toBe(3);
    relabelFirst(db, 12); // 8% against model a's search
    const c = await train(db);
    expect(c.r.selection.method).toBe('cv');
    expect(c.scored).toBe(6);
    expect(c.lines.some((p) => new RegExp(`training data changed since model ${a.r.version}'s search: 12 of 150`).test(p.message))).toBe(
      true,
    );
    const d = await train(db);
    expect(d.r.selection).toMatchObject({ method: 'reused', from_model: c.r.version });
  });

  it('--search (reuseSearch false), another grid, weighting, seed or select mode search; a given C never reuses', async () => {
    const a = await train(db);
    expect((await train(db, { reuseSearch: false })).scored).toBe(6);
    const grid = await train(db, { Cs: [0.01, 1] });
    expect(grid.r.selection.method).toBe('cv');
    const weighted = await train(db, { balanced: true });
    expect(weighted.r.selection.method).toBe('cv');
    expect(weighted.scored).toBe(3);
    expect((await train(db, { balanced: true })).r.selection).toMatchObject({ method: 'reused', from_model: weighted.r.version });
    expect((await train(db, { seed: 2 })).r.selection.method).toBe('cv');
    expect((await train(db, { select: 'dev' })).r.selection.method).toBe('dev');
    const fixed = await train(db, { C: 0.5 });
    expect(fixed.r.selection.method).toBe('fixed');
    expect(fixed.scored).toBe(0);
    const after = await train(db);
    expect(after.r.selection.method).toBe('reused');
    expect(after.r.selection.from_model).not.toBe(fixed.r.version);
    expect(after.r.selection.from_model).toBeGreaterThan(a.r.version); // the --search model (same configuration, later)
  });
});

describe('trainingChange', () => {
  it('counts added, removed and relabelled items and the label distributions’ total variation distance', () => {
    const before = { '1': 'a', '2': 'a', '3': 'b', '4': 'b' };
    const now = new Map([
      ['1', 'a'],
      ['2', 'b'], // relabelled
      ['3', 'b'],
      ['5', 'a'], // added; 4 removed
    ]);
    const d = trainingChange(before, now);
    expect(d.changed).toBe(3);
    expect(d.fraction).toBe(0.75);
    expect(d.tvd).toBeCloseTo(0, 12); // 2a 2b -> 2a 2b
    expect(
      trainingChange(
        { '1': 'a', '2': 'a' },
        new Map([
          ['1', 'a'],
          ['2', 'b'],
        ]),
      ).tvd,
    ).toBe(0.5);
  });
});
