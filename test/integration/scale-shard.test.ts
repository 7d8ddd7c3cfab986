// extract --shard I/N on copies of the imported database, then merge: the main database must hold
// exactly what one unsharded run stores (every blob, list/show JSON), and foreign shards are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { emptyFile, makeClip } from '../helpers/make-clips';
import { formatShard, inShard, keyHash, parseShard, shardMembers } from '../../src/main/core/jobs/shard';
import { openDb } from '../../src/main/core/store/db';
import { miniDemo } from '../helpers/mini-demo';

/** Everything extraction stores, by utterance key, in a stable order. */
function dump(dbFile: string) {
  const d = new Database(dbFile, { readonly: true });
  try {
    const q = (sql: string) => d.prepare(sql).all();
    return {
      integrity: d.pragma('integrity_check', { simple: true }),
      feature: q(
        'SELECT u.key, f.kind, f.frame, f.extractor, f.version, f.provider, f.dim, f.layout, hex(f.data) data FROM feature f JOIN utterance u ON u.id = f.utterance_id ORDER BY u.key, f.kind, f.frame',
      ),
      audio: q('SELECT u.key, a.json FROM audio_summary a JOIN utterance u ON u.id = a.utterance_id ORDER BY u.key'),
      entropy: q(
        'SELECT u.key, e.fps, e.frame_count, hex(e.entropy) e, hex(e.motion) m, e.selected FROM frame_entropy e JOIN utterance u ON u.id = e.utterance_id ORDER BY u.key',
      ),
      thumbs: q('SELECT u.key, t.frame, hex(t.png) png FROM thumbnail t JOIN utterance u ON u.id = t.utterance_id ORDER BY u.key, t.frame'),
      stages: q(
        'SELECT u.key, s.stage, s.status, s.version FROM stage_status s JOIN utterance u ON u.id = s.utterance_id ORDER BY u.key, s.stage',
      ),
      errors: q(
        'SELECT u.key, e.stage, e.file, e.message, e.level FROM item_error e LEFT JOIN utterance u ON u.id = e.utterance_id ORDER BY u.key, e.stage, e.message',
      ),
      media: q('SELECT u.key, m.* FROM media m JOIN utterance u ON u.id = m.utterance_id ORDER BY u.key'),
      encoder: q('SELECT name, version, fitted_on, hex(data) data FROM encoder_state ORDER BY name'),
    };
  } finally {
    d.close();
  }
}

function snapshot(from: string, to: string): void {
  const d = new Database(from, { readonly: true });
  d.prepare('VACUUM INTO ?').run(to);
  d.close();
}

describe('shard partition', () => {
  it('parses I/N and refuses what is not one', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/between 0 and N-1/);
    expect(() => parseShard('1of4')).toThrow(/I\/N/);
    expect(() => parseShard('0/0')).toThrow(/at least 1/);
    expect(parseShard(' 12 / 40 ')).toEqual({ index: 12, count: 40 });
    for (const bad of ['x1/4', '1/4x', '1x/4', '1/x4', '1 of/4', '-1/4', '1/', '/4'])
      expect(() => parseShard(bad), bad).toThrow(/--shard must be I\/N/);
    expect(formatShard(parseShard('3/16'))).toBe('3/16');
  });

  it('segments of one recording share a shard, by the path under the corpus root (any root)', () => {
    const t = tmpDir('es-shard-rec-');
    try {
      const members = (root: string) => {
        const db = openDb(path.join(t.dir, `${path.basename(root)}.db`));
        try {
          db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'folder')").run(root);
          const add = db.prepare("INSERT INTO utterance (id, corpus_id, key, split, start_s, end_s) VALUES (?, 1, ?, 'unsplit', ?, ?)");
          const media = db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)');
          for (let k = 0; k < 24; k++) {
            const rec = `day${k % 6}/talk ${k % 3}.wav`; // 18 segments over 6 recordings ...
            add.run(k + 1, `${rec}#${k}`, k < 18 ? k : null, k < 18 ? k + 1 : null); // ... and 6 whole clips
            media.run(k + 1, path.join(root, rec));
          }
          return [0, 1, 2].map((i) => [...shardMembers(db, { index: i, count: 3 })].sort((a, b) => a - b));
        } finally {
          db.close();
        }
      };
      const a = members('/data/a');
      expect(members('/mnt/elsewhere/b')).toEqual(a); // another root, the same relative paths
      expect(a.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
      for (let k = 0; k < 24; k++) {
        const rec = `day${k % 6}/talk ${k % 3}.wav`;
        const key = k < 18 ? `recording:${rec}` : `${rec}#${k}`;
        expect(a[keyHash(key) % 3], `utterance ${k + 1}`).toContain(k + 1);
      }
    } finally {
      t.cleanup();
    }
  });

  it('puts every key in exactly one shard, evenly, and the same way every time', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `train:dia${i >> 3}_utt${i & 7}`);
    const sizes = [0, 1, 2, 3, 4].map((i) => keys.filter((k) => inShard(k, { index: i, count: 5 })).length);
    expect(sizes.reduce((a, b) => a + b)).toBe(keys.length);
    for (const s of sizes) expect(Math.abs(s - 800)).toBeLessThan(120);
    expect(keyHash('train:dia0_utt0')).toBe(keyHash('train:dia0_utt0'));
    expect(keyHash('a')).toBe(0xe40c292c); // FNV-1a 32 reference value
  });
});

