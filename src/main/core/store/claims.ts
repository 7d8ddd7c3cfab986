// Leases on units of work (a clip, a recording) so that concurrent extractors on one database (serve's
// job and a CLI `extract`) share the work: each unit is claimed by one holder at a time, and a claim
// whose holder is gone (its pid ended: kill -9, crash) or silent (no heartbeat for staleMs) expires.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Db } from './db';

export interface Holder {
  /** unique per run: host, pid and a random part (two runs in one process are two holders) */
  id: string;
  pid: number;
}

/** A claim with no heartbeat for this long is taken over even when its pid still exists (reused pid, hung process). */
export const DEFAULT_STALE_MS = 120_000;

export function newHolder(label = 'extract'): Holder {
  return { id: `${label}:${os.hostname()}:${process.pid}:${crypto.randomBytes(6).toString('hex')}`, pid: process.pid };
}

export interface ClaimOptions {
  /** evaluated inside the claiming transaction: false leaves the key unclaimed (already done meanwhile) */
  stillWanted?: (key: string) => boolean;
  staleMs?: number;
  /** clock (ms since the epoch); tests only */
  now?: number;
}

/**
 * Claims the free keys among `keys` for `holder` and returns those it holds now (its own earlier
 * claims included), in one write transaction after expiring stale claims. A key another live holder
 * has is left out; so is one that `stillWanted` refuses (its claim, if ours, is dropped).
 */
export function claim(db: Db, keys: readonly string[], holder: Holder, o: ClaimOptions = {}): string[] {
  if (keys.length === 0) return [];
  const now = o.now ?? Date.now();
  const ins = db.prepare('INSERT INTO work_claim (key, holder, pid, heartbeat_ms) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING');
  const who = db.prepare('SELECT holder FROM work_claim WHERE key = ?').pluck();
  const drop = db.prepare('DELETE FROM work_claim WHERE key = ? AND holder = ?');
  return db
    .transaction(() => {
      expireStale(db, { staleMs: o.staleMs, now });
      const got: string[] = [];
      for (const k of keys) {
        ins.run(k, holder.id, holder.pid, now);
        if (who.get(k) !== holder.id) continue;
        if (o.stillWanted && !o.stillWanted(k)) {
          drop.run(k, holder.id);
          continue;
        }
        got.push(k);
      }
      return got;
    })
    .immediate();
}

/** Gives keys back (all of the holder's when `keys` is omitted). */
export function release(db: Db, holder: Holder, keys?: readonly string[]): number {
  if (!keys) return db.prepare('DELETE FROM work_claim WHERE holder = ?').run(holder.id).changes;
  const del = db.prepare('DELETE FROM work_claim WHERE key = ? AND holder = ?');
  return db.transaction(() => keys.reduce((n, k) => n + del.run(k, holder.id).changes, 0))();
}

/** Marks the holder's claims as alive (call every staleMs / 4 or so while it works). */
export function heartbeat(db: Db, holder: Holder, now = Date.now()): void {
  db.prepare('UPDATE work_claim SET heartbeat_ms = ? WHERE holder = ?').run(now, holder.id);
}

/** Deletes claims whose holder's process is gone or whose heartbeat is older than staleMs; returns how many. */
export function expireStale(db: Db, o: { staleMs?: number; now?: number } = {}): number {
  const now = o.now ?? Date.now();
  const staleMs = o.staleMs ?? DEFAULT_STALE_MS;
  const rows = db.prepare('SELECT holder, pid, MAX(heartbeat_ms) hb FROM work_claim GROUP BY holder, pid').all() as {
    holder: string;
    pid: number;
    hb: number;
  }[];
  let n = 0;
  const del = db.prepare('DELETE FROM work_claim WHERE holder = ?');
  for (const r of rows) {
    if (now - r.hb <= staleMs && alive(r.pid)) continue;
    n += del.run(r.holder).changes;
  }
  return n;
}

/** Who holds what (for doctor / tests). */
export function listClaims(db: Db): { key: string; holder: string; pid: number; heartbeat_ms: number }[] {
  return db.prepare('SELECT key, holder, pid, heartbeat_ms FROM work_claim ORDER BY key').all() as {
    key: string;
    holder: string;
    pid: number;
    heartbeat_ms: number;
  }[];
}

/**
 * One run's lease: claims keys one by one as it goes (take), keeps them alive with a heartbeat timer,
 * and gives them all back at the end (close). Use one per extraction run.
 */
export class Lease {
  readonly holder: Holder;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    label = 'extract',
    private readonly staleMs = DEFAULT_STALE_MS,
  ) {
    this.holder = newHolder(label);
    this.timer = setInterval(
      () => {
        try {
          heartbeat(this.db, this.holder);
        } catch {
          // a busy database this time: the next beat (well within staleMs) tries again
        }
      },
      Math.max(1000, Math.floor(staleMs / 4)),
    );
    this.timer.unref();
  }

  /** True when this run may do `key` now (claimed here, and still wanted). */
  take(key: string, stillWanted?: () => boolean): boolean {
    return claim(this.db, [key], this.holder, { staleMs: this.staleMs, stillWanted: stillWanted && (() => stillWanted()) }).length === 1;
  }

  close(): void {
    clearInterval(this.timer);
    release(this.db, this.holder);
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
