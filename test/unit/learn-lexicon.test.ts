// `train --lexicon` (issue 16): six sentiment-lexicon columns (VADER + AFINN-165 of the raw text)
// beside the text block of the sparse linear SVM.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { trainModel, loadModelData, TrainError } from '../../src/main/core/learn';
import { loadItems, chooseVocabulary } from '../../src/main/core/learn/dataset';
import { buildSparseRows, sparseWidth, LEXICON_WEIGHT } from '../../src/main/core/learn/sparse-rows';
import { lexiconFeatures, LEXICON_WIDTH } from '../../src/main/core/features/text/lexicon';
import { tmpDir } from '../helpers/tmp';
import { buildWordDialogues } from '../helpers/word-dialogues';

describe('lexiconFeatures', () => {
  it('VADER compound / positive / negative and AFINN-165 sum, lowest and highest rating (/ 5)', () => {
    const f = Array.from(lexiconFeatures('I love this, it is great!'));
    expect(f).toHaveLength(LEXICON_WIDTH);
    expect(f[0]).toBeGreaterThan(0.5); // compound
    expect(f[1]).toBeGreaterThan(0.5); // positive share
    expect(f[2]).toBe(0); // negative share
    expect(f.slice(3)).toEqual([1.2, 0.6, 0.6]); // love 3 + great 3
    const g = Array.from(lexiconFeatures('I hate you.'));
    expect(g[0]).toBeLessThan(-0.5);
    expect(g[2]).toBeGreaterThan(0.5);
    expect(g.slice(3)).toEqual([-0.6, -0.6, -0.6]); // hate -3
    // mixed: lowest and highest of the rated words; the sum nets them
    expect(Array.from(lexiconFeatures('Good grief, what a horrible day')).slice(3)).toEqual([-0.4, -0.6, 0.6]); // 3 - 2 - 3
  });
  it('VADER negates ("not good" is negative where the AFINN words are not); curly apostrophes read as straight', () => {
    const f = lexiconFeatures('not good');
    expect(f[0]).toBeLessThan(0);
    expect(f[3]).toBeGreaterThan(0);
    expect(Array.from(lexiconFeatures('I don’t like it'))).toEqual(Array.from(lexiconFeatures("I don't like it")));
  });
  it('zeros for an empty or unrated text, and for words that are Object properties', () => {
    for (const t of ['', 'the table and the chair', 'constructor toString __proto__'])
      expect(Array.from(lexiconFeatures(t))).toEqual(new Array(LEXICON_WIDTH).fill(0));
  });
});

// train: each label's sentiment words; dev: other words of the same polarity, never seen in training
const TRAIN_WORDS: Record<string, string[]> = {
  anger: ['awful', 'terrible', 'horrible', 'disgusting', 'miserable'],
  joy: ['wonderful', 'amazing', 'fantastic', 'excellent', 'brilliant'],
  neutral: ['table', 'chair', 'door', 'window', 'floor'],
};
const DEV_WORDS: Record<string, string[]> = {
  anger: ['dreadful', 'pathetic', 'furious', 'hateful', 'nasty'],
  joy: ['lovely', 'awesome', 'superb', 'delightful', 'marvelous'],
  neutral: ['paper', 'street', 'glass', 'wall', 'roof'],
};

describe('train --lexicon', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  beforeEach(() => {
    t = tmpDir('es-learn-lexicon-');
    db = openDb(path.join(t.dir, 'es.db'));
    buildWordDialogues(db, {
      trainDialogues: 30,
      length: () => 5,
      text: (label, n) => `${(n < 150 ? TRAIN_WORDS : DEV_WORDS)[label][n % 5]} item ${n}`,
    });
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
    Cs: [0.1, 1],
  };

  it('places the weighted lexicon columns after the text (and context) block, before the dense one', () => {
    const items = loadItems(db, ['text']);
    const vocabulary = chooseVocabulary(
      items.filter((i) => i.split === 'train').map((i) => i.text),
      Infinity,
    );
    const K = vocabulary.length;
    const lex = items.map((_, i) => Float64Array.of(i + 1, 0, -2, 0, 0, 3));
    const dense = items.map(() => Float32Array.of(7));
    for (const context of [false, true]) {
      const layout = { vocabulary, context, denseWidth: 1, lexiconWidth: LEXICON_WIDTH };
      const o = context ? 2 * K + 1 : K;
      expect(sparseWidth(layout)).toBe(o + LEXICON_WIDTH + 1);
      const [row] = buildSparseRows(items, [4], layout, dense, lex);
      const tail = Array.from(row.indices, (c, k) => [c, row.values[k]]).filter(([c]) => c >= o);
      expect(tail).toEqual([
        [o, LEXICON_WEIGHT * 5],
        [o + 2, LEXICON_WEIGHT * -2],
        [o + 5, LEXICON_WEIGHT * 3],
        [o + 6, 7],
      ]);
      expect(() => buildSparseRows(items, [4], layout, dense)).toThrow(/no lexicon features/);
    }
  });

  it('carries polarity to words never seen in training, and is stored with the model', async () => {
    const plain = await trainModel(db, base);
    const lex = await trainModel(db, { ...base, lexicon: true });
    // without the lexicon the unseen dev words say nothing; with it their polarity gives the label
    expect(plain.metrics.dev.accuracy).toBeLessThan(0.5); // 0.375 measured
    expect(lex.metrics.dev.accuracy).toBeGreaterThan(0.7); // 0.8 measured
    const { data, svm } = loadModelData(db, lex.version);
    expect(data.layout?.lexicon).toEqual({
      version: expect.stringMatching(/vader-sentiment.*afinn-165/),
      width: 6,
      weight: LEXICON_WEIGHT,
    });
    expect(loadModelData(db, plain.version).data.layout?.lexicon).toBeUndefined();
    expect(svm.info.nTrain).toBe(150);
  });

  it('is refused by the fusion networks and the RBF SVM', async () => {
    await expect(trainModel(db, { ...base, fusion: 'concat', lexicon: true })).rejects.toThrow(TrainError);
    await expect(trainModel(db, { ...base, classifier: 'rbf', lexicon: true })).rejects.toThrow(/--lexicon/);
  });
});
