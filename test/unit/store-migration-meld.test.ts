// Migration 3: a database written before it kept MELD's episode times in utterance.start_s/end_s;
// after it they are episode_start_s/episode_end_s and the MELD clip is a whole clip, while the spans
// of other corpora's segments stay where they are.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/main/core/store/migrations';
import { openDb, schemaVersion } from '../../src/main/core/store/db';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe('migration 3 (MELD episode times)', () => {
  it("moves a MELD corpus's times to episode_start_s/end_s and leaves segments of other corpora alone", () => {
    t = tmpDir('es-mig-');
    const file = path.join(t.dir, 'old.db');
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) old.exec(m.sql);
    old.pragma('user_version = 2');
    old
      .prepare("INSERT INTO corpus (id, root, kind, label_set) VALUES (1, '/meld', 'meld-csv', '[]'), (2, '/talks', 'elan-eaf', '[]')")
      .run();
    const add = old.prepare('INSERT INTO utterance (corpus_id, key, split, start_s, end_s) VALUES (?, ?, ?, ?, ?)');
    add.run(1, 'train/dia0_utt0', 'train', 976.059, 981.731);
    add.run(1, 'train/dia0_utt1', 'train', null, 983.442);
    add.run(1, 'train/dia0_utt2', 'train', null, null);
    add.run(2, 'talk.eaf#Ann@500', 'unsplit', 0.5, 2.25);
    old.close();

    const db = openDb(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
    expect(db.prepare('SELECT key, start_s, end_s, episode_start_s, episode_end_s FROM utterance ORDER BY id').all()).toEqual([
      { key: 'train/dia0_utt0', start_s: null, end_s: null, episode_start_s: 976.059, episode_end_s: 981.731 },
      { key: 'train/dia0_utt1', start_s: null, end_s: null, episode_start_s: null, episode_end_s: 983.442 },
      { key: 'train/dia0_utt2', start_s: null, end_s: null, episode_start_s: null, episode_end_s: null },
      { key: 'talk.eaf#Ann@500', start_s: 0.5, end_s: 2.25, episode_start_s: null, episode_end_s: null },
    ]);
    db.close();
  });
});