describe('shard membership follows the utterance, not the row', () => {
  it('a copied database and a fresh import of the same corpus put every utterance in the same shard', () => {
    const t = tmpDir('es-shard-keys-');
    const corpus = path.join(t.dir, 'demo');
    miniDemo(corpus);
    const main = path.join(t.dir, 'main.db');
    expect(runCli(['import', corpus, '--db', main]).code).toBe(0);
    const copy = path.join(t.dir, 'copy.db');
    snapshot(main, copy);
    // the fresh import first takes another corpus (the same clips under another root), so its row
    // ids are shifted by 11 against main's: membership must follow the key, not the id
    const twin = path.join(t.dir, 'twin');
    miniDemo(twin);
    const fresh = path.join(t.dir, 'fresh.db');
    expect(runCli(['import', twin, '--db', fresh]).code).toBe(0);
    expect(runCli(['import', corpus, '--db', fresh]).code).toBe(0);
    const membersByKey = (file: string, spec: string): string[] => {
      const d = new Database(file, { readonly: true });
      try {
        const ids = shardMembers(d, parseShard(spec));
        const rows = d.prepare('SELECT u.id, u.key FROM utterance u JOIN corpus c ON c.id = u.corpus_id WHERE c.root = ?').all(corpus) as {
          id: number;
          key: string;
        }[];
        expect(rows).toHaveLength(11);
        return rows
          .filter((r) => ids.has(r.id))
          .map((r) => r.key)
          .sort();
      } finally {
        d.close();
      }
    };
    const ids = (file: string) => {
      const d = new Database(file, { readonly: true });
      const r = d.prepare('SELECT u.id FROM utterance u JOIN corpus c ON c.id = u.corpus_id WHERE c.root = ? ORDER BY u.id').all(corpus);
      d.close();
      return r;
    };
    expect(ids(fresh)).not.toEqual(ids(copy)); // the premise: same keys, other ids
    for (const n of [2, 3, 4]) {
      const all: string[] = [];
      for (let i = 0; i < n; i++) {
        const spec = `${i}/${n}`;
        const inCopy = membersByKey(copy, spec);
        expect(membersByKey(fresh, spec), `shard ${spec}`).toEqual(inCopy);
        expect(membersByKey(main, spec), `shard ${spec}`).toEqual(inCopy);
        all.push(...inCopy);
      }
      expect(all).toHaveLength(11); // every utterance in exactly one shard
      expect(all.sort()).toEqual(membersByKey(copy, '0/1'));
    }
    t.cleanup();
  });
});

