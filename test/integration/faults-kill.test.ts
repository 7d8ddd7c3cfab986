// kill -9 at seeded random points of extraction and of training, several times over one database:
// after every kill the database passes its integrity check and holds no half-saved item or model;
// a final run completes, doing only what no killed run had committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli, startCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { restoreDb, snapshotDb } from '../helpers/db-snapshot';
import { processesNaming } from '../helpers/procs';
import { rng } from '../fuzz/mutate';

const N = 40; // enough work for the seeded kill points; a run that ends first is undone and retried
const SEED = Number(process.env.FAULT_SEED ?? 11);

function open(db: string) {
  return new Database(db); // read-write: recovers the WAL a killed writer left
}

/** Nothing half-saved: every stage marked done has its stored results, and no result lacks its stage row. */
function consistency(db: string) {
  const d = open(db);
  try {
    const one = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
    return {
      integrity: d.pragma('integrity_check', { simple: true }),
      mediaDone: one("SELECT COUNT(*) n FROM stage_status WHERE stage = 'media' AND status = 'done'"),
      doneWithoutFeatures: one(`SELECT COUNT(*) n FROM stage_status s WHERE s.stage = 'media' AND s.status = 'done'
        AND (NOT EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = s.utterance_id AND f.kind = 'audio.stats')
          OR NOT EXISTS (SELECT 1 FROM frame_entropy e WHERE e.utterance_id = s.utterance_id))`),
      featuresWithoutStage: one(`SELECT COUNT(*) n FROM feature f WHERE f.kind IN ('audio.stats', 'video.stats')
        AND NOT EXISTS (SELECT 1 FROM stage_status s WHERE s.utterance_id = f.utterance_id AND s.stage = 'media')`),
      textDoneWithoutFeature: one(`SELECT COUNT(*) n FROM stage_status s WHERE s.stage = 'text' AND s.status = 'done'
        AND NOT EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = s.utterance_id AND f.kind = 'text')`),
    };
  } finally {
    d.close();
  }
}

/**
 * Runs the CLI and kills it with SIGKILL `delayMs` after its `line`-th line of progress on stderr,
 * so the kill lands at a seeded point of the job whatever the machine's speed.
 */
