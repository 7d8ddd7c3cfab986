// Inputs assembled from stored features, and the fusion paths of trainModel on a tiny synthetic corpus.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, f32ToBlob, type Db } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runTextStage } from '../../src/main/core/jobs/text-stage';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import {
  availableModalities,
  buildBlocks,
  chooseVocabulary,
  denseText,
  evaluateSplit,
  loadItems,
  loadModelData,
  trainModel,
  videoVector,
} from '../../src/main/core/learn';
import { tmpDir } from '../helpers/tmp';

const LABELS = ['anger', 'joy', 'neutral'];
const WORDS: Record<string, string> = { anger: 'furious outrage', joy: 'wonderful delight', neutral: 'table chair' };

function rec(split: 'train' | 'dev', d: number, u: number, label: string, speaker: string): ImportRecord {
  return {
    key: `${split}/dia${d}_utt${u}`,
    split,
    dialogue: String(d),
    index: u,
    speaker,
    text: `${WORDS[label]} number ${u}`,
    label,
    mediaPath: null,
    startS: null,
    endS: null,
    source: `/c/${split}.csv`,
    row: u + 2,
  };
}

/** 3 classes, separable by text, audio (first stat) and video (entropy of the first frame). */
function build(db: Db, nTrain = 60, nDev = 18): void {
  const records: ImportRecord[] = [];
  for (let i = 0; i < nTrain; i++) records.push(rec('train', Math.floor(i / 6), i % 6, LABELS[i % 3], i % 2 ? 'Ross' : 'Rachel'));
  for (let i = 0; i < nDev; i++) records.push(rec('dev', 100 + Math.floor(i / 6), i % 6, LABELS[(i + 1) % 3], 'Joey'));
  saveImport(db, { kind: 'meld-csv', corpusRoot: '/c', labelSet: LABELS, records, issues: [], missingMedia: records.length });
  runTextStage(db);
  const rows = db.prepare('SELECT id, label FROM utterance ORDER BY id').all() as { id: number; label: string }[];
  const addFeature = db.prepare(
    "INSERT INTO feature (utterance_id, kind, frame, extractor, version, dim, layout, data) VALUES (?, 'audio.stats', -1, 'builtin-audio-dsp', '1', 60, 'dense', ?)",
  );
  const addFrames = db.prepare(
    'INSERT INTO frame_entropy (utterance_id, fps, frame_count, entropy, motion, selected) VALUES (?, 25, 30, ?, ?, ?)',
  );
  for (const r of rows) {
    const k = LABELS.indexOf(r.label);
    const a = new Float32Array(60).map((_, j) => (j === 0 ? k * 3 : ((r.id * 7 + j) % 5) / 5));
    addFeature.run(r.id, f32ToBlob(a));
    const ent = new Float32Array(30).map((_, f) => 2 + k + (f % 3) * 0.1);
    const mot = new Float32Array(30).map((_, f) => (f * 10 + k * 50) % 255);
    addFrames.run(r.id, f32ToBlob(ent), f32ToBlob(mot), JSON.stringify([0, 3, 6, 9, 12]));
  }
}

describe('learn: dataset assembly', () => {
  it('chooses the vocabulary by document frequency (ties: smaller index first)', () => {
    const v = (ix: number[]) => ({ indices: Uint32Array.from(ix), values: new Float32Array(ix.length).fill(1) });
    expect(chooseVocabulary([v([5, 9, 2]), v([9, 2]), v([9, 7]), null], 3)).toEqual([9, 2, 5]);
    expect(chooseVocabulary([v([1])], 10)).toEqual([1]);
  });

  it('densifies over the vocabulary and renormalises to unit length; zeros when nothing is kept', () => {
    const vm = new Map([
      [10, 0],
      [20, 1],
    ]);
    const d = denseText({ indices: Uint32Array.from([10, 15, 20]), values: Float32Array.from([0.6, 0.5, 0.8]) }, vm, 3);
    expect(d[0]).toBeCloseTo(0.6);
    expect(d[1]).toBeCloseTo(0.8);
    expect(d[2]).toBe(0);
    expect(Array.from(denseText({ indices: Uint32Array.from([15]), values: Float32Array.from([1]) }, vm, 2))).toEqual([0, 0]);
    expect(Array.from(denseText(null, vm, 2))).toEqual([0, 0]);
  });

  it('video: entropy / 8 and motion / 255 per selected frame, zero-padded to 10 frames', () => {
    const v = videoVector(Float32Array.from([8, 4, 2]), Float32Array.from([0, 255, 51]), [1, 2]);
    expect(v.length).toBe(20);
    expect(v[0]).toBeCloseTo(0.5);
    expect(v[1]).toBeCloseTo(1);
    expect(v[2]).toBeCloseTo(0.25);
    expect(v[3]).toBeCloseTo(0.2);
    expect(Array.from(v.subarray(4))).toEqual(new Array(16).fill(0));
  });
});