describe('extract --shard I/N + merge equals one run', () => {
  const t = tmpDir('es-shard-');
  const corpus = path.join(t.dir, 'demo');
  const main = path.join(t.dir, 'main.db');
  const single = path.join(t.dir, 'single.db');
  const s0 = path.join(t.dir, 'shards', 's0.db');
  const s1 = path.join(t.dir, 'shards', 's1.db');
  let singleRun: { media: { processed: number; failed: number } };

  beforeAll(() => {
    miniDemo(corpus);
    // one broken clip, so errors and stage status 'error' travel through the merge too
    const broken = path.join(corpus, 'train_splits', 'dia1_utt1.mp4');
    emptyFile(broken);
    const r = runCli(['import', corpus, '--db', main, '--json']);
    expect(r.code, r.stderr).toBe(0);
    snapshot(main, single);
    const e = runCli(['extract', '--db', single, '--json', '--quiet']);
    expect(e.code, e.stderr).toBe(0);
    singleRun = e.json();
    expect(singleRun.media).toMatchObject({ processed: 10, failed: 1 }); // 11 rows, one without a clip
  }, 120_000);
  afterAll(() => t.cleanup());

  it('each shard extracts its own part; merged, the main database equals the single run', { timeout: 300_000 }, () => {
    const a = runCli(['extract', '--shard', '0/2', '--from', main, '--db', s0, '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/made from/);
    const b = runCli(['extract', '--shard', '1/2', '--from', main, '--db', s1, '--json']);
    expect(b.code, b.stderr).toBe(0);
    const sa = a.json();
    const sb = b.json();
    expect(sa.media.processed).toBeGreaterThan(0);
    expect(sb.media.processed).toBeGreaterThan(0);
    expect(sa.media.processed + sb.media.processed).toBe(singleRun.media.processed);
    expect(sa.media.failed + sb.media.failed).toBe(1);
    expect(sa.text.encoded + sb.text.encoded).toBe(11);

    const m = runCli(['merge', s0, s1, '--db', main, '--json']);
    expect(m.code, m.stderr).toBe(0);
    const ms = m.json();
    expect(ms.integrity).toBe('ok');
    expect(ms.shards.map((s: { merged: number }) => s.merged).reduce((x: number, y: number) => x + y)).toBe(11);

    const got = dump(main);
    const want = dump(single);
    expect(got.integrity).toBe('ok');
    expect(got.feature.length).toBeGreaterThan(20);
    expect(got.thumbs.length).toBeGreaterThan(0);
    expect(got.errors.length).toBeGreaterThan(0);
    expect(got).toEqual(want);

    const list = runCli(['list', '--db', main, '--json']).json();
    expect(list).toEqual(runCli(['list', '--db', single, '--json']).json());
    expect(list.filter((r: { status: string }) => r.status === 'error')).toHaveLength(1);
    // show for a few utterances: the broken one, the clipless one, two whole ones
    const picks = [
      ...list.filter((r: { status: string }) => r.status !== 'done'),
      ...list.filter((r: { status: string }) => r.status === 'done').slice(0, 2),
    ];
    expect(picks.length).toBeGreaterThanOrEqual(3);
    for (const r of picks) {
      expect(runCli(['show', String(r.id), '--db', main, '--json']).json()).toEqual(
        runCli(['show', String(r.id), '--db', single, '--json']).json(),
      );
    }
  });

  it('after the merge the main database has nothing left to extract, and a second merge changes nothing', () => {
    const e = runCli(['extract', '--db', main, '--json', '--quiet']).json();
    expect(e.media.processed).toBe(0);
    expect(e.text).toMatchObject({ encoded: 0, refit: false });
    const again = runCli(['merge', s0, s1, '--db', main, '--json']).json();
    expect(again.shards.map((s: { merged: number; unchanged: number }) => [s.merged, s.unchanged > 0])).toEqual([
      [0, true],
      [0, true],
    ]);
    expect(dump(main)).toEqual(dump(single));
  });

  it('rerunning a shard task resumes its database instead of copying the main one again', () => {
    const r = runCli(['extract', '--shard', '0/2', '--from', main, '--db', s0, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/exists, resuming/);
    expect(r.json().media.processed).toBe(0);
  });

  it('refuses a shard of another corpus, of another feature version, or not a database, and leaves main untouched', async () => {
    const before = dump(main);
    // another corpus, really extracted
    const otherCorpus = path.join(t.dir, 'other');
    await makeClip(otherCorpus, 'x.mp4', { durationS: 1, container: 'mp4', video: { w: 160, h: 120, fps: 12 }, audio: { kind: 'sine' } });
    const other = path.join(t.dir, 'other.db');
    expect(runCli(['import', otherCorpus, '--db', other]).code).toBe(0);
    expect(runCli(['extract', '--db', other, '--quiet']).code).toBe(0);
    const r1 = runCli(['merge', s0, other, '--db', main]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(other);
    expect(r1.stderr).toMatch(/another database/);

    // a shard made by another feature version
    const old = path.join(t.dir, 'old.db');
    snapshot(s1, old);
    const d = new Database(old);
    d.prepare("UPDATE stage_status SET version = 'a-old-v-old', updated_at = '2999-01-01T00:00:00.000Z' WHERE stage = 'media'").run();
    d.close();
    const r2 = runCli(['merge', old, '--db', main]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/media feature version 'a-old-v-old'/);

    const junk = path.join(t.dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all, just text');
    const r3 = runCli(['merge', junk, '--db', main]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(junk);
    expect(r3.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

    const r4 = runCli(['merge', path.join(t.dir, 'nope.db'), '--db', main]);
    expect(r4.code).toBe(1);
    expect(r4.stderr).toMatch(/shard not found/);
    expect(runCli(['merge', main, '--db', main]).stderr).toMatch(/main database itself/);

    expect(dump(main)).toEqual(before);
  }, 120_000);

  it('a shard task refuses a bad --shard and a missing database', () => {
    const r = runCli(['extract', '--shard', '2/2', '--from', main, '--db', path.join(t.dir, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/between 0 and N-1/);
    const r2 = runCli(['extract', '--shard', '0/2', '--db', path.join(t.dir, 'absent.db')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/give --from/);
  });
});