async function killAtLine(args: string[], line: number, delayMs: number): Promise<number | null> {
  const child = startCli(args);
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  child.stdout!.resume();
  child.stderr!.on('data', (b: Buffer) => {
    seen += b.toString().split('\n').length - 1;
    if (seen >= line && !timer) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  const code = await exited;
  clearTimeout(timer);
  return code; // null: killed; a number: it finished before the kill
}

/** Processes (ffmpeg) other than this one and the CLI whose command line names `dir`. */
const naming = (dir: string) => processesNaming(dir, 'emotion-studio.js');

/** The processes naming `dir` still there after waiting up to 3 s for them to go. */
async function leftovers(dir: string): Promise<string[]> {
  const scan = () => naming(dir);
  const t0 = Date.now();
  while (scan().length && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50));
  return scan();
}

describe('kill -9 at random points', () => {
  const t = tmpDir('es-kill-');
  const corpus = path.join(t.dir, 'clips');
  const r = rng(SEED);

  beforeAll(async () => {
    const first = await makeClip(corpus, 'c00.mp4', {
      durationS: 2,
      container: 'mp4',
      video: { w: 320, h: 240, fps: 24 },
      audio: { kind: 'speech' },
    });
    for (let i = 1; i < N; i++) fs.copyFileSync(first, path.join(corpus, `c${String(i).padStart(2, '0')}.mp4`));
  }, 60_000);
  afterAll(() => t.cleanup());

  it(`extraction killed 4 times (seed ${SEED}), then resumed`, async () => {
    const db = path.join(t.dir, 'x.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    let killed = 0;
    let last = 0;
    const snap = path.join(t.dir, 'x-before.db');
    for (let k = 0; k < 4; k++) {
      let line = 1 + Math.floor(r() * 3); // progress prints about a line a second
      let ms = Math.floor(r() * 400);
      // a run that ended before its kill (a fast machine) is undone and run again, killed earlier
      // each time (down to its first line, at once), until the kill lands: 4 kills whatever the speed
      snapshotDb(db, snap);
      let code: number | null;
      for (let attempt = 1; ; attempt++) {
        code = await killAtLine(['extract', '--db', db, '--workers', '2'], line, ms);
        if (code === null) break;
        expect(attempt, `extraction ended before a kill in ${attempt} runs`).toBeLessThan(8);
        restoreDb(snap, db);
        line = 1;
        ms = Math.floor(ms / 4);
      }
      killed++;
      const c = consistency(db);
      expect(c, `after a kill ${ms} ms after progress line ${line}`).toMatchObject({
        integrity: 'ok',
        doneWithoutFeatures: 0,
        featuresWithoutStage: 0,
        textDoneWithoutFeature: 0,
      });
      expect(c.mediaDone).toBeGreaterThanOrEqual(last); // nothing committed is ever lost
      last = c.mediaDone;
      // no ffmpeg outlives the killed CLI (one waiting to open a FIFO whose reader died would wait for good)
      if (process.platform === 'linux') expect(await leftovers(corpus)).toEqual([]);
    }
    expect(killed).toBe(4);
    const rerun = runCli(['extract', '--db', db, '--json', '--quiet']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json().media.processed).toBe(N - last);
    expect(consistency(db)).toMatchObject({ integrity: 'ok', mediaDone: N, doneWithoutFeatures: 0, featuresWithoutStage: 0 });
  }, 240_000);

  it.skipIf(process.platform !== 'linux')(
    'kill -9 just as an ffmpeg starts, 3 times: no ffmpeg outlives the CLI',
    async () => {
      // the moment an ffmpeg has started but not yet opened its outputs: with its reader gone it
      // would wait in open() for good unless the launcher shell kills it (media/launcher.ts)
      const db = path.join(t.dir, 'early.db');
      expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
      for (let k = 0; k < 3; k++) {
        const child = startCli(['extract', '--db', db, '--workers', '2']);
        const exited = new Promise((r) => child.once('exit', r));
        child.stdout!.resume();
        child.stderr!.resume();
        const t0 = Date.now();
        while (naming(corpus).length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 1));
        child.kill('SIGKILL');
        await exited;
        expect(await leftovers(corpus)).toEqual([]);
      }
    },
    120_000,
  );

  it(`training killed 3 times (seed ${SEED}): no half-stored model, the next train is whole`, async () => {
    const demo = path.join(t.dir, 'demo.db');
    const a = runCli(['analyze', path.resolve(__dirname, '../../resources/demo'), '--db', demo, '--no-report', '--quiet', '--json']);
    expect(a.code, a.stderr).toBe(0);
    const models = () => {
      const d = open(demo);
      try {
        return {
          integrity: d.pragma('integrity_check', { simple: true }),
          versions: (d.prepare('SELECT version FROM model ORDER BY version').all() as { version: number }[]).map((x) => x.version),
          // a model exists only with a prediction for every utterance (stored in one transaction)
          partial: (
            d
              .prepare(
                'SELECT COUNT(*) n FROM model m WHERE (SELECT COUNT(*) FROM prediction p WHERE p.model_version = m.version) <> (SELECT COUNT(*) FROM utterance)',
              )
              .get() as { n: number }
          ).n,
        };
      } finally {
        d.close();
      }
    };
    let killed = 0;
    const snap = path.join(t.dir, 'demo-before.db');
    for (let k = 0; k < 3; k++) {
      let line = 1 + Math.floor(r() * 8);
      let ms = Math.floor(r() * 300);
      snapshotDb(demo, snap);
      for (let attempt = 1; ; attempt++) {
        const code = await killAtLine(['train', '--db', demo, '--epochs', '5'], line, ms);
        // killed or finished, the database is whole: no model without all its predictions
        expect(models(), `after a kill ${ms} ms after progress line ${line}`).toMatchObject({ integrity: 'ok', partial: 0 });
        if (code === null) break;
        expect(code).toBe(0);
        // it finished first (a fast machine): undone, and run again with an earlier kill
        expect(attempt, `training ended before a kill in ${attempt} runs`).toBeLessThan(8);
        restoreDb(snap, demo);
        line = Math.max(1, line >> 1);
        ms = Math.floor(ms / 4);
      }
      killed++;
    }
    expect(killed).toBe(3);
    const before = models().versions;
    const tr = runCli(['train', '--db', demo, '--quiet', '--json', '--epochs', '5']);
    expect(tr.code, tr.stderr).toBe(0);
    expect(tr.json().version).toBe(Math.max(...before) + 1);
    expect(models()).toMatchObject({ integrity: 'ok', partial: 0 });
    const ev = runCli(['evaluate', '--split', 'dev', '--db', demo, '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.json().model_version).toBe(Math.max(...before) + 1);
  }, 300_000);
});
