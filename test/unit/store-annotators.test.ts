// Annotators, the gold rule and adjudication on a real SQLite file (migration 5, store/labels.ts).
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import {
  adjudicate,
  annotatorLabels,
  goldSummary,
  listAnnotators,
  parseGoldRule,
  relabel,
  setGoldRule,
  LabelError,
} from '../../src/main/core/store/labels';
import { labelHistory } from '../../src/main/core/store/queries';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

function record(i: number, label: string | null): ImportRecord {
  return {
    key: `u${i}`,
    split: 'train',
    dialogue: '0',
    index: i,
    speaker: 'A',
    text: `line ${i}`,
    label,
    mediaPath: null,
    startS: null,
    endS: null,
    source: '/c/x.csv',
    row: i + 2,
  };
}

describe('annotators and the gold label', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  const ids: number[] = [];
  const open = () => {
    t = tmpDir();
    db = openDb(path.join(t.dir, 'es.db'));
    saveImport(db, {
      kind: 'generic-csv',
      corpusRoot: '/c',
      labelSet: ['anger', 'joy', 'neutral'],
      records: [record(0, 'neutral'), record(1, null), record(2, null)],
      issues: [],
      missingMedia: 3,
    });
    ids.splice(0, ids.length, ...(db.prepare('SELECT id FROM utterance ORDER BY id').all() as { id: number }[]).map((r) => r.id));
  };
  const goldOf = (id: number) =>
    db.prepare('SELECT label, gold_source s FROM utterance WHERE id = ?').get(id) as { label: string | null; s: string | null };
  afterEach(() => {
    db?.close();
    t?.cleanup();
  });

  it('latest rule (default): a change is the gold label, and each annotator keeps their own', () => {
    open();
    const r = relabel(db, ids[0], 'joy', 'alice');
    expect(r).toMatchObject({ old: 'neutral', new: 'joy', annotator: 'alice', annotator_old: null });
    relabel(db, ids[0], 'anger', 'bob');
    expect(goldOf(ids[0])).toEqual({ label: 'anger', s: 'relabel' });
    expect(annotatorLabels(db, ids[0])).toEqual([
      { annotator: 'alice', label: 'joy' },
      { annotator: 'bob', label: 'anger' },
    ]);
    expect(labelHistory(db, ids[0]).map((h) => h.new)).toEqual(['neutral', 'joy', 'anger']);
    // the same label again by the same annotator is no change
    relabel(db, ids[0], 'anger', 'bob');
    expect(labelHistory(db, ids[0])).toHaveLength(3);
    // but alice restating her label makes it the latest change again
    relabel(db, ids[0], 'joy', 'alice');
    expect(goldOf(ids[0]).label).toBe('joy');
    expect(listAnnotators(db)).toEqual([
      { name: 'alice', labels: 1 },
      { name: 'bob', labels: 1 },
    ]);
    expect(() => relabel(db, ids[0], 'boredom', 'alice')).toThrow(LabelError);
  });

  it('majority rule: ties left open, a third vote settles; adjudication wins until cleared', () => {
    open();
    expect(setGoldRule(db, parseGoldRule('majority'), 'lead')).toEqual({ rule: 'majority', changed: 0 });
    relabel(db, ids[1], 'joy', 'alice');
    expect(goldOf(ids[1])).toEqual({ label: 'joy', s: 'gold:majority' });
    relabel(db, ids[1], 'anger', 'bob');
    expect(goldOf(ids[1]).label).toBeNull(); // 1-1: open
    relabel(db, ids[1], 'anger', 'carol');
    expect(goldOf(ids[1]).label).toBe('anger');
    adjudicate(db, ids[1], 'joy', 'judge');
    expect(goldOf(ids[1])).toEqual({ label: 'joy', s: 'adjudicate' });
    relabel(db, ids[1], 'anger', 'alice'); // 3-0 for anger, adjudication still wins
    expect(goldOf(ids[1]).label).toBe('joy');
    adjudicate(db, ids[1], null, 'judge');
    expect(goldOf(ids[1])).toEqual({ label: 'anger', s: 'gold:majority' });
    // history: append-only, every row names its annotator or none (gold rows)
    const h = db.prepare('SELECT annotator, source, new_label FROM label_history WHERE utterance_id = ? ORDER BY id').all(ids[1]);
    expect(h).toEqual([
      { annotator: 'alice', source: 'relabel', new_label: 'joy' },
      { annotator: null, source: 'gold:majority', new_label: 'joy' },
      { annotator: 'bob', source: 'relabel', new_label: 'anger' },
      { annotator: null, source: 'gold:majority', new_label: null },
      { annotator: 'carol', source: 'relabel', new_label: 'anger' },
      { annotator: null, source: 'gold:majority', new_label: 'anger' },
      { annotator: null, source: 'adjudicate', new_label: 'joy' },
      { annotator: 'alice', source: 'relabel', new_label: 'anger' },
      { annotator: null, source: 'gold:majority', new_label: 'anger' },
    ]);
    expect(() => db.prepare("UPDATE utterance SET label = 'neutral' WHERE id = ?").run(ids[1])).toThrow();
    expect(goldSummary(db)).toMatchObject({ rule: 'majority', open: 0 });
  });

  it("an import with its own gold label and annotators' labels keeps its gold; without one, the rule decides", () => {
    open();
    const withGold = {
      ...record(7, 'neutral'),
      annotations: [
        { annotator: 'ann', label: 'joy' },
        { annotator: 'ben', label: 'anger' },
      ],
    };
    const noGold = {
      ...record(8, null),
      annotations: [
        { annotator: 'ann', label: 'joy' },
        { annotator: 'ben', label: 'anger' },
      ],
    };
    saveImport(db, { kind: 'elan-eaf', corpusRoot: '/c', labelSet: [], records: [withGold, noGold], issues: [], missingMedia: 2 });
    const [a, b] = (db.prepare("SELECT id FROM utterance WHERE key IN ('u7', 'u8') ORDER BY key").all() as { id: number }[]).map(
      (r) => r.id,
    );
    expect(goldOf(a)).toEqual({ label: 'neutral', s: '/c/x.csv' });
    expect(annotatorLabels(db, a)).toEqual([
      { annotator: 'ann', label: 'joy' },
      { annotator: 'ben', label: 'anger' },
    ]);
    expect(goldOf(b).label).toBe('anger'); // latest: the last annotator's label
    // importing the same again adds nothing
    const n = (db.prepare('SELECT COUNT(*) n FROM label_history').get() as { n: number }).n;
    saveImport(db, { kind: 'elan-eaf', corpusRoot: '/c', labelSet: [], records: [withGold, noGold], issues: [], missingMedia: 2 });
    expect((db.prepare('SELECT COUNT(*) n FROM label_history').get() as { n: number }).n).toBe(n);
  });

  it('switching the rule recomputes every item nobody adjudicated; items without annotator labels keep their gold', () => {
    open();
    relabel(db, ids[1], 'joy', 'alice');
    relabel(db, ids[1], 'anger', 'bob');
    relabel(db, ids[2], 'joy', 'alice');
    relabel(db, ids[2], 'joy', 'bob');
    expect(setGoldRule(db, parseGoldRule('annotator=alice'), 'lead')).toEqual({ rule: 'annotator=alice', changed: 1 });
    expect(goldOf(ids[1])).toEqual({ label: 'joy', s: 'gold:annotator=alice' });
    expect(goldOf(ids[0])).toEqual({ label: 'neutral', s: '/c/x.csv' }); // an import row's source is its file
    expect(setGoldRule(db, parseGoldRule('majority'), 'lead').changed).toBe(1); // ids[1] tied
    expect(goldOf(ids[1]).label).toBeNull();
    // ids[2]'s joy was set by a relabel; the majority (joy, joy) gives it now
    expect(goldSummary(db)).toEqual({ rule: 'majority', by_source: { import: 1, 'gold:majority': 1 }, open: 1 });
    expect(setGoldRule(db, parseGoldRule('latest'), 'lead').changed).toBe(1);
    expect(goldOf(ids[1])).toEqual({ label: 'anger', s: 'gold:latest' });
    expect(() => parseGoldRule('loudest')).toThrow(/latest, majority or annotator=NAME/);
  });
});
