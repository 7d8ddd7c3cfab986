// Sparse model inputs for the linear SVM without a fusion network (the quick-retrain path). The text
// block keeps the WHOLE training vocabulary (every hashed n-gram seen in a training text; the dense
// path cuts it to the 4,096 most frequent), which is what lifts MELD dev weighted F1 from 0.49 to
// 0.54 with the built-in encoder (bench/python/meld_text_reference.py shows the same with sklearn).
//
// Columns: [0, K) the utterance's text; with context, [K, 2K) the previous CONTEXT_TURNS
// utterances of the dialogue, summed with weights CONTEXT_DECAY^(j-1), L2-normalised and scaled by
// CONTEXT_WEIGHT, then one speaker-changed flag; with --lexicon the sentiment-lexicon features
// (features/text/lexicon.ts) times LEXICON_WEIGHT; then the dense (standardised) audio/video block.
import type { SparseRow } from '../classify';
import type { SparseVec } from '../features/text/hashed-tfidf';
import type { Item } from './dataset';

export const CONTEXT_TURNS = 3;
export const CONTEXT_DECAY = 0.5;
export const CONTEXT_WEIGHT = 0.5;
/**
 * scale of the lexicon columns against the unit-length text block (grouped CV on MELD train:
 * 0.1 / 0.2 / 0.3 within 0.1 point of each other; bench/meld-cv-extra.ts)
 */
export const LEXICON_WEIGHT = 0.2;

export interface SparseLayout {
  /** text vocabulary (hashed indices, train document frequency order) */
  vocabulary: number[];
  context: boolean;
  /** width of the dense block appended at the end (0: none) */
  denseWidth: number;
  /** width of the lexicon block before the dense one (0 or absent: none) */
  lexiconWidth?: number;
}

export function sparseWidth(l: SparseLayout): number {
  const K = l.vocabulary.length;
  return K + (l.context ? K + 1 : 0) + (l.lexiconWidth ?? 0) + l.denseWidth;
}

/** hashed index -> column + 1 (0: not in the vocabulary); a typed table, much faster than a Map here */
function columnTable(vocabulary: number[]): Int32Array {
  let max = 0;
  for (const h of vocabulary) if (h > max) max = h;
  const t = new Int32Array(max + 1);
  vocabulary.forEach((h, j) => (t[h] = j + 1));
  return t;
}

/** Dense scratch of one block: values, whether a column is touched, and the touched columns. */
interface Scratch {
  acc: Float64Array;
  seen: Uint8Array;
  cols: number[];
}

/** Accumulates weight * (text vector restricted to the vocabulary) into the scratch. */
function addText(sc: Scratch, v: SparseVec | null, table: Int32Array, weight: number): void {
  const { acc, seen, cols } = sc;
  if (!v) return;
  for (let k = 0; k < v.indices.length; k++) {
    const h = v.indices[k];
    const j = h < table.length ? table[h] - 1 : -1;
    if (j < 0) continue;
    if (!seen[j]) {
      seen[j] = 1;
      cols.push(j);
    }
    acc[j] += weight * v.values[k];
  }
}

/** Pushes the touched columns, L2-normalised then scaled, at column offset `offset`; clears the scratch. */
function pushNormalised(sc: Scratch, offset: number, scale: number, idx: number[], val: number[]): void {
  const { acc, seen, cols } = sc;
  cols.sort((a, b) => a - b);
  let norm = 0;
  for (const c of cols) norm += acc[c] * acc[c];
  const f = norm > 0 ? scale / Math.sqrt(norm) : 0;
  for (const c of cols) {
    if (f > 0 && acc[c] !== 0) {
      idx.push(offset + c);
      val.push(acc[c] * f);
    }
    acc[c] = 0;
    seen[c] = 0;
  }
  cols.length = 0;
}

/**
 * One sparse row per item of `rows` (indices into `items`); `dense[i]` is item i's standardised
 * dense block (length layout.denseWidth) or undefined when the layout has none; `lexicon[i]` item i's
 * lexicon features (length layout.lexiconWidth, unscaled: LEXICON_WEIGHT is applied here).
 */
export function buildSparseRows(
  items: Item[],
  rows: number[],
  layout: SparseLayout,
  dense?: Float32Array[],
  lexicon?: ArrayLike<number>[],
): SparseRow[] {
  const L = layout.lexiconWidth ?? 0;
  if (L > 0 && !lexicon) throw new Error('buildSparseRows: the layout has lexicon columns but no lexicon features were given');
  const K = layout.vocabulary.length;
  const table = columnTable(layout.vocabulary);
  const sc: Scratch = { acc: new Float64Array(K), seen: new Uint8Array(K), cols: [] };
  // the lexicon block follows the text and context columns, the dense block follows it
  const lexiconAt = K + (layout.context ? K + 1 : 0);
  const out: SparseRow[] = [];
  for (const r of rows) {
    const it = items[r];
    const idx: number[] = [];
    const val: number[] = [];
    addText(sc, it.text, table, 1);
    pushNormalised(sc, 0, 1, idx, val);
    if (layout.context) {
      let p = it.prev;
      for (let j = 0; j < CONTEXT_TURNS && p >= 0; j++) {
        addText(sc, items[p].text, table, CONTEXT_DECAY ** j);
        p = items[p].prev;
      }
      pushNormalised(sc, K, CONTEXT_WEIGHT, idx, val);
      const prev = it.prev >= 0 ? items[it.prev] : null;
      if (prev && prev.speaker !== it.speaker) {
        idx.push(2 * K);
        val.push(1);
      }
    }
    if (L > 0) pushBlock(lexicon![r], L, lexiconAt, LEXICON_WEIGHT, idx, val);
    if (layout.denseWidth > 0) pushBlock(dense![r], layout.denseWidth, lexiconAt + L, 1, idx, val);
    out.push({ indices: Int32Array.from(idx), values: Float64Array.from(val) });
  }
  return out;
}

/** The non-zero values of x[0, width) times `scale` as columns offset + k. */
function pushBlock(x: ArrayLike<number>, width: number, offset: number, scale: number, idx: number[], val: number[]): void {
  for (let k = 0; k < width; k++) {
    if (x[k] !== 0) {
      idx.push(offset + k);
      val.push(scale * x[k]);
    }
  }
}
