// Leases on units of work (a clip, a recording) so that concurrent extractors on one database (serve's
// job and a CLI `extract`) share the work: each unit is claimed by one holder at a time, and a claim
// whose holder is gone (its pid ended: kill -9, crash) or silent (no heartbeat for staleMs) expires.
// A claim runs once per clip on the extractor's main thread, so the statements are prepared once per
// database handle, and the sweep of stale claims runs when a key is found held by someone else (the
// stale holder's key is then taken over at once, as before) and otherwise at most every staleMs / 4:
// preparing five statements and sweeping on every clip cost ~30 ms of main thread per 200 clips.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Statement, Transaction } from 'better-sqlite3';
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
  const staleMs = o.staleMs ?? DEFAULT_STALE_MS;
  const st = stmts(db);
  return st.claimTx.immediate(keys, holder, o, now, staleMs) as string[];
}

/** The claim transaction's body (see claim); a stale sweep first when the last one is staleMs / 4 old. */
function claimBody(db: Db, keys: readonly string[], holder: Holder, o: ClaimOptions, now: number, staleMs: number): string[] {
  const st = stmts(db);
  let swept = false;
  const sweep = () => {
    swept = true;
    st.sweptAt = now;
    expireStale(db, { staleMs, now });
  };
  if (!(now - st.sweptAt < staleMs / 4 && now >= st.sweptAt)) sweep();
  const got: string[] = [];
  for (const k of keys) {
    if (st.ins.run(k, holder.id, holder.pid, now).changes === 0 && st.who.get(k) !== holder.id) {
      // held by another holder: gone or silent ones lose it here, as the sweep before each claim did
      if (swept) continue;
      sweep();
      if (st.ins.run(k, holder.id, holder.pid, now).changes === 0 && st.who.get(k) !== holder.id) continue;
    }
    if (o.stillWanted && !o.stillWanted(k)) {
      st.drop.run(k, holder.id);
      continue;
    }
    got.push(k);
  }
  return got;
}

interface Stmts {
  ins: Statement;
  who: Statement;
  drop: Statement;
  holders: Statement;
  dropHolder: Statement;
  claimTx: Transaction;
  /** when (claim's clock) this handle last swept stale claims */
  sweptAt: number;
}

const prepared = new WeakMap<Db, Stmts>();

/** The claims' statements, prepared once per database handle. */
function stmts(db: Db): Stmts {
  let st = prepared.get(db);
  if (!st) {
    st = {
      ins: db.prepare('INSERT INTO work_claim (key, holder, pid, heartbeat_ms) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING'),
      who: db.prepare('SELECT holder FROM work_claim WHERE key = ?').pluck(),
      drop: db.prepare('DELETE FROM work_claim WHERE key = ? AND holder = ?'),
      holders: db.prepare('SELECT holder, pid, MAX(heartbeat_ms) hb FROM work_claim GROUP BY holder, pid'),
      dropHolder: db.prepare('DELETE FROM work_claim WHERE holder = ?'),
      claimTx: db.transaction((keys: readonly string[], holder: Holder, o: ClaimOptions, now: number, staleMs: number) =>
        claimBody(db, keys, holder, o, now, staleMs),
      ),
      sweptAt: -Infinity,
    };
    prepared.set(db, st);
  }
  return st;
}

/** Gives keys back (all of the holder's when `keys` is omitted). */
export function release(db: Db, holder: Holder, keys?: readonly string[]): number {
  const st = stmts(db);
  if (!keys) return st.dropHolder.run(holder.id).changes;
  const del = st.drop;
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
  const st = stmts(db);
  const rows = st.holders.all() as {
    holder: string;
    pid: number;
    hb: number;
  }[];
  let n = 0;
  for (const r of rows) {
    if (now - r.hb <= staleMs && alive(r.pid)) continue;
    n += st.dropHolder.run(r.holder).changes;
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
