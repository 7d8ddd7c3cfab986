// Sparse model inputs for the linear SVM without a fusion network (the quick-retrain path). The text
// block keeps the WHOLE training vocabulary (every hashed n-gram seen in a training text; the dense
// path cuts it to the 4,096 most frequent), which is what lifts MELD dev weighted F1 from 0.49 to
// 0.54 with the built-in encoder (bench/python/meld_text_reference.py shows the same with sklearn).
//
// Columns: [0, K) the utterance's text; with context, [K, 2K) the previous CONTEXT_TURNS
// utterances of the dialogue, summed with weights CONTEXT_DECAY^(j-1), L2-normalised and scaled by
// CONTEXT_WEIGHT, then one speaker-changed flag; then the dense (standardised) audio/video block.
import type { SparseRow } from '../classify';
import type { SparseVec } from '../features/text/hashed-tfidf';
import type { Item } from './dataset';

export const CONTEXT_TURNS = 3;
export const CONTEXT_DECAY = 0.5;
export const CONTEXT_WEIGHT = 0.5;

export interface SparseLayout {
  /** text vocabulary (hashed indices, train document frequency order) */
  vocabulary: number[];
  context: boolean;
  /** width of the dense block appended at the end (0: none) */
  denseWidth: number;
}

export function sparseWidth(l: SparseLayout): number {
  const K = l.vocabulary.length;
  return K + (l.context ? K + 1 : 0) + l.denseWidth;
}

/** Accumulates weight * (text vector restricted to the vocabulary) into acc (column -> value). */
function addText(acc: Map<number, number>, v: SparseVec | null, vm: Map<number, number>, weight: number): void {
  if (!v) return;
  for (let k = 0; k < v.indices.length; k++) {
    const j = vm.get(v.indices[k]);
    if (j !== undefined) acc.set(j, (acc.get(j) ?? 0) + weight * v.values[k]);
  }
}

/** Pushes acc, L2-normalised then scaled, at column offset `offset`. */
function pushNormalised(acc: Map<number, number>, offset: number, scale: number, idx: number[], val: number[]): void {
  const cols = [...acc.keys()].sort((a, b) => a - b);
  let norm = 0;
  for (const c of cols) norm += acc.get(c)! ** 2;
  if (norm <= 0) return;
  const f = scale / Math.sqrt(norm);
  for (const c of cols) {
    idx.push(offset + c);
    val.push(acc.get(c)! * f);
  }
}

/**
 * One sparse row per item of `rows` (indices into `items`); `dense[i]` is item i's standardised
 * dense block (length layout.denseWidth) or undefined when the layout has none.
 */
export function buildSparseRows(items: Item[], rows: number[], layout: SparseLayout, dense?: Float32Array[]): SparseRow[] {
  const K = layout.vocabulary.length;
  const vm = new Map(layout.vocabulary.map((h, j) => [h, j]));
  const out: SparseRow[] = [];
  for (const r of rows) {
    const it = items[r];
    const idx: number[] = [];
    const val: number[] = [];
    const own = new Map<number, number>();
    addText(own, it.text, vm, 1);
    pushNormalised(own, 0, 1, idx, val);
    if (layout.context) {
      const ctx = new Map<number, number>();
      let p = it.prev;
      for (let j = 0; j < CONTEXT_TURNS && p >= 0; j++) {
        addText(ctx, items[p].text, vm, CONTEXT_DECAY ** j);
        p = items[p].prev;
      }
      pushNormalised(ctx, K, CONTEXT_WEIGHT, idx, val);
      const prev = it.prev >= 0 ? items[it.prev] : null;
      if (prev && prev.speaker !== it.speaker) {
        idx.push(2 * K);
        val.push(1);
      }
    }
    if (layout.denseWidth > 0) {
      const d = dense![r];
      const o = K + (layout.context ? K + 1 : 0);
      for (let k = 0; k < layout.denseWidth; k++) {
        if (d[k] !== 0) {
          idx.push(o + k);
          val.push(d[k]);
        }
      }
    }
    out.push({ indices: Int32Array.from(idx), values: Float64Array.from(val) });
  }
  return out;
}
