import { describe, expect, it } from 'vitest';
import {
  TFIDF_DIM,
  blobToSparse,
  blockCounts,
  encodeText,
  fitIdf,
  sparseToBlob,
  termCounts,
  tokenize,
} from '../../src/main/core/features/text/hashed-tfidf';

describe('built-in hashed TF-IDF text encoder', () => {
  const train = ['I am so happy today!', 'This is awful, I hate it.', 'Okay, see you tomorrow.', 'happy happy joy'];
  const idf = fitIdf(train);

  it('tokenizes words with apostrophes, typographic or not', () => {
    expect(tokenize('You’re NOT serious?!')).toEqual(["you're", 'not', 'serious']);
  });

  it('gives rarer terms a higher IDF (smooth idf: log((1+n)/(1+df))+1)', () => {
    const happy = [...termCounts('happy').keys()][0];
    const awful = [...termCounts('awful').keys()][0];
    expect(idf[happy]).toBeCloseTo(Math.log(5 / 3) + 1, 5); // in 2 of 4 texts
    expect(idf[awful]).toBeCloseTo(Math.log(5 / 2) + 1, 5); // in 1 of 4
    const unseen = [...termCounts('zebra').keys()][0];
    expect(idf[unseen]).toBeCloseTo(Math.log(5) + 1, 5);
  });

  it('is L2-normalised, sparse, sorted and deterministic', () => {
    const v = encodeText('I am so happy today!', idf);
    let norm = 0;
    for (const x of v.values) norm += x * x;
    expect(norm).toBeCloseTo(1, 5);
    expect(v.indices.length).toBeGreaterThan(10);
    expect(v.indices.length).toBeLessThan(200);
    for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]).toBeGreaterThan(v.indices[i - 1]);
    expect(Math.max(...v.indices)).toBeLessThan(TFIDF_DIM);
    expect(encodeText('I am so happy today!', idf)).toEqual(v);
  });

  it('similar texts are closer than unrelated ones', () => {
    const dot = (a: ReturnType<typeof encodeText>, b: ReturnType<typeof encodeText>) => {
      const m = new Map<number, number>();
      a.indices.forEach((i, k) => m.set(i, a.values[k]));
      let s = 0;
      b.indices.forEach((i, k) => (s += (m.get(i) ?? 0) * b.values[k]));
      return s;
    };
    const a = encodeText('I am so happy', idf);
    expect(dot(a, encodeText('so happy!', idf))).toBeGreaterThan(dot(a, encodeText('see you tomorrow', idf)));
  });

  it('char block: 1-5-grams of the whole lower-cased text, across word boundaries, whitespace runs as one space (v3)', () => {
    // "ab cd": 5 + 4 + 3 + 2 + 1 = 15 distinct n-grams, among them "b c" and "ab cd" that span the space
    expect(blockCounts('ab cd')[1].size).toBe(15);
    expect([...blockCounts('AB \t  cd')[1]]).toEqual([...blockCounts('ab cd')[1]]);
    expect(blockCounts('ab cd')[1]).not.toEqual(blockCounts('abcd')[1]);
  });

  it('round-trips through its blob layout', () => {
    const v = encodeText('What?! No way...', idf);
    expect(blobToSparse(sparseToBlob(v))).toEqual(v);
  });
});
