// Deterministic partition of a corpus into N shards, for `extract --shard I/N` on many machines.
// An utterance belongs to shard hash(key) mod N: the key (not the row id) decides, so the same
// utterance lands in the same shard whether the shard database is a copy of the main one or a
// fresh import of the same corpus, and every shard can be computed with no coordination.
import path from 'node:path';
import type { Db } from '../store/db';
import { shardRows } from '../store/extract-queries';

export interface ShardSpec {
  index: number;
  count: number;
}

export class ShardSpecError extends Error {}

/** Parses "I/N" (0 <= I < N). */
export function parseShard(s: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  if (!m) throw new ShardSpecError(`--shard must be I/N, e.g. 0/4 (got '${s}')`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ShardSpecError(`--shard ${s}: N must be at least 1`);
  if (index >= count)
    throw new ShardSpecError(
      `--shard ${s}: I must be between 0 and N-1 (shards are numbered from 0, as Slurm's and Kubernetes' array indices)`,
    );
  return { index, count };
}

/** 32-bit FNV-1a over the key's UTF-8 bytes: stable across machines and Node versions. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function inShard(key: string, spec: ShardSpec): boolean {
  return keyHash(key) % spec.count === spec.index;
}

/**
 * Ids of the utterances (of every corpus in the database) that belong to the shard. Segments of a
 * long recording (utterances with a start time on shared media) go by their recording's path under
 * the corpus root, so a recording is decoded by one shard only.
 */
export function shardMembers(db: Db, spec: ShardSpec): Set<number> {
  const ids = new Set<number>();
  for (const r of shardRows(db)) {
    const key = r.start_s !== null && r.path ? `recording:${path.relative(r.root, r.path).split(path.sep).join('/')}` : r.key;
    if (inShard(key, spec)) ids.add(r.id);
  }
  return ids;
}

export function formatShard(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}
