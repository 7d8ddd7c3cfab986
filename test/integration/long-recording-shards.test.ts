// Shards and merge with long recordings: `extract --shard I/N` gives a recording's segments to one
// shard (one decode), and merging the shards stores exactly what one run stores, peaks included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording, toneEaf } from '../helpers/make-recording';
import { shardMembers } from '../../src/main/core/jobs/shard';
import { openDb } from '../../src/main/core/store/db';
import { deleteSegment, setBoundaries } from '../../src/main/core/store/segments';

function dump(dbFile: string) {
  const d = new Database(dbFile, { readonly: true });
  try {
    const q = (sql: string) => d.prepare(sql).all();
    return {
      feature: q(
        "SELECT u.key, f.kind, f.frame, f.version, hex(f.data) data FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE f.kind <> 'text' ORDER BY u.key, f.kind, f.frame",
      ),
      entropy: q(
        'SELECT u.key, e.fps, e.frame_count, e.t0_s, hex(e.entropy) e, e.selected FROM frame_entropy e JOIN utterance u ON u.id = e.utterance_id ORDER BY u.key',
      ),
      thumbs: q(
        'SELECT u.key, t.frame, length(t.png) n FROM thumbnail t JOIN utterance u ON u.id = t.utterance_id ORDER BY u.key, t.frame',
      ),
      stages: q(
        "SELECT u.key, s.status, s.version FROM stage_status s JOIN utterance u ON u.id = s.utterance_id WHERE s.stage = 'media' ORDER BY u.key",
      ),
      recordings: q('SELECT path, duration_s, peaks_per_s, peaks_offset_s, hex(peaks) p FROM recording ORDER BY path'),
    };
  } finally {
    d.close();
  }
}

describe('long recordings across shards', () => {
  const t = tmpDir('es-longshard-');
  const main = path.join(t.dir, 'main.db');
  const one = path.join(t.dir, 'one.db');
  beforeAll(() => {
    for (let r = 0; r < 4; r++) {
      const rec = makeToneRecording(path.join(t.dir, 'corpus'), `session${r}`, {
        segments: 4,
        toneS: 1.0,
        gapS: 0.5,
        f0: 120 + 40 * r,
        step: 10,
      });
      toneEaf(path.join(t.dir, 'corpus', `session${r}.eaf`), rec.file, rec.segments, ['Ann', 'Bob']);
    }
    expect(runCli(['import', path.join(t.dir, 'corpus'), '--db', main]).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('assigns whole recordings to shards', () => {
    const db = openDb(main);
    const byFile = db.prepare('SELECT u.id, m.path FROM utterance u JOIN media m ON m.utterance_id = u.id').all() as {
      id: number;
      path: string;
    }[];
    const s0 = shardMembers(db, { index: 0, count: 2 });
    db.close();
    expect(byFile).toHaveLength(16);
    for (const file of new Set(byFile.map((r) => r.path))) {
      const ids = byFile.filter((r) => r.path === file).map((r) => s0.has(r.id));
      expect(new Set(ids).size, file).toBe(1);
    }
  });

  it('shards merged store what one run stores', () => {
    expect(runCli(['extract', '--shard', '0/2', '--from', main, '--db', path.join(t.dir, 's0.db')]).code).toBe(0);
    expect(runCli(['extract', '--shard', '1/2', '--from', main, '--db', path.join(t.dir, 's1.db')]).code).toBe(0);
    const d = new Database(main, { readonly: true });
    d.prepare('VACUUM INTO ?').run(one);
    d.close();
    expect(runCli(['extract', '--db', one]).code).toBe(0);
    const m = runCli(['merge', path.join(t.dir, 's0.db'), path.join(t.dir, 's1.db'), '--db', main, '--json']);
    expect(m.code, m.stderr).toBe(0);
    const [a, b] = [dump(main), dump(one)];
    expect(a.recordings).toHaveLength(4);
    expect(a.entropy).toHaveLength(16);
    expect(a).toEqual(b);
    expect(runCli(['extract', '--db', main, '--json']).json().media).toMatchObject({ processed: 0, skipped: 16 });
  });

  it('re-importing the transcripts keeps spans edited on the timeline and segments removed there', () => {
    const db = openDb(main);
    const [a, b] = db.prepare('SELECT id, start_s, end_s FROM utterance ORDER BY id LIMIT 2').all() as {
      id: number;
      start_s: number;
      end_s: number;
    }[];
    setBoundaries(db, a.id, a.start_s + 0.1, a.end_s, 'ann', 'nudge');
    deleteSegment(db, b.id, 'ann');
    db.close();
    const again = runCli(['import', path.join(t.dir, 'corpus'), '--db', main]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/its span was edited on the timeline/);
    const d = new Database(main, { readonly: true });
    const rows = d.prepare('SELECT id, start_s, split FROM utterance WHERE id IN (?, ?) ORDER BY id').all(a.id, b.id) as {
      id: number;
      start_s: number;
      split: string;
    }[];
    d.close();
    expect(rows[0].start_s).toBeCloseTo(a.start_s + 0.1, 3);
    expect(rows[1].split).toBe('removed');
  });
});
