// A database with stored audio statistics for a synthetic corpus (no media, no extraction): labels
// drawn at random (seeded), so an RBF SVM needs many support vectors and its C search takes a while.
import { openDb, f32ToBlob } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import type { ImportRecord } from '../../src/main/core/corpus/types';

export const SYNTH_LABELS = ['anger', 'joy', 'neutral'];

export function makeSyntheticFeatureDb(file: string, o: { nTrain: number; nDev: number; seed?: number }): void {
  let s = o.seed ?? 7;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const records: ImportRecord[] = [];
  const add = (split: 'train' | 'dev', i: number) =>
    records.push({
      key: `${split}/dia${Math.floor(i / 8)}_utt${i % 8}`,
      split,
      dialogue: String(Math.floor(i / 8)),
      index: i % 8,
      speaker: 'A',
      text: null,
      label: SYNTH_LABELS[Math.floor(rand() * 3)],
      mediaPath: null,
      startS: null,
      endS: null,
      source: `/synthetic/${split}.csv`,
      row: i + 2,
    });
  for (let i = 0; i < o.nTrain; i++) add('train', i);
  for (let i = 0; i < o.nDev; i++) add('dev', i);
  const db = openDb(file);
  try {
    saveImport(db, {
      kind: 'meld-csv',
      corpusRoot: '/synthetic',
      labelSet: SYNTH_LABELS,
      records,
      issues: [],
      missingMedia: records.length,
    });
    const ids = db.prepare('SELECT id FROM utterance ORDER BY id').all() as { id: number }[];
    const ins = db.prepare(
      "INSERT INTO feature (utterance_id, kind, frame, extractor, version, dim, layout, data) VALUES (?, 'audio.stats', -1, 'builtin-audio-dsp', '1', 60, 'dense', ?)",
    );
    db.transaction(() => {
      for (const r of ids) ins.run(r.id, f32ToBlob(new Float32Array(60).map(() => rand() * 2 - 1)));
    })();
  } finally {
    db.close();
  }
}
