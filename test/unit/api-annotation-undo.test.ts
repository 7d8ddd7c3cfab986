// annotation.undo through dispatch on a real SQLite file: the settings' annotator's change named by the
// change_id utterances.relabel returned is taken back (their label gone, the gold as before); a stale
// or repeated undo is refused with `conflict`, an unknown item with `not_found`.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { createApiHandlers, dispatch, JobRunner } from '../../src/main/core/api';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-undo-');
afterAll(() => t.cleanup());
const db = openDb(path.join(t.dir, 'api.db'));
afterAll(() => db.close());
const rec = (i: number): ImportRecord => ({
  key: `u${i}`,
  split: 'train',
  dialogue: 'd1',
  index: i,
  speaker: 'A',
  text: `line ${i}`,
  label: 'fear',
  mediaPath: null,
  startS: null,
  endS: null,
  source: '/c/x.csv',
  row: i + 2,
});
saveImport(db, { kind: 'generic-csv', corpusRoot: '/c', labelSet: ['anger', 'fear'], records: [rec(0)], issues: [], missingMedia: 1 });
const [id] = (db.prepare('SELECT id FROM utterance ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const handlers = createApiHandlers({
  db,
  dbPath: path.join(t.dir, 'api.db'),
  dataDir: path.join(t.dir, 'data'),
  mode: 'browser',
  jobs: new JobRunner(db),
  who: 'osuser',
  urls: { media: (i) => `/media/${i}`, thumbnail: (i, f) => `/thumb/${i}/${f}` },
});
const ok = async (m: string, input: unknown) => {
  const r = await dispatch(handlers, m, input);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as any;
};

describe('annotation.undo', () => {
  it("takes back the annotator's first label: not counted any more, gold and source as before", async () => {
    await ok('annotation.setName', { name: 'carla' });
    const r = await ok('utterances.relabel', { id, label: 'anger' });
    expect(r).toMatchObject({ old: 'fear', new: 'anger', annotator_old: null, change_id: expect.any(Number) });
    const u = await ok('annotation.undo', { id, change: r.change_id });
    expect(u).toMatchObject({ undone: r.change_id, annotator: 'carla', mine: null, old: 'anger', new: 'fear', gold_source: '/c/x.csv' });
    expect(u.history.map((h: { source: string }) => h.source)).toEqual(['/c/x.csv', 'annotate', 'undo', '/c/x.csv']);
    expect((await ok('annotation.info', {})).annotators).toEqual([]);
    expect((await ok('annotation.item', { id })).annotations).toEqual([]);
    expect(await dispatch(handlers, 'annotation.undo', { id, change: r.change_id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await dispatch(handlers, 'annotation.undo', { id: 999999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // a key that changed nothing has no change to name
    await ok('utterances.relabel', { id, label: 'anger' });
    expect((await ok('utterances.relabel', { id, label: 'anger' })).change_id).toBeNull();
  });
});
