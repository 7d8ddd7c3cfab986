// The glue of `--fusion dialogue`: each dialogue's utterances in order (per split), the utterance
// vector [text, audio, video, speaker changed], the network trained on TRAINING dialogues only, and
// the representation of every utterance from the exported ONNX graph (what the SVM learns from).
import { concat, type Blocks, type Item } from './dataset';
import { DialogueRunner, trainDialogueFusion, type TrainedDialogue } from '../fusion';
import type { FusionProgress } from '../fusion';

/** Rows of each dialogue in utterance order, never mixing splits (an item without a dialogue is its own). */
export function dialogueSequences(items: Item[], rows: number[]): number[][] {
  const by = new Map<string, number[]>();
  for (const i of rows) {
    const it = items[i];
    const key = it.dialogueId === null ? `u${it.id}` : `${it.split}\u0000${it.dialogueId}`;
    const list = by.get(key);
    if (list) list.push(i);
    else by.set(key, [i]);
  }
  const seqs = [...by.values()];
  for (const s of seqs) s.sort((a, b) => (items[a].idx ?? 0) - (items[b].idx ?? 0) || items[a].id - items[b].id);
  return seqs.sort((a, b) => items[a[0]].id - items[b[0]].id);
}

/** 1 when the speaker differs from the previous utterance of the same sequence (0 for the first). */
export function utteranceVectors(items: Item[], blocks: Blocks, seqs: number[][]): Float32Array[] {
  const x: Float32Array[] = new Array(items.length);
  for (const s of seqs) {
    s.forEach((i, t) => {
      const changed = t > 0 && items[s[t - 1]].speaker !== items[i].speaker ? 1 : 0;
      x[i] = concat([blocks.text[i], blocks.audio[i], blocks.video[i], Float32Array.of(changed)]);
    });
  }
  return x;
}

export interface DialogueRepr {
  repr: Float32Array[];
  trained: TrainedDialogue;
  /** training rows the network did not fit on (its early-stopping dialogues) */
  heldOutRows: number[];
}

/**
 * Trains on the training rows' dialogues (yOf: class of a training row, -1 unlabelled) and represents
 * every item. Nothing of another split enters the training call.
 */
export async function dialogueRepresentation(
  items: Item[], blocks: Blocks, trainRows: number[], yOf: Map<number, number>, nClasses: number,
  o: { seed: number; epochs?: number; hidden?: number; providers?: string[]; signal?: AbortSignal; onProgress?: (p: FusionProgress) => void },
): Promise<DialogueRepr> {
  const all = items.map((_, i) => i);
  const seqsAll = dialogueSequences(items, all);
  const x = utteranceVectors(items, blocks, seqsAll);
  const trainSet = new Set(trainRows);
  // training sequences: the training split's dialogues (their unlabelled items stay, unscored)
  const trainSeqs = seqsAll.filter((s) => items[s[0]].split === 'train').map((s) => s.filter((i) => items[i].split === 'train'));
  // compact row numbering for the training call, so that it holds training items only
  const trainItems = trainSeqs.flat();
  const local = new Map(trainItems.map((r, k) => [r, k]));
  const trained = await trainDialogueFusion(
    { x: trainItems.map((r) => x[r]), dialogues: trainSeqs.map((s) => s.map((r) => local.get(r)!)) },
    trainItems.map((r) => (trainSet.has(r) ? yOf.get(r) ?? -1 : -1)),
    nClasses,
    { seed: o.seed, epochs: o.epochs, hidden: o.hidden, signal: o.signal, onProgress: o.onProgress },
  );
  const runner = await DialogueRunner.create(trained.onnx, o.providers);
  let repr: Float32Array[];
  try {
    repr = await runner.represent(x, seqsAll);
  } finally {
    await runner.release();
  }
  const heldOutRows = trained.heldOut.flatMap((k) => trainSeqs[k]).filter((r) => trainSet.has(r));
  return { repr, trained, heldOutRows };
}
