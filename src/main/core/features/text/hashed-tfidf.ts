// Built-in text encoder that needs no weights: hashed word uni/bigrams and character n-grams
// (within word boundaries, like sklearn's char_wb), sublinear TF, IDF fit on the training split
// only, L2-normalised. Sparse output: MELD utterances have a few dozen non-zeros out of 2^18.

export const TFIDF_ENCODER = 'builtin-hashed-tfidf';
export const TFIDF_VERSION = '1';
export const TFIDF_DIM = 1 << 18;

export interface SparseVec {
  indices: Uint32Array; // sorted, unique
  values: Float32Array;
}

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

export function tokenize(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().replace(/’/g, "'").match(WORD_RE) ?? []);
}

// FNV-1a 32-bit: stable across runs and platforms, so stored vectors stay comparable
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Term counts of one text, keyed by hashed feature index. */
export function termCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (feature: string) => {
    const i = fnv1a(feature) & (TFIDF_DIM - 1);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  };
  const words = tokenize(text);
  for (let w = 0; w < words.length; w++) {
    add('w:' + words[w]);
    if (w > 0) add('b:' + words[w - 1] + ' ' + words[w]);
    const padded = ' ' + words[w] + ' ';
    for (let n = 2; n <= 5; n++) {
      for (let s = 0; s + n <= padded.length; s++) add('c:' + padded.slice(s, s + n));
    }
  }
  // punctuation carries emotion in dialogue ("What?!", "...")
  for (const m of text.match(/[!?]+|\.\.\.|…/g) ?? []) add('p:' + m.replace('…', '...').slice(0, 3));
  return counts;
}

/** Smooth IDF (sklearn's smooth_idf=True): log((1 + n) / (1 + df)) + 1. */
export function fitIdf(trainTexts: Iterable<string>): Float32Array {
  const df = new Uint32Array(TFIDF_DIM);
  let n = 0;
  for (const t of trainTexts) {
    n++;
    for (const i of termCounts(t).keys()) df[i]++;
  }
  const idf = new Float32Array(TFIDF_DIM);
  for (let i = 0; i < TFIDF_DIM; i++) idf[i] = Math.log((1 + n) / (1 + df[i])) + 1;
  return idf;
}

export function encodeText(text: string, idf: Float32Array): SparseVec {
  const counts = termCounts(text);
  const indices = Uint32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let norm = 0;
  for (let k = 0; k < indices.length; k++) {
    const v = (1 + Math.log(counts.get(indices[k])!)) * idf[indices[k]];
    values[k] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < values.length; k++) values[k] *= inv;
  }
  return { indices, values };
}

export function sparseToBlob(v: SparseVec): Buffer {
  const b = Buffer.alloc(v.indices.length * 8);
  Buffer.from(v.indices.buffer, v.indices.byteOffset, v.indices.byteLength).copy(b, 0);
  Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength).copy(b, v.indices.length * 4);
  return b;
}

export function blobToSparse(b: Buffer): SparseVec {
  const nnz = b.byteLength / 8;
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  new Uint8Array(indices.buffer).set(b.subarray(0, nnz * 4));
  new Uint8Array(values.buffer).set(b.subarray(nnz * 4));
  return { indices, values };
}
