// The annotation API on a real SQLite file through dispatch: name and key map kept in the settings,
// the filtered id list, dialogue context, agreement with a model as rater, the queue, adjudication,
// the gold rule, and typed refusals.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { relabel } from '../../src/main/core/store/labels';
import { createApiHandlers, dispatch, JobRunner } from '../../src/main/core/api';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-ann-');
afterAll(() => t.cleanup());
const db = openDb(path.join(t.dir, 'api.db'));
afterAll(() => db.close());
const dataDir = path.join(t.dir, 'data');

const rec = (i: number, speaker: string): ImportRecord => ({
  key: `u${i}`,
  split: i < 4 ? 'train' : 'dev',
  dialogue: 'd1',
  index: i,
  speaker,
  text: `line ${i}`,
  label: null,
  mediaPath: null,
  startS: null,
  endS: null,
  source: '/c/x.csv',
  row: i + 2,
});
saveImport(db, {
  kind: 'generic-csv',
  corpusRoot: '/c',
  labelSet: ['anger', 'joy', 'neutral'],
  records: [0, 1, 2, 3, 4, 5].map((i) => rec(i, i % 2 ? 'B' : 'A')),
  issues: [],
  missingMedia: 6,
});
const ids = (db.prepare('SELECT id FROM utterance ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const handlers = createApiHandlers({
  db,
  dbPath: path.join(t.dir, 'api.db'),
  dataDir,
  mode: 'browser',
  jobs: new JobRunner(db),
  who: 'osuser',
  urls: { media: (id) => `/media/${id}`, thumbnail: (id, f) => `/thumb/${id}/${f}` },
});
const ok = async (m: string, input: unknown) => {
  const r = await dispatch(handlers, m, input);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as any;
};

describe('annotation API', () => {
  it('name: the OS user until set, then kept in the settings and used for label changes', async () => {
    expect(await ok('annotation.info', {})).toMatchObject({ annotator: 'osuser', named: false, annotators: [], gold: { rule: 'latest' } });
    expect(await ok('annotation.setName', { name: '  ann ' })).toMatchObject({ annotator: 'ann', named: true });
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'ui-settings.json'), 'utf8')).annotator).toBe('ann');
    await ok('utterances.relabel', { id: ids[0], label: 'joy' });
    await ok('utterances.relabel', { id: ids[1], label: 'anger', annotator: 'ben' });
    expect((await ok('annotation.info', {})).annotators).toEqual([
      { name: 'ann', labels: 1 },
      { name: 'ben', labels: 1 },
    ]);
  });

  it('key map: saved, refused for the navigation keys and for a key given twice', async () => {
    expect((await ok('annotation.setKeymap', { keymap: { x: 'joy' } })).keymap).toEqual({ x: 'joy' });
    expect(await dispatch(handlers, 'annotation.setKeymap', { keymap: { j: 'joy' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/J\/K move/) },
    });
    expect(await dispatch(handlers, 'annotation.setKeymap', { keymap: { x: 'joy', X: 'anger' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/twice/) },
    });
  });

  it('ids: filters by split, speaker, annotator, not labelled by, disagreement', async () => {
    relabel(db, ids[0], 'anger', 'ben');
    expect((await ok('annotation.ids', {})).ids).toEqual(ids);
    expect((await ok('annotation.ids', { split: 'dev' })).ids).toEqual(ids.slice(4));
    expect((await ok('annotation.ids', { speaker: 'B' })).ids).toEqual([ids[1], ids[3], ids[5]]);
    expect((await ok('annotation.ids', { annotator: 'ben' })).ids).toEqual([ids[0], ids[1]]);
    expect((await ok('annotation.ids', { unlabelledBy: 'ann', split: 'train' })).ids).toEqual(ids.slice(1, 4));
    expect((await ok('annotation.ids', { disagree: true })).ids).toEqual([ids[0]]);
  });

  it("item: every annotator's label and the dialogue around it, the current one marked", async () => {
    const r = await ok('annotation.item', { id: ids[2], before: 1, after: 1 });
    expect(r.annotations).toEqual([]);
    expect(r.context.map((c: any) => [c.id, c.current, c.mediaUrl])).toEqual([
      [ids[1], false, null],
      [ids[2], true, null],
      [ids[3], false, null],
    ]);
    expect((await ok('annotation.item', { id: ids[0] })).annotations).toEqual([
      { annotator: 'ann', label: 'joy' },
      { annotator: 'ben', label: 'anger' },
    ]);
    expect(await dispatch(handlers, 'annotation.item', { id: 99999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('agreement, queue, adjudication and gold rule', async () => {
    const a = await ok('agreement.compute', {});
    expect(a).toMatchObject({ annotators: ['ann', 'ben'], n_items: 2, gold_rule: 'latest' });
    expect(a.pairwise[0]).toMatchObject({ a: 'ann', b: 'ben', n: 1, percent_agreement: 0 });
    expect(await dispatch(handlers, 'agreement.compute', { includeModel: 3 })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/no model version 3/) },
    });
    expect((await ok('adjudicate.queue', {})).map((q: any) => q.id)).toEqual([ids[0]]);
    expect(await ok('gold.setRule', { rule: 'majority' })).toMatchObject({ rule: 'majority', open: 1 });
    const adj = await ok('adjudicate.set', { id: ids[0], label: 'joy' });
    expect(adj).toMatchObject({ old: null, new: 'joy', gold_source: 'adjudicate' });
    expect(adj.history.at(-1)).toMatchObject({ who: 'ann', source: 'adjudicate', annotator: null });
    expect(await ok('adjudicate.queue', {})).toEqual([]);
    expect((await ok('adjudicate.queue', { includeAdjudicated: true })).map((q: any) => q.id)).toEqual([ids[0]]);
    expect(await dispatch(handlers, 'gold.setRule', { rule: 'loudest' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await dispatch(handlers, 'adjudicate.set', { id: ids[0], label: 'boredom' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/label set/) },
    });
  });
});
