// Schema safety: a database written by a newer build is refused; every migration upgrades a database
// of the previous version holding data and keeps every row; utterance.label cannot disagree with history.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DbError, LATEST_SCHEMA, migrate, openDb, schemaVersion, type Db } from '../../src/main/core/store/db';
import { MIGRATIONS } from '../../src/main/core/store/migrations';
import { relabel } from '../../src/main/core/store/labels';
import { tmpDir } from '../helpers/tmp';

const SORTED = [...MIGRATIONS].sort((a, b) => a.version - b.version);
let t: ReturnType<typeof tmpDir> | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});
const file = (name: string) => {
  t ??= tmpDir('es-migr-');
  return path.join(t.dir, name);
};

/** A database built with the first `n` migrations only (what a build of that schema wrote). */
function buildAt(f: string, n: number): Database.Database {
  const db = new Database(f);
  for (const m of SORTED.slice(0, n)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db;
}

const F32 = (xs: number[]) => Buffer.from(Float32Array.from(xs).buffer);

/** Data in every table of the first schema, written the way the app writes it (labels through history). */
function seedV1(db: Database.Database): void {
  db.exec(`
INSERT INTO corpus (id, root, kind, label_set) VALUES (1, '/c/meld', 'meld-csv', '["anger","joy","neutral"]'), (2, '/c/other', 'folder', '[]');
INSERT INTO dialogue (id, corpus_id, split, key) VALUES (1, 1, 'train', '0'), (2, 1, 'dev', '7');
INSERT INTO utterance (id, corpus_id, dialogue_id, key, split, idx, speaker, text, start_s, end_s, source, source_row) VALUES
 (1, 1, 1, 'train/dia0_utt0', 'train', 0, 'Ross', 'Hi.', 0.5, 1.25, '/c/meld/train.csv', 2),
 (2, 1, 1, 'train/dia0_utt1', 'train', 1, 'Rachel', 'Oh no — ünïcode', NULL, NULL, '/c/meld/train.csv', 3),
 (3, 1, 2, 'dev/dia7_utt0', 'dev', 0, NULL, NULL, NULL, NULL, '/c/meld/dev.csv', 2),
 (4, 2, NULL, 'a.mp4', 'unsplit', NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO label_history (utterance_id, old_label, new_label, who, source, at) VALUES
 (1, NULL, 'joy', 'import', '/c/meld/train.csv', '2026-01-01T00:00:00.000Z'),
 (2, NULL, 'anger', 'import', '/c/meld/train.csv', '2026-01-01T00:00:00.000Z'),
 (3, NULL, 'neutral', 'import', '/c/meld/dev.csv', '2026-01-01T00:00:00.000Z'),
 (2, 'anger', 'neutral', 'ann', 'relabel', '2026-01-02T00:00:00.000Z'),
 (3, 'neutral', NULL, 'ann', 'relabel', '2026-01-03T00:00:00.000Z');
INSERT INTO media VALUES (1, '/c/meld/train_splits/dia0_utt0.mp4', 12345, 1700000000123.5, 1.5, 1, 1, 25, 320, 240, 48000, 37),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO stage_status (utterance_id, stage, status, version, updated_at) VALUES
 (1, 'media', 'done', 'm1', '2026-01-01T00:00:01.000Z'), (1, 'text', 'done', 't1', '2026-01-01T00:00:02.000Z'),
 (2, 'media', 'error', 'm1', '2026-01-01T00:00:03.000Z');
INSERT INTO item_error (utterance_id, stage, file, message, level) VALUES
 (2, 'media', '/c/meld/x.mp4', 'no clip', 'error'), (NULL, 'import', '/c/meld/train.csv', 'row 9: bad label', 'warning');
INSERT INTO audio_summary VALUES (1, '{"rms":0.1}');
INSERT INTO encoder_state (name, version, fitted_on, data) VALUES ('tfidf', '1', 'train', X'00ff10');
INSERT INTO model (version, params, labels, metrics, data) VALUES (1, '{"fusion":"early"}', '{"1":"joy"}', '{"dev":{}}', X'0102');
INSERT INTO prediction VALUES (1, 1, 'joy', '{"joy":0.9,"anger":0.1}'), (2, 1, 'anger', '{"joy":0.2,"anger":0.8}');
INSERT INTO job (id, kind, status, params, result, finished_at) VALUES (1, 'extract', 'done', '{}', '{"n":2}', '2026-01-01T00:01:00.000Z'),
 (2, 'train', 'running', NULL, NULL, NULL);
`);
  const feat = db.prepare(
    'INSERT INTO feature (utterance_id, kind, frame, extractor, version, provider, dim, layout, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  feat.run(1, 'audio.stats', -1, 'es-audio', '1', null, 3, 'dense', F32([0.25, -1.5, 3e-7]));
  feat.run(1, 'video.embedding', 4, 'clip', '2', 'cpu', 2, 'dense', F32([1, 2]));
  feat.run(
    2,
    'text',
    -1,
    'tfidf',
    '1',
    null,
    1000,
    'sparse',
    Buffer.concat([Buffer.from(Uint32Array.from([3, 999]).buffer), F32([0.5, 0.5])]),
  );
  db.prepare('INSERT INTO frame_entropy VALUES (?, ?, ?, ?, ?, ?)').run(1, 25, 3, F32([7.1, 7.2, 7.3]), F32([0, 0.1, 0.2]), '[0,2]');
  db.prepare('INSERT INTO thumbnail VALUES (?, ?, ?)').run(1, 0, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
}

/** A plausible value for a column of a table no seed knows (a migration added after this test). */
function genericValue(db: Database.Database, table: string, col: { name: string; type: string }, k: number): unknown {
  const fk = (
    db.prepare(`PRAGMA foreign_key_list(${JSON.stringify(table)})`).all() as { from: string; table: string; to: string | null }[]
  ).find((f) => f.from === col.name);
  if (fk) {
    const r = db.prepare(`SELECT ${fk.to ?? 'rowid'} AS v FROM ${JSON.stringify(fk.table)} LIMIT 1`).get() as { v: unknown } | undefined;
    return r?.v ?? null;
  }
  const ty = col.type.toUpperCase();
  if (ty.includes('INT')) return k + 1;
  if (ty.includes('REAL') || ty.includes('FLOA') || ty.includes('DOUB')) return k + 0.5;
  if (ty.includes('BLOB')) return Buffer.from([k, 1, 2]);
  return `${col.name}-${k}`;
}

/** Two rows in each empty table (tables added by later migrations), where the schema allows them. */
function seedEmptyTables(db: Database.Database): string[] {
  const filled: string[] = [];
  for (const table of tablesOf(db)) {
    if ((db.prepare(`SELECT COUNT(*) n FROM ${JSON.stringify(table)}`).get() as { n: number }).n > 0) continue;
    const info = db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string; type: string; pk: number }[];
    // a single INTEGER PRIMARY KEY is the rowid: left to SQLite
    const rowid =
      info.filter((c) => c.pk > 0).length === 1 ? info.find((c) => c.pk === 1 && c.type.toUpperCase() === 'INTEGER') : undefined;
    const cols = info.filter((c) => c !== rowid);
    try {
      for (let k = 0; k < 2; k++) {
        db.prepare(
          `INSERT INTO ${JSON.stringify(table)} (${cols.map((c) => JSON.stringify(c.name)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ).run(...cols.map((c) => genericValue(db, table, c, k)));
      }
      filled.push(table);
    } catch (e) {
      // a CHECK or UNIQUE this generic row does not meet: the table is compared as it is
      if (process.env.ES_MIGRATION_DEBUG) console.log(`no generic rows in ${table}: ${(e as Error).message}`);
    }
  }
  return filled;
}

function tablesOf(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
  ).map((r) => r.name);
}

/** Every row of every table, columns by name, ordered by all columns (tables without a rowid too). */
function dump(db: Database.Database | Db): Record<string, { cols: string[]; rows: unknown[][] }> {
  const out: Record<string, { cols: string[]; rows: unknown[][] }> = {};
  for (const table of tablesOf(db as Database.Database)) {
    const cols = (db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[]).map((c) => c.name);
    const rows = db
      .prepare(`SELECT * FROM ${JSON.stringify(table)} ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`)
      .raw()
      .all() as unknown[][];
    out[table] = { cols, rows };
  }
  return out;
}

describe('schema versions', () => {
  it('refuses a database written by a newer build, names the file and both versions, and writes nothing', () => {
    const f = file('newer.db');
    const raw = buildAt(f, SORTED.length);
    raw.pragma(`user_version = ${LATEST_SCHEMA + 1}`);
    raw.close();
    const before = fs.readFileSync(f);
    for (const readonly of [false, true]) {
      let err: unknown;
      try {
        openDb(f, { readonly }).close();
        expect.unreachable('a newer database was opened');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DbError);
      const msg = (err as Error).message;
      expect(msg).toContain(f);
      expect(msg).toContain(`schema version ${LATEST_SCHEMA + 1}`);
      expect(msg).toContain(`(version ${LATEST_SCHEMA})`);
      expect(msg).toMatch(/newer/);
    }
    expect(fs.readFileSync(f).equals(before)).toBe(true); // not migrated, not switched to WAL
    expect(fs.existsSync(f + '-wal')).toBe(false);
  });

  it('LATEST_SCHEMA is the highest migration, the versions are unique and the list is kept sorted', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(LATEST_SCHEMA).toBe(Math.max(...versions));
    const f = file('fresh.db');
    const db = openDb(f);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA);
    db.close();
  });
});

/** Row changes a migration makes on purpose, by version: the rows expected after it, from the rows before. */
const EXPECTED_CHANGES: Record<number, (before: ReturnType<typeof dump>) => ReturnType<typeof dump>> = {
  // MELD's StartTime/EndTime move to episode_start_s/end_s: a MELD clip's own span is NULL
  3: (before) => {
    const u = before.utterance;
    const at = (c: string) => u.cols.indexOf(c);
    const c = before.corpus;
    const meld = new Set(c.rows.filter((r) => r[c.cols.indexOf('kind')] === 'meld-csv').map((r) => r[c.cols.indexOf('id')]));
    const rows = u.rows.map((r) => {
      if (!meld.has(r[at('corpus_id')]) || !/dia.*_utt/.test(String(r[at('key')]))) return r;
      const out = [...r];
      out[at('start_s')] = null;
      out[at('end_s')] = null;
      return out;
    });
    return { ...before, utterance: { cols: u.cols, rows } };
  },
};

/** A file at the version of SORTED[i - 1] holding data: the first schema's rows, then the previous
 * migrations (the real migrate()), then rows in the tables those added. */
function databaseBefore(f: string, i: number): Database.Database {
  const db = buildAt(f, 1);
  db.pragma('foreign_keys = ON');
  seedV1(db);
  migrate(db as unknown as Db, f, SORTED[i - 1].version);
  const filled = seedEmptyTables(db);
  if (process.env.ES_MIGRATION_DEBUG) console.log(`v${SORTED[i - 1].version}: generic rows in ${filled.join(', ') || 'no table'}`);
  expect(schemaVersion(db as unknown as Db)).toBe(SORTED[i - 1].version);
  return db;
}

describe('every migration upgrades a database of the previous version holding data', () => {
  for (let i = 1; i < SORTED.length; i++) {
    const m = SORTED[i];
    it(`migration ${m.version} (from ${SORTED[i - 1].version}) keeps every row`, () => {
      const f = file(`v${SORTED[i - 1].version}.db`);
      const db = databaseBefore(f, i);
      const before = dump(db);
      expect(Object.values(before).reduce((n, tb) => n + tb.rows.length, 0)).toBeGreaterThan(25);
      migrate(db as unknown as Db, f, m.version);
      expect(schemaVersion(db as unknown as Db)).toBe(m.version);
      const after = dump(db);
      db.close();
      const expected = (EXPECTED_CHANGES[m.version] ?? ((x) => x))(before);
      for (const [table, { cols, rows }] of Object.entries(expected)) {
        expect(after[table], `table ${table} is gone after migration ${m.version}`).toBeDefined();
        const idx = cols.map((c) => after[table].cols.indexOf(c));
        expect(
          cols.filter((_, k) => idx[k] < 0),
          `columns of ${table} dropped by migration ${m.version}`,
        ).toEqual([]);
        expect(
          after[table].rows.map((r) => idx.map((k) => r[k])),
          `rows of ${table} after migration ${m.version}`,
        ).toEqual(rows);
      }
    });
  }

  it('openDb upgrades a first-schema file with data to the latest version, and the app reads it', () => {
    const f = file('v1.db');
    const raw = buildAt(f, 1);
    seedV1(raw);
    const before = dump(raw);
    raw.close();
    const db = openDb(f);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA);
    const after = dump(db);
    expect(after.utterance.rows.length).toBe(before.utterance.rows.length);
    const idx = before.label_history.cols.map((c) => after.label_history.cols.indexOf(c));
    expect(after.label_history.rows.map((r) => idx.map((k) => r[k]))).toEqual(before.label_history.rows);
    expect((db.prepare('SELECT id, label FROM utterance ORDER BY id').all() as { label: string | null }[]).map((r) => r.label)).toEqual([
      'joy',
      'neutral',
      null,
      null,
    ]);
    // and annotation still works on the upgraded file
    expect(relabel(db, 1, 'anger', 'ann')).toMatchObject({ old: 'joy', new: 'anger' });
    db.close();
  });
});

describe('utterance.label is derived from the append-only history (migration 4)', () => {
  const labelOf = (db: Db, id: number) =>
    (db.prepare('SELECT label FROM utterance WHERE id = ?').get(id) as { label: string | null }).label;

  it('refuses a direct UPDATE or a labelled INSERT; the history trigger and relabel still write it', () => {
    const f = file('guard.db');
    const raw = buildAt(f, 1);
    seedV1(raw);
    raw.close();
    const db = openDb(f);
    expect(() => db.prepare("UPDATE utterance SET label = 'anger' WHERE id = 1").run()).toThrow(/derived from label_history/);
    expect(() => db.prepare('UPDATE utterance SET label = NULL WHERE id = 1').run()).toThrow(/derived from label_history/);
    expect(() => db.prepare("UPDATE utterance SET label = 'joy' WHERE id = 4").run()).toThrow(/derived from label_history/);
    expect(() => db.prepare("INSERT INTO utterance (corpus_id, key, split, label) VALUES (1, 'x', 'train', 'joy')").run()).toThrow(
      /derived from label_history/,
    );
    expect(labelOf(db, 1)).toBe('joy');
    // other columns of a labelled row are still writable (re-import updates text, speaker, times)
    db.prepare("UPDATE utterance SET text = 'Hello.', speaker = 'Joey' WHERE id = 1").run();
    expect(relabel(db, 1, 'anger', 'ann')).toMatchObject({ old: 'joy', new: 'anger' });
    expect(labelOf(db, 1)).toBe('anger');
    db.prepare(
      "INSERT INTO label_history (utterance_id, old_label, new_label, who, source) VALUES (4, NULL, 'joy', 'ann', 'relabel')",
    ).run();
    expect(labelOf(db, 4)).toBe('joy');
    expect(relabel(db, 4, null, 'ann')).toMatchObject({ old: 'joy', new: null });
    expect(labelOf(db, 4)).toBeNull();
    // every current label equals the latest history entry
    const disagree = db
      .prepare(
        `SELECT COUNT(*) n FROM utterance u WHERE u.label IS NOT
      (SELECT h.new_label FROM label_history h WHERE h.utterance_id = u.id ORDER BY h.id DESC LIMIT 1)`,
      )
      .get() as { n: number };
    expect(disagree.n).toBe(0);
    db.close();
  });

  it('repairs a label rewritten directly under an older schema back to its history', () => {
    const f = file('tampered.db');
    const raw = buildAt(f, 1);
    seedV1(raw);
    raw.exec("UPDATE utterance SET label = 'anger' WHERE id = 1; UPDATE utterance SET label = 'joy' WHERE id = 4;");
    const i4 = SORTED.findIndex((m) => m.version === 4);
    migrate(raw as unknown as Db, f, SORTED[i4 - 1].version);
    raw.close();
    const db = openDb(f);
    expect(labelOf(db, 1)).toBe('joy');
    expect(labelOf(db, 4)).toBeNull();
    expect(labelOf(db, 2)).toBe('neutral');
    db.close();
  });
});
