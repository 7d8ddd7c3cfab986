// The pool's in-process lanes (jobs/worker-pool.ts; audio-only extraction on <= 2 cores): two clips in
// flight at once in this thread (or several clips per ffmpeg run), results as with one lane, and an
// outcome handler that throws stops every lane (no task is started after it, none of its outcomes
// is reported). No timing: the first clip's ffmpeg waits until the second clip's has started.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool, type MediaTask, type TaskOutcome } from '../../src/main/core/jobs/worker-pool';
import { locateFfmpeg } from '../../src/main/core/media/locate-ffmpeg';
import { makeClip } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** An ffmpeg that logs "start INPUT" and "end INPUT" around the real one; with `waitFor`, a run whose
 * input is `first` waits (at most 20 s) until a run of `waitFor` has started. */
function wrapper(file: string, log: string, first?: string, waitFor?: string): string {
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      'prev=; in=',
      'for a in "$@"; do [ "$prev" = "-i" ] && in="$a"; prev="$a"; done',
      `echo "start $in" >> ${q(log)}`,
      first && waitFor
        ? `case "$in" in *${first}) n=0; while ! grep -q "start .*${waitFor}" ${q(log)} && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done;; esac`
        : '',
      `${q(locateFfmpeg().path)} "$@"; r=$?`,
      `echo "end $in" >> ${q(log)}`,
      'exit $r',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);
const AUDIO = { audio: true, video: false };

describe('in-process lanes', () => {
  const t = tmpDir('es-lanes-');
  const tasks: MediaTask[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 6; i++) {
      const file = await makeClip(t.dir, `c${i}.mp4`, {
        durationS: 1,
        container: 'mp4',
        video: { w: 160, h: 120, fps: 12 },
        audio: { kind: 'sine', freq: 200 + 50 * i },
      });
      tasks.push({ id: i + 1, file });
    }
  }, 120_000);
  afterAll(() => t.cleanup());

  async function runAll(pool: WorkerPool, onOutcome?: (o: TaskOutcome) => void): Promise<TaskOutcome[]> {
    const out: TaskOutcome[] = [];
    try {
      await pool.run(tasks, (o) => {
        out.push(o);
        onOutcome?.(o);
      });
    } finally {
      await pool.close();
    }
    return out;
  }

  it('two clips are decoded at once; the results are those of one lane', { timeout: 120_000 }, async () => {
    const log = path.join(t.dir, 'two.log');
    const ff = wrapper(path.join(t.dir, 'ff-two.sh'), log, 'c0.mp4', 'c1.mp4');
    const two = await runAll(new WorkerPool(0, ff, '', AUDIO, { lanes: 2 }));
    const l = lines(log);
    // the second clip's run started while the first one's was still going
    expect(l.findIndex((x) => x.endsWith('c1.mp4') && x.startsWith('start'))).toBeLessThan(
      l.findIndex((x) => x.endsWith('c0.mp4') && x.startsWith('end')),
    );
    const one = await runAll(new WorkerPool(0, locateFfmpeg().path, '', AUDIO, { lanes: 1 }));
    const digest = (os: TaskOutcome[]) =>
      os
        .map((o) => {
          if (!o.ok) throw new Error(o.message);
          const r = o.result;
          return { id: r.utteranceId, errors: r.errors, vector: Buffer.from(r.audioVector!.buffer).toString('base64'), audio: r.audio };
        })
        .sort((a, b) => a.id - b.id);
    expect(two).toHaveLength(tasks.length);
    expect(digest(two)).toEqual(digest(one));
    // and with the clips taken three at a time, one ffmpeg run each: in this thread and in two workers
    const batched = await runAll(new WorkerPool(0, locateFfmpeg().path, '', AUDIO, { lanes: 2, audioBatch: 3 }));
    expect(digest(batched)).toEqual(digest(one));
    const inWorkers = await runAll(new WorkerPool(2, locateFfmpeg().path, undefined, AUDIO, { audioBatch: 3 }));
    expect(digest(inWorkers)).toEqual(digest(one));
  });

  it('the run starts with a one-clip ffmpeg run; the others take whole batches', { timeout: 120_000 }, async () => {
    const log = path.join(t.dir, 'sizes.log');
    const ff = path.join(t.dir, 'ff-sizes.sh');
    fs.writeFileSync(
      ff,
      [
        '#!/bin/sh',
        'n=0; prev=',
        'for a in "$@"; do [ "$prev" = "-i" ] && n=$((n+1)); prev="$a"; done',
        `echo "$n" >> ${q(log)}`,
        `exec ${q(locateFfmpeg().path)} "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const out = await runAll(new WorkerPool(0, ff, '', AUDIO, { lanes: 2, audioBatch: 3 }));
    expect(out.filter((o) => o.ok)).toHaveLength(tasks.length);
    // 6 clips: the first lane's first run 1, the other lane's 3, then the 2 left
    expect(lines(log).map(Number).sort()).toEqual([1, 2, 3]);
  });

  it.each([
    ['in this thread', 0, 1],
    ['in this thread, batches of 2', 0, 2],
    ['in two workers, batches of 2', 2, 2],
  ])('an outcome handler that throws stops both lanes (%s)', { timeout: 120_000 }, async (_, workers, audioBatch) => {
    const log = path.join(t.dir, `fail-${workers}-${audioBatch}.log`);
    const ff = wrapper(path.join(t.dir, `ff-fail-${workers}-${audioBatch}.sh`), log);
    let calls = 0;
    const pool = new WorkerPool(workers, ff, undefined, AUDIO, { lanes: 2, audioBatch });
    await expect(
      runAll(pool, () => {
        calls++;
        throw new Error('database is full');
      }),
    ).rejects.toThrow('database is full');
    await new Promise((r) => setTimeout(r, 500));
    const started = lines(log).filter((x) => x.startsWith('start'));
    // the two runs in flight, at most one more that the other lane took before the failure (a
    // batch's clips are redone alone only when its run failed: not here)
    expect(started.length).toBeLessThanOrEqual(3);
    expect(calls).toBe(1);
  });
});
