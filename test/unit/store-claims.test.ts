// Work claims (issue 14 item 10) on a real SQLite file: one holder per key, a second connection (as
// another process) sees them, and a claim expires when its holder's process is gone or its heartbeat stale.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { claim, expireStale, heartbeat, Lease, listClaims, newHolder, release } from '../../src/main/core/store/claims';
import { snapshotForShard } from '../../src/main/core/store/merge';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-claims-');
afterAll(() => t.cleanup());
const file = path.join(t.dir, 'claims.db');
const a = openDb(file);
const b = openDb(file); // a second connection, as a second extractor would have
afterAll(() => {
  a.close();
  b.close();
});

describe('store: work claims', () => {
  it('gives each key to one holder; the other gets the rest; release hands them over', () => {
    const h1 = newHolder();
    const h2 = newHolder();
    expect(h1.id).not.toBe(h2.id);
    expect(claim(a, ['k1', 'k2', 'k3'], h1)).toEqual(['k1', 'k2', 'k3']);
    expect(claim(b, ['k2', 'k3', 'k4'], h2)).toEqual(['k4']);
    // claiming again what one holds is idempotent
    expect(claim(a, ['k1', 'k4'], h1)).toEqual(['k1']);
    expect(release(a, h1, ['k2'])).toBe(1);
    expect(claim(b, ['k2', 'k3'], h2)).toEqual(['k2']);
    expect(listClaims(a).map((c) => `${c.key}:${c.holder === h1.id ? 1 : 2}`)).toEqual(['k1:1', 'k2:2', 'k3:1', 'k4:2']);
    release(a, h1);
    release(b, h2);
    expect(listClaims(a)).toEqual([]);
  });

  it('stillWanted is asked inside the claim: a unit done meanwhile is not claimed', () => {
    const h = newHolder();
    const done = new Set(['x2']);
    expect(claim(a, ['x1', 'x2', 'x3'], h, { stillWanted: (k) => !done.has(k) })).toEqual(['x1', 'x3']);
    expect(listClaims(a).map((c) => c.key)).toEqual(['x1', 'x3']);
    release(a, h);
  });

  it('a claim whose process has ended expires and is taken over (kill -9 of the holder)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const gone = { id: `extract:test:${dead.stdout}:dead`, pid: Number(dead.stdout) };
    expect(gone.pid).toBeGreaterThan(0);
    expect(claim(a, ['d1', 'd2'], gone)).toEqual(['d1', 'd2']);
    const h = newHolder();
    expect(claim(b, ['d1', 'd2', 'd3'], h)).toEqual(['d1', 'd2', 'd3']);
    release(b, h);
  });

  it('a dead holder loses a key asked for right after a sweep; its other keys go at the next interval', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const gone = { id: `extract:test:${dead.stdout}:dead2`, pid: Number(dead.stdout) };
    const h = newHolder();
    const t0 = 5_000_000;
    expect(claim(a, ['q0'], h, { now: t0 })).toEqual(['q0']); // sweeps on this handle at t0
    expect(claim(b, ['q1', 'q2'], gone, { now: t0 + 1 })).toEqual(['q1', 'q2']);
    // within staleMs / 4 of the sweep: no sweep for q3, but q1 held by a dead pid is taken over
    expect(claim(a, ['q3'], h, { now: t0 + 2 })).toEqual(['q3']);
    expect(listClaims(a).filter((c) => c.holder === gone.id).length).toBe(2);
    expect(claim(a, ['q1'], h, { now: t0 + 3 })).toEqual(['q1']);
    expect(listClaims(a).filter((c) => c.holder === gone.id)).toEqual([]);
    release(a, h);
  });

  it('a live holder without a heartbeat for staleMs loses its claims; a beat keeps them', () => {
    const h1 = newHolder();
    const h2 = newHolder();
    const t0 = 1_000_000;
    expect(claim(a, ['s1'], h1, { now: t0 })).toEqual(['s1']);
    expect(claim(b, ['s1'], h2, { now: t0 + 50_000, staleMs: 60_000 })).toEqual([]);
    heartbeat(a, h1, t0 + 50_000);
    expect(claim(b, ['s1'], h2, { now: t0 + 100_000, staleMs: 60_000 })).toEqual([]);
    expect(expireStale(b, { now: t0 + 111_000, staleMs: 60_000 })).toBe(1);
    expect(claim(b, ['s1'], h2, { now: t0 + 111_000, staleMs: 60_000 })).toEqual(['s1']);
    release(b, h2);
  });

  it('Lease: take one key at a time, close gives everything back', () => {
    const l1 = new Lease(a);
    const l2 = new Lease(b);
    expect(l1.take('m1')).toBe(true);
    expect(l2.take('m1')).toBe(false);
    expect(l2.take('m2')).toBe(true);
    expect(l1.take('m3', () => false)).toBe(false);
    l1.close();
    expect(l2.take('m1')).toBe(true);
    l2.close();
    expect(listClaims(a)).toEqual([]);
  });

  it('a shard snapshot of the database starts with no claims (those belong to the extractors of the main one)', () => {
    const h = newHolder();
    expect(claim(a, ['media:/c/x.mp4'], h)).toEqual(['media:/c/x.mp4']);
    const shard = path.join(t.dir, 'shard-0.db');
    expect(snapshotForShard(file, shard)).toBe(true);
    const s = openDb(shard);
    try {
      expect(listClaims(s)).toEqual([]);
    } finally {
      s.close();
    }
    expect(listClaims(a).map((c) => c.key)).toEqual(['media:/c/x.mp4']);
    release(a, h);
  });
});
