import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, schemaVersion, type Db } from '../../src/main/core/store/db';
import { MIGRATIONS } from '../../src/main/core/store/migrations';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { relabel, LabelError } from '../../src/main/core/store/labels';
import { labelHistory, listUtterances } from '../../src/main/core/store/queries';
import type { ImportBatch, ImportRecord } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

function record(i: number, over: Partial<ImportRecord> = {}): ImportRecord {
  return {
    key: `train/dia0_utt${i}`,
    split: 'train',
    dialogue: '0',
    index: i,
    speaker: 'Ross',
    text: `line ${i}`,
    label: 'neutral',
    mediaPath: null,
    startS: null,
    endS: null,
    source: '/c/train_sent_emo.csv',
    row: i + 2,
    ...over,
  };
}

function batch(records: ImportRecord[]): ImportBatch {
  return { kind: 'meld-csv', corpusRoot: '/c', labelSet: ['anger', 'joy', 'neutral'], records, issues: [], missingMedia: records.length };
}

describe('SQLite store', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  const open = () => {
    t = tmpDir();
    db = openDb(path.join(t.dir, 'es.db'));
    return db;
  };
  afterEach(() => {
    db?.close();
    t?.cleanup();
  });

  it('migrates to the latest version in WAL mode, and reopening is a no-op', () => {
    open();
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    db = openDb(path.join(t.dir, 'es.db'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
  });

  it('re-importing the same corpus adds nothing and keeps later annotations', () => {
    open();
    const first = saveImport(db, batch([record(0), record(1), record(2)]));
    expect(first).toMatchObject({ added: 3, updated: 0, unchanged: 0 });
    const id = listUtterances(db)[0].id;
    relabel(db, id, 'joy', 'ann');
    const again = saveImport(db, batch([record(0), record(1), record(2)]));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    expect(db.prepare('SELECT COUNT(*) n FROM utterance').get()).toEqual({ n: 3 });
    expect(db.prepare('SELECT COUNT(*) n FROM dialogue').get()).toEqual({ n: 1 });
    expect(listUtterances(db)[0].label).toBe('joy');
    const changed = saveImport(db, batch([record(0, { text: 'line zero, corrected' })]));
    expect(changed).toMatchObject({ updated: 1 });
  });

  it('keeps an append-only label history that no SQL can rewrite', () => {
    open();
    saveImport(db, batch([record(0)]));
    const id = listUtterances(db)[0].id;
    relabel(db, id, 'anger', 'alice');
    relabel(db, id, 'joy', 'bob');
    const h = labelHistory(db, id);
    expect(h.map((c) => [c.old, c.new, c.who])).toEqual([
      [null, 'neutral', 'import'],
      ['neutral', 'anger', 'alice'],
      ['anger', 'joy', 'bob'],
    ]);
    expect(() => db.prepare('UPDATE label_history SET new_label = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM label_history').run()).toThrow(/append-only/);
    expect(() => relabel(db, id, 'sarcasm', 'bob')).toThrow(LabelError);
  });

  it('takes the label set from the data', () => {
    open();
    saveImport(db, { ...batch([record(0, { label: 'pos' }), record(1, { label: 'neg' })]), labelSet: [] });
    const set = JSON.parse((db.prepare('SELECT label_set FROM corpus').get() as { label_set: string }).label_set);
    expect(set).toEqual(['pos', 'neg']);
  });
});
