// Per-utterance model inputs assembled from the stored features (no extraction here).
//
// - audio: the 'audio.stats' vector (60 DSP statistics); zeros when absent.
// - video: from frame_entropy, for each selected frame (at most FRAMES) its entropy / 8 and
//   motion / 255, frame after frame ([e0, m0, e1, m1, ...]); zero-padded to FRAMES frames.
// - text: the stored sparse hashed TF-IDF restricted to a vocabulary of K hashed indices chosen on
//   the TRAINING split only (highest document frequency), re-normalised to unit L2 length.
// - context (optional): the previous utterance of the same dialogue (by idx): its text vector and
//   a speaker-changed flag (0 for the first utterance of a dialogue).
// - pretrained encoders, when their features are stored: audio is [wav2vec2 768 | 60 stats], each
//   video frame [entropy, motion | ResNet-50 2048]; items without a vector get zeros there.
//   Features of two model versions of one kind are refused, never mixed.
import type { Db } from '../store/db';
import { blobToF32 } from '../store/db';
import {
  corpusLabelSets,
  countTrainUtterances,
  featureVersions,
  iterateAudioStats,
  iterateFeatureFrames,
  iterateFrameEntropy,
  iterateSelectedFrames,
  iterateTextFeatures,
  textFeatureVersions,
  trainDenseTextEncoders,
  trainExtractors,
  trainExtractorVersions,
  trainHasFeature,
  trainHasFrameEntropy,
  utteranceTrainingRows,
} from '../store/training-data';
import { blobToSparse, type SparseVec } from '../features/text/hashed-tfidf';

export type Modality = 'audio' | 'text' | 'video';
export const ALL_MODALITIES: readonly Modality[] = ['audio', 'text', 'video'];
export const AUDIO_DIM = 60;
export const FRAMES = 10;
export const FRAME_DIM = 2;
export const DEFAULT_VOCAB = 4096;

/** One utterance with its raw stored inputs. */
export interface Item {
  id: number;
  split: string;
  corpusId: number;
  dialogueId: number | null;
  idx: number | null;
  speaker: string | null;
  /** current gold label (null: unlabelled) */
  label: string | null;
  text: SparseVec | null;
  audio: Float32Array | null;
  /** FRAMES * FRAME_DIM values, or null without frame entropy */
  video: Float32Array | null;
  /** index (in the item list) of the previous utterance of the same dialogue, or -1 */
  prev: number;
}

/** Every utterance (all splits) with its stored features, ordered by id. */
export function loadItems(db: Db, modalities: readonly Modality[] = ALL_MODALITIES): Item[] {
  const rows = utteranceTrainingRows(db);
  const items: Item[] = rows.map((r) => ({
    id: r.id,
    split: r.split,
    corpusId: r.corpus_id,
    dialogueId: r.dialogue_id,
    idx: r.idx,
    speaker: r.speaker,
    label: r.label,
    text: null,
    audio: null,
    video: null,
    prev: -1,
  }));
  const byId = new Map<number, Item>();
  for (const it of items) byId.set(it.id, it);

  // a pretrained text encoder's vectors never mix with another version's or with the built-in's
  const textVersions = textFeatureVersions(db);
  if (textVersions.some((v) => v.layout === 'dense') && textVersions.length > 1) {
    throw new Error(
      `text features come from ${textVersions.length} encoders or versions (${textVersions.map((v) => `${v.extractor}@${v.version}`).join(', ')}): run extract again so that every item uses the same one`,
    );
  }
  // text is always loaded (the dialogue context needs it even when text is not a modality)
  for (const f of iterateTextFeatures(db)) {
    const it = byId.get(f.utterance_id);
    if (!it) continue;
    if (f.layout === 'sparse') it.text = blobToSparse(f.data);
    else {
      // a dense text vector (a neural encoder): keep it as a sparse vector over its dimensions
      const d = blobToF32(f.data);
      const idx: number[] = [];
      const val: number[] = [];
      for (let k = 0; k < d.length; k++)
        if (d[k] !== 0) {
          idx.push(k);
          val.push(d[k]);
        }
      it.text = { indices: Uint32Array.from(idx), values: Float32Array.from(val) };
    }
  }
  if (modalities.includes('audio')) {
    const emb = embeddingsOf(db, 'audio.embedding');
    const embDim = emb.size ? emb.values().next().value![0].vector.length : 0;
    for (const f of iterateAudioStats(db)) {
      const it = byId.get(f.utterance_id);
      if (!it) continue;
      const v = blobToF32(f.data);
      // [wav2vec2 768 | DSP stats 60]: the order of the fusion's voice parts (audioParts [768, 50, 10])
      const a = new Float32Array(embDim + AUDIO_DIM);
      a.set(v.subarray(0, AUDIO_DIM), embDim);
      const e = emb.get(f.utterance_id);
      if (e) a.set(e[0].vector, 0);
      it.audio = a;
    }
  }
  if (modalities.includes('video')) {
    for (const f of iterateFrameEntropy(db)) {
      const it = byId.get(f.utterance_id);
      if (!it) continue;
      it.video = videoVector(blobToF32(f.entropy), f.motion ? blobToF32(f.motion) : null, JSON.parse(f.selected) as number[]);
    }
    const emb = embeddingsOf(db, 'video.embedding');
    if (emb.size) {
      const embDim = emb.values().next().value![0].vector.length;
      for (const f of iterateSelectedFrames(db)) {
        const it = byId.get(f.utterance_id);
        if (!it?.video) continue;
        const byFrame = new Map((emb.get(f.utterance_id) ?? []).map((r) => [r.frame, r.vector]));
        it.video = withFrameEmbeddings(it.video, JSON.parse(f.selected) as number[], byFrame, embDim);
      }
    }
  }

  // previous utterance in the same dialogue, by idx
  const dialogues = new Map<number, number[]>();
  items.forEach((it, i) => {
    if (it.dialogueId === null || it.idx === null) return;
    let l = dialogues.get(it.dialogueId);
    if (!l) dialogues.set(it.dialogueId, (l = []));
    l.push(i);
  });
  for (const l of dialogues.values()) {
    l.sort((a, b) => items[a].idx! - items[b].idx! || items[a].id - items[b].id);
    for (let k = 1; k < l.length; k++) items[l[k]].prev = l[k - 1];
  }
  return items;
}

