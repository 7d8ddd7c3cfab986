// Undo of an annotator's last change on a real SQLite file (store/label-undo.ts): the annotator's own
// label and the gold label with its source come back exactly as before, under every gold rule and on an
// adjudicated item; the history only grows.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { adjudicate, annotatorLabels, listAnnotators, parseGoldRule, relabel, setGoldRule } from '../../src/main/core/store/labels';
import { undoAnnotatorChange, undoableChange, UndoConflictError } from '../../src/main/core/store/label-undo';
import { ratedItems } from '../../src/main/core/store/annotators';
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

describe('undo of an annotator change', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  let ids: number[] = [];
  const open = () => {
    t = tmpDir();
    db = openDb(path.join(t.dir, 'es.db'));
    saveImport(db, {
      kind: 'generic-csv',
      corpusRoot: '/c',
      labelSet: ['anger', 'fear', 'joy', 'neutral'],
      records: [record(0, 'fear'), record(1, null), record(2, 'neutral')],
      issues: [],
      missingMedia: 3,
    });
    ids = (db.prepare('SELECT id FROM utterance ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  };
  const state = (id: number) => ({
    gold: db.prepare('SELECT label, gold_source source FROM utterance WHERE id = ?').get(id),
    annotators: annotatorLabels(db, id),
  });
  const rows = (id: number) => (db.prepare('SELECT COUNT(*) n FROM label_history WHERE utterance_id = ?').get(id) as { n: number }).n;
  const undo = (id: number, who: string, change?: number | null) => undoAnnotatorChange(db, id, who, who, change);
  afterEach(() => {
    db?.close();
    t?.cleanup();
  });

  it('latest rule: undo of a first label removes the annotator from the item and restores the imported gold', () => {
    open();
    const before = state(ids[0]);
    expect(before.gold).toEqual({ label: 'fear', source: '/c/x.csv' });
    const n = rows(ids[0]);
    const r = relabel(db, ids[0], 'anger', 'carla', 'annotate');
    expect(r.change_id).toBeTypeOf('number');
    expect(state(ids[0]).gold).toEqual({ label: 'anger', source: 'annotate' });
    const u = undo(ids[0], 'carla', r.change_id);
    expect(u).toMatchObject({ undone: r.change_id, annotator_old: 'anger', mine: null, old: 'anger', new: 'fear', gold_restored: true });
    expect(state(ids[0])).toEqual(before);
    expect(listAnnotators(db)).toEqual([]);
    expect(ratedItems(db, {}).items).toEqual([]);
    expect(rows(ids[0])).toBe(n + 3); // the change, the undo, the gold row: nothing removed
    expect(undoableChange(db, ids[0], 'carla')).toBeNull();
    expect(() => undo(ids[0], 'carla')).toThrow(UndoConflictError);
  });

  it('latest rule: undo of a change gives back the previous label; two undos in a row take back both', () => {
    open();
    relabel(db, ids[1], 'joy', 'bob', 'annotate');
    const start = state(ids[1]);
    const a = relabel(db, ids[1], 'joy', 'carla', 'annotate');
    const mid = state(ids[1]);
    const b = relabel(db, ids[1], 'anger', 'carla', 'annotate');
    expect(() => undo(ids[1], 'carla', a.change_id)).toThrow(UndoConflictError); // not her last change
    expect(undo(ids[1], 'carla', b.change_id)).toMatchObject({ mine: 'joy', new: 'joy', gold_restored: true });
    expect(state(ids[1])).toEqual(mid);
    expect(undo(ids[1], 'carla', a.change_id)).toMatchObject({ mine: null, new: 'joy', gold_restored: true });
    expect(state(ids[1])).toEqual(start);
    expect(listAnnotators(db)).toEqual([{ name: 'bob', labels: 1 }]);
  });

  it('an item nobody labelled goes back to no gold label and no source', () => {
    open();
    const before = state(ids[1]);
    expect(before).toEqual({ gold: { label: null, source: null }, annotators: [] });
    const r = relabel(db, ids[1], 'joy', 'carla', 'annotate');
    undo(ids[1], 'carla', r.change_id);
    expect(state(ids[1])).toEqual(before);
  });

  it('majority rule: undo of the vote that broke a tie restores the open item', () => {
    open();
    setGoldRule(db, parseGoldRule('majority'), 'lead');
    relabel(db, ids[2], 'joy', 'alice', 'annotate');
    relabel(db, ids[2], 'anger', 'bob', 'annotate');
    const before = state(ids[2]);
    expect(before.gold).toEqual({ label: null, source: 'gold:majority' });
    const r = relabel(db, ids[2], 'anger', 'carla', 'annotate');
    expect(state(ids[2]).gold).toEqual({ label: 'anger', source: 'gold:majority' });
    undo(ids[2], 'carla', r.change_id);
    expect(state(ids[2])).toEqual(before);
    // a first annotator label under majority: the imported gold and its source come back
    const first = state(ids[0]);
    const f = relabel(db, ids[0], 'joy', 'carla', 'annotate');
    expect(state(ids[0]).gold).toEqual({ label: 'joy', source: 'gold:majority' });
    undo(ids[0], 'carla', f.change_id);
    expect(state(ids[0])).toEqual(first);
  });

  it('annotator=NAME rule: undo of that annotator restores the gold; of another annotator leaves it', () => {
    open();
    setGoldRule(db, parseGoldRule('annotator=carla'), 'lead');
    const before = state(ids[0]);
    const r = relabel(db, ids[0], 'anger', 'carla', 'annotate');
    expect(state(ids[0]).gold).toEqual({ label: 'anger', source: 'gold:annotator=carla' });
    undo(ids[0], 'carla', r.change_id);
    expect(state(ids[0])).toEqual(before);
    const o = relabel(db, ids[0], 'joy', 'dan', 'annotate');
    undo(ids[0], 'dan', o.change_id);
    expect(state(ids[0])).toEqual(before);
  });

  it('an adjudicated item keeps its adjudicated gold; only the annotator label goes back', () => {
    open();
    adjudicate(db, ids[0], 'neutral', 'judge');
    const before = state(ids[0]);
    const r = relabel(db, ids[0], 'anger', 'carla', 'annotate');
    expect(state(ids[0]).gold).toEqual({ label: 'neutral', source: 'adjudicate' });
    undo(ids[0], 'carla', r.change_id);
    expect(state(ids[0])).toEqual(before);
  });

  it('someone else changed the item since: the annotator label goes back and the gold follows the rule', () => {
    open();
    setGoldRule(db, parseGoldRule('majority'), 'lead');
    relabel(db, ids[1], 'joy', 'alice', 'annotate');
    const r = relabel(db, ids[1], 'anger', 'carla', 'annotate');
    relabel(db, ids[1], 'anger', 'bob', 'annotate');
    expect(state(ids[1]).gold).toMatchObject({ label: 'anger' });
    expect(undo(ids[1], 'carla', r.change_id)).toMatchObject({ gold_restored: false, mine: null });
    expect(state(ids[1])).toEqual({
      gold: { label: null, source: 'gold:majority' },
      annotators: [
        { annotator: 'alice', label: 'joy' },
        { annotator: 'bob', label: 'anger' },
      ],
    });
  });
});
