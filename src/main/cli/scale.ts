// Commands for corpora beyond one machine: `merge` folds shard databases made by
// `extract --shard I/N` into the main database (see README, "Large corpora").
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { mergeShards, snapshotForShard, type MergeSummary } from '../core/store/merge';
import { parseShard, formatShard, type ShardSpec } from '../core/jobs/shard';

export interface ScaleCliContext {
  /** the resolved --db path */
  dbPath(): string;
  out(json: unknown, human: string): void;
  progress(line: string): void;
}

class ScaleUsageError extends Error {}

/** `extract --shard I/N [--from MAIN.db]`: the shard to extract, after making its database from
 * MAIN when --db does not exist yet (so an array task needs only the corpus folder and MAIN). */
export function shardFromOptions(o: { shard?: string; from?: string }, ctx: ScaleCliContext): ShardSpec | undefined {
  if (o.from !== undefined && o.shard === undefined) throw new ScaleUsageError('--from is for shard tasks: give --shard I/N too');
  if (o.shard === undefined) return undefined;
  const spec = parseShard(o.shard);
  const db = ctx.dbPath();
  if (o.from !== undefined) {
    const from = path.resolve(o.from);
    if (from === db) throw new ScaleUsageError('--from and --db are the same file: --db is the shard database to write');
    if (snapshotForShard(from, db)) ctx.progress(`shard ${formatShard(spec)}: ${db} made from ${from}`);
    else ctx.progress(`shard ${formatShard(spec)}: ${db} exists, resuming it`);
  } else if (!fs.existsSync(db)) {
    throw new ScaleUsageError(`shard database ${db} does not exist: give --from MAIN.db (or copy the imported database there first)`);
  }
  return spec;
}

function mergeLine(s: MergeSummary): string {
  const t = s.shards.reduce((a, r) => ({ merged: a.merged + r.merged, same: a.same + r.unchanged }), { merged: 0, same: 0 });
  return `merged ${s.shards.length} shard(s) into ${s.database}: ${t.merged} utterances merged, ${t.same} already the same; integrity check ${s.integrity}`;
}

export function registerScaleCommands(program: Command, ctx: ScaleCliContext): void {
  program
    .command('merge')
    .description(
      'fold shard databases (extract --shard I/N) into the --db database; shards of another corpus or feature version are refused',
    )
    .argument('<shards...>', 'shard database files')
    .action((shards: string[]) => {
      const main = ctx.dbPath();
      if (!fs.existsSync(main)) throw new ScaleUsageError(`main database not found: ${main} (give it with --db)`);
      const s = mergeShards(main, shards, ctx.progress);
      ctx.out(s, mergeLine(s));
    });
}
