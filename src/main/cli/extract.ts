// `extract`: features for every utterance not yet done (resumable, Ctrl-C saves what is done), as a
// stored job. Registered on the main program by main.ts; `analyze` runs the same doExtract.
import { Option, type Command } from 'commander';
import { openDb, type Db } from '../core/store/db';
import { runExtraction, type ExtractSummary } from '../core/jobs/extract';
import { startCliJob } from '../core/jobs/job-store';
import { locateFfmpeg } from '../core/media/locate-ffmpeg';
import type { Device } from '../core/models/providers';
import type { ShardSpec } from '../core/jobs/shard';
import { wholeNumberOption } from './args';
import { encodersLine } from './models';
import { shardFromOptions } from './scale';
import { throttledProgress, type MainCliContext } from './context';

/** `--modalities audio,video,text` for extract: which streams to decode (text always has its own stage). */
function extractWants(list: string | undefined): { audio: boolean; video: boolean } {
  if (list === undefined) return { audio: true, video: true };
  const parts = list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of parts)
    if (!['audio', 'video', 'text'].includes(p)) throw new Error(`--modalities: unknown modality '${p}' (audio, video, text)`);
  if (!parts.length) throw new Error('--modalities names no modality');
  return { audio: parts.includes('audio'), video: parts.includes('video') };
}

export async function doExtract(
  ctx: MainCliContext,
  db: Db,
  o: { workers?: string; shardSpec?: ShardSpec; device?: string; modalities?: string },
): Promise<ExtractSummary> {
  const wants = extractWants(o.modalities);
  const g = ctx.globals();
  // a usage error before any work: no job row, nothing started
  const workers = o.workers !== undefined ? wholeNumberOption(o.workers, '--workers') : undefined;
  const ffmpeg = locateFfmpeg(g.ffmpeg);
  ctx.progress(`ffmpeg: ${ffmpeg.path} (${ffmpeg.version}, from ${ffmpeg.source})`);
  const ac = new AbortController();
  const onSigint = () => {
    ctx.progress('\nstopping: finishing the clips in flight and saving what is done (Ctrl-C again to force)');
    process.off('SIGINT', onSigint);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  // a stored job, as `train` has: its row holds the parameters, the last progress and the summary
  const job = startCliJob(db, 'extract', { workers: o.workers ?? null, shard: o.shardSpec ?? null, device: o.device ?? 'auto' }, ac.signal);
  try {
    return await runExtraction(db, {
      ffmpeg: ffmpeg.path,
      workers,
      dedicatedThread: true,
      signal: job.signal,
      shard: o.shardSpec,
      onProgress: job.tap(throttledProgress(ctx)),
      dataDir: g.dir,
      device: (o.device ?? 'auto') as Device,
      onNote: ctx.progress,
      wants,
    }).then(
      (s) =>
        job.done(
          s,
          s.cancelled ? `cancelled: ${s.media.processed} clips processed before the stop; run extraction again to resume` : undefined,
        ),
      (e) => job.failed(e),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function extractLine(s: ExtractSummary): string {
  return (
    `media: ${s.media.processed} processed (${s.media.failed} failed), ${s.media.skipped} already done` +
    `; text: ${s.text.encoded} encoded (${s.text.failed} failed)${s.text.refit ? `, IDF fit on ${s.text.fittedOn}` : ''}` +
    encodersLine(s.encoders) +
    (s.cancelled ? '; cancelled: rerun to resume' : '')
  );
}

export function registerExtractCommand(program: Command, ctx: MainCliContext): void {
  const scaleContext = { dbPath: () => ctx.globals().dbPath, out: ctx.out, progress: ctx.progress };
  program
    .command('extract')
    .description('features for every utterance not yet done (resumable)')
    .option('--workers <n>', 'parallel clips (default: the number of cores)')
    .option('--modalities <list>', 'audio,video,text: what to extract (audio-only work decodes no frame); default all')
    .addOption(
      new Option('--device <device>', 'execution provider for neural encoders').choices(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
    )
    .option('--shard <I/N>', 'only shard I of N (0-based; by a hash of the utterance key), into --db; fold shards back with merge')
    .option('--from <main.db>', 'with --shard: make --db as a snapshot of this database when it does not exist yet')
    .action(async (o) => {
      const shardSpec = shardFromOptions(o, scaleContext);
      const db = openDb(ctx.globals().dbPath);
      try {
        const s = await doExtract(ctx, db, { ...o, shardSpec });
        ctx.out(s, extractLine(s));
        if (s.cancelled) process.exitCode = 130;
      } finally {
        db.close();
      }
    });
}