/** Stored pretrained-encoder vectors of one kind per utterance; throws when two model versions are stored. */
function embeddingsOf(db: Db, kind: 'audio.embedding' | 'video.embedding'): Map<number, { frame: number; vector: Float32Array }[]> {
  const versions = featureVersions(db, kind);
  if (versions.length > 1) {
    throw new Error(
      `${kind} features come from ${versions.length} model versions (${versions.map((v) => `${v.extractor}@${v.version}`).join(', ')}): run extract again so that every item uses the installed model`,
    );
  }
  const out = new Map<number, { frame: number; vector: Float32Array }[]>();
  for (const f of iterateFeatureFrames(db, kind)) {
    let l = out.get(f.utterance_id);
    if (!l) out.set(f.utterance_id, (l = []));
    l.push({ frame: f.frame, vector: blobToF32(f.data) });
  }
  return out;
}

/** Per selected frame [entropy, motion, embedding...] (zeros where a frame has no embedding). */
export function withFrameEmbeddings(
  stats: Float32Array,
  selected: number[],
  byFrame: Map<number, Float32Array>,
  embDim: number,
): Float32Array {
  const per = FRAME_DIM + embDim;
  const out = new Float32Array(FRAMES * per);
  for (let k = 0; k < FRAMES; k++) {
    out.set(stats.subarray(k * FRAME_DIM, (k + 1) * FRAME_DIM), k * per);
    const e = k < selected.length ? byFrame.get(selected[k]) : undefined;
    if (e && e.length === embDim) out.set(e, k * per + FRAME_DIM);
  }
  return out;
}

/** entropy / 8 and motion / 255 of each selected frame, zero-padded to FRAMES frames. */
export function videoVector(entropy: Float32Array, motion: Float32Array | null, selected: number[]): Float32Array {
  const out = new Float32Array(FRAMES * FRAME_DIM);
  const frames = selected.slice(0, FRAMES);
  frames.forEach((f, k) => {
    const e = entropy[f];
    const m = motion ? motion[f] : 0;
    out[k * FRAME_DIM] = Number.isFinite(e) ? e / 8 : 0;
    out[k * FRAME_DIM + 1] = Number.isFinite(m) ? m / 255 : 0;
  });
  return out;
}

/**
 * The K hashed indices with the highest document frequency among `train` vectors (ties: the
 * smaller index first), in that order. Only training items may be passed here.
 */
export function chooseVocabulary(train: Iterable<SparseVec | null>, K = DEFAULT_VOCAB): number[] {
  const df = new Map<number, number>();
  for (const v of train) {
    if (!v) continue;
    for (const i of v.indices) df.set(i, (df.get(i) ?? 0) + 1);
  }
  return [...df.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, K)
    .map((e) => e[0]);
}

/** Dense text vector over the vocabulary, re-normalised to unit L2 length (zeros when nothing is kept). */
export function denseText(v: SparseVec | null, vocab: Map<number, number>, K: number): Float32Array {
  const out = new Float32Array(K);
  if (!v) return out;
  let norm = 0;
  for (let k = 0; k < v.indices.length; k++) {
    const j = vocab.get(v.indices[k]);
    if (j === undefined) continue;
    out[j] = v.values[k];
    norm += v.values[k] * v.values[k];
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < K; j++) out[j] *= inv;
  }
  return out;
}

export function vocabMap(vocab: number[]): Map<number, number> {
  return new Map(vocab.map((h, j) => [h, j]));
}