describe('learn: items, context and fusion from a database', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  beforeEach(() => {
    t = tmpDir('es-learn-unit-');
    db = openDb(path.join(t.dir, 'es.db'));
    build(db);
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('loads every modality, links each utterance to the previous one of its dialogue, flags speaker changes', () => {
    expect(availableModalities(db)).toEqual(['audio', 'text', 'video']);
    const items = loadItems(db);
    expect(items.length).toBe(78);
    const first = items.find((i) => i.idx === 0)!;
    expect(first.prev).toBe(-1);
    const second = items.find((i) => i.dialogueId === first.dialogueId && i.idx === 1)!;
    expect(items[second.prev].id).toBe(first.id);
    expect(second.audio?.length).toBe(60);
    expect(second.video?.length).toBe(20);
    const vocab = chooseVocabulary(
      items.filter((i) => i.split === 'train').map((i) => i.text),
      64,
    );
    const rows = [items.indexOf(first), items.indexOf(second)];
    const b = buildBlocks(items, rows, items, { modalities: ['text', 'audio'], context: true, vocabulary: vocab });
    expect(b.text[0].length).toBe(2 * vocab.length);
    expect(Array.from(b.text[0].subarray(vocab.length)).every((x) => x === 0)).toBe(true); // no previous utterance
    expect(Array.from(b.text[1].subarray(vocab.length))).toEqual(Array.from(b.text[0].subarray(0, vocab.length)));
    expect(b.context.map((c) => c[0])).toEqual([0, 1]); // Rachel then Ross
    expect(b.video[0].length).toBe(0);
  });

  it('no fusion: linear SVM on text + standardised audio and video; predictions for all splits', async () => {
    const r = await trainModel(db, {
      fusion: 'none',
      classifier: 'linear',
      modalities: ['audio', 'text', 'video'],
      context: true,
      seed: 3,
      Cs: [0.1, 1],
    });
    expect(r.version).toBe(1);
    const dev = evaluateSplit(db, 'dev');
    expect(dev.n).toBe(18);
    expect(dev.accuracy).toBeGreaterThan(0.9);
    const { data } = loadModelData(db, 1);
    // the sparse layout: text and context columns as they are, the speaker-changed flag 0/1, and
    // only the audio (60) and video (20) block standardised
    expect(data.layout?.kind).toBe('sparse');
    expect(data.standardizer!.mean.length).toBe(60 + 20);
    expect(data.fusionOnnx).toBeNull();
    const params = JSON.parse((db.prepare('SELECT params FROM model WHERE version = 1').get() as { params: string }).params);
    expect(params.encoders).toEqual({ audio: ['builtin-audio-dsp'], text: ['builtin-hashed-tfidf'], video: ['frame-entropy'] });
  }, 30_000);

  it.each(['concat', 'seed'] as const)(
    '%s fusion: network on train only, representation then SVM, ONNX stored',
    async (kind) => {
      const r = await trainModel(db, {
        fusion: kind,
        classifier: 'rbf',
        modalities: ['audio', 'text', 'video'],
        context: false,
        seed: 1,
        C: 1,
        fusionEpochs: 3,
        fusionHidden: 16,
      });
      expect(r.fusionInfo!.epochs).toBeGreaterThanOrEqual(1);
      const { data, svm } = loadModelData(db, r.version);
      expect(data.fusion).toBe(kind);
      expect(Buffer.from(data.fusionOnnx!, 'base64').length).toBeGreaterThan(1000);
      expect(svm.nFeatures).toBe(16);
      const n = (db.prepare('SELECT COUNT(*) n FROM prediction WHERE model_version = ?').get(r.version) as { n: number }).n;
      expect(n).toBe(78);
      const dev = evaluateSplit(db, 'dev', r.version);
      expect(dev.fusion).toBe(kind);
      expect(dev.classifier).toBe('rbf');
      expect(dev.n).toBe(18);
    },
    60_000,
  );
});
