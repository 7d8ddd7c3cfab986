// Model selection that does not look at dev (issue 16): C and the class weighting of the sparse linear
// SVM by cross-validation on the training split with whole dialogues per fold; what was chosen and
// why is stored in the model params.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { trainModel } from '../../src/main/core/learn';
import { relabel } from '../../src/main/core/store/labels';
import { groupFolds } from '../../src/main/core/classify';
import { tmpDir } from '../helpers/tmp';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

function build(db: Db): void {
  buildWordDialogues(db, {
    trainDialogues: 30,
    length: () => 5,
    // a word of the class, and a word of another class in one utterance out of three (noise)
    text: (label, n, d, u) => {
      const other = LABELS[(d + u + 1) % 3];
      return `${WORDS[label][n % 3]} ${n % 3 === 0 ? WORDS[other][(n >> 1) % 3] : 'well'} number ${n}`;
    },
  });
}

describe('groupFolds', () => {
  it('keeps every group in one fold, balances the fold sizes, repeats with the seed', () => {
    const groups = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? null : `d${Math.floor(i / 5)}`));
    const f = groupFolds(groups, 3, 4);
    const foldOf = new Map<string, number>();
    groups.forEach((g, i) => {
      if (g === null) return;
      if (foldOf.has(g)) expect(f[i]).toBe(foldOf.get(g));
      else foldOf.set(g, f[i]);
    });
    const sizes = [0, 1, 2].map((k) => f.filter((x) => x === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(5); // at most one group apart
    expect(Array.from(groupFolds(groups, 3, 4))).toEqual(Array.from(f));
    expect(Array.from(groupFolds(groups, 3, 5))).not.toEqual(Array.from(f));
  });
});

describe('train: C and class weighting by grouped cross-validation on train', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  beforeEach(() => {
    t = tmpDir('es-learn-select-');
    db = openDb(path.join(t.dir, 'es.db'));
    build(db);
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  const base = {
    fusion: 'none' as const,
    classifier: 'linear' as const,
    modalities: ['text' as const],
    context: false,
    seed: 1,
    Cs: [0.01, 0.1, 1],
  };
  const scramble = () => {
    for (const r of db.prepare("SELECT id, label FROM utterance WHERE split = 'dev'").all() as { id: number; label: string }[])
      relabel(db, r.id, LABELS[(LABELS.indexOf(r.label) + 1) % 3], 'test');
  };

  it('chooses without looking at dev: scrambled dev labels leave the choice and its scores unchanged (dev-based choice changes)', async () => {
    const a = await trainModel(db, base);
    expect(a.selection.method).toBe('cv');
    expect(a.selection.folds).toBe(3);
    expect(a.selection.why).toMatch(/3 folds of the training split \(whole dialogues per fold\).*dev only confirms/);
    expect(a.grid).toHaveLength(6); // 3 C x (unweighted, balanced)
    const devA = await trainModel(db, { ...base, select: 'dev' });
    expect(devA.selection.method).toBe('dev');
    scramble();
    const b = await trainModel(db, base);
    expect(b.selection).toEqual(a.selection);
    expect(b.grid).toEqual(a.grid!.map((g, k) => ({ ...g, trainSeconds: b.grid![k].trainSeconds })));
    const devB = await trainModel(db, { ...base, select: 'dev' });
    expect(devB.grid!.map((g) => g.weighted_f1)).not.toEqual(devA.grid!.map((g) => g.weighted_f1));
    // stored with the model, and the dev figure still reported (it confirms)
    const params = JSON.parse((db.prepare('SELECT params FROM model WHERE version = ?').get(b.version) as { params: string }).params);
    expect(params.selection).toEqual(b.selection);
    expect(params.n_dev_for_C).toBe(0);
    expect(b.metrics.dev.n).toBe(40);
  }, 120_000);

  it('the chosen candidate has the best mean held-out fold score; fixed C is said so', async () => {
    const a = await trainModel(db, base);
    const best = Math.max(...a.grid!.map((g) => g.weighted_f1));
    const first = a.grid!.find((g) => g.weighted_f1 === best)!;
    expect(a.selection.chosen).toEqual({ C: first.C, balanced: !!first.balanced });
    for (const g of a.grid as unknown as { weighted_f1: number; folds: number[] }[]) {
      expect(g.folds).toHaveLength(3);
      expect(g.weighted_f1).toBeCloseTo(g.folds.reduce((x, y) => x + y, 0) / 3, 12);
    }
    const fixed = await trainModel(db, { ...base, C: 0.5 });
    expect(fixed.selection).toMatchObject({ method: 'fixed', chosen: { C: 0.5 }, why: 'C given' });
  }, 120_000);
});