/** Model inputs of a list of items, per block. */
export interface Blocks {
  /** dense text [K] (+ previous utterance's text [K] with context) or width 0 */
  text: Float32Array[];
  /** 60 audio stats or width 0 */
  audio: Float32Array[];
  /** FRAMES * FRAME_DIM or width 0 */
  video: Float32Array[];
  /** speaker-changed flag (context only) or width 0 */
  context: Float32Array[];
}

export interface BlockSpec {
  modalities: readonly Modality[];
  context: boolean;
  vocabulary: number[];
}

const EMPTY = new Float32Array(0);

export function buildBlocks(items: Item[], rows: number[], all: Item[], spec: BlockSpec): Blocks {
  const K = spec.vocabulary.length;
  const vm = vocabMap(spec.vocabulary);
  const useText = spec.modalities.includes('text');
  // widths with pretrained embeddings appended (items without a vector get zeros of that width)
  const audioW = all.find((x) => x.audio)?.audio?.length ?? AUDIO_DIM;
  const videoW = all.find((x) => x.video)?.video?.length ?? FRAMES * FRAME_DIM;
  const b: Blocks = { text: [], audio: [], video: [], context: [] };
  for (const r of rows) {
    const it = items[r];
    const prev = it.prev >= 0 ? all[it.prev] : null;
    if (useText || spec.context) {
      const parts: Float32Array[] = [];
      if (useText) parts.push(denseText(it.text, vm, K));
      if (spec.context) parts.push(denseText(prev ? prev.text : null, vm, K));
      b.text.push(parts.length === 1 ? parts[0] : concat(parts));
    } else b.text.push(EMPTY);
    b.audio.push(spec.modalities.includes('audio') ? (it.audio ?? new Float32Array(audioW)) : EMPTY);
    b.video.push(spec.modalities.includes('video') ? (it.video ?? new Float32Array(videoW)) : EMPTY);
    b.context.push(spec.context ? Float32Array.of(prev && prev.speaker !== it.speaker ? 1 : 0) : EMPTY);
  }
  return b;
}

export function concat(parts: ArrayLike<number>[]): Float32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The class order: the corpus label sets (corpus id order), de-duplicated. */
export function labelSet(db: Db): string[] {
  const out: string[] = [];
  for (const set of corpusLabelSets(db)) {
    for (const l of set) if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** Which modalities have any stored feature on the training split (the default --modalities). */
export function availableModalities(db: Db): Modality[] {
  const out: Modality[] = [];
  if (trainHasFeature(db, 'audio.stats')) out.push('audio');
  if (trainHasFeature(db, 'text')) out.push('text');
  if (trainHasFrameEntropy(db)) out.push('video');
  return out;
}

/** Why there is nothing to train on (availableModalities found none): no training split at all, or
 * a training split without stored features. One message for the CLI and the app. */
export function nothingToTrainOn(db: Db): string {
  const train = countTrainUtterances(db);
  if (train === 0) {
    return "the corpus has no training split: no utterance is in 'train' (import MELD's train_sent_emo.csv, or a file with --split train; models are fit on train only)";
  }
  return `no stored features on the training split (${train} utterance${train === 1 ? '' : 's'}): run extraction first`;
}

/** The encoders a model of these modalities reads: with context the text columns too (encodersUsed). */
export function modelEncoders(db: Db, modalities: readonly Modality[], context: boolean): Record<string, string[]> {
  return encodersUsed(db, context && !modalities.includes('text') ? [...modalities, 'text'] : modalities);
}

/** Extractor names of the stored features of each modality (on the training split). */
export function encodersUsed(db: Db, modalities: readonly Modality[]): Record<string, string[]> {
  const kinds: Record<Modality, string> = { audio: 'audio.stats', text: 'text', video: 'video.stats' };
  const embeddings: Partial<Record<Modality, string>> = { audio: 'audio.embedding', video: 'video.embedding' };
  const out: Record<string, string[]> = {};
  for (const m of modalities) {
    const rows = trainExtractors(db, kinds[m]);
    out[m] = rows.map((r) => r.extractor);
    if (m === 'video') out[m] = out[m].length ? out[m].map((e) => `${e} (frame entropy, motion)`) : ['frame-entropy'];
    if (m === 'text') {
      // a pretrained (dense) text encoder is named with its model version (the built-in's version is its IDF fit)
      const dense = trainDenseTextEncoders(db);
      out[m] = out[m].flatMap((e) =>
        dense.some((d) => d.extractor === e) ? dense.filter((d) => d.extractor === e).map((d) => `${e}@${d.version}`) : [e],
      );
    }
    const ek = embeddings[m];
    if (ek) {
      const e = trainExtractorVersions(db, ek);
      out[m].push(...e.map((r) => `${r.extractor}@${r.version}`));
    }
  }
  return out;
}
