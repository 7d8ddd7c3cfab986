// A database another process holds: a child keeping BEGIN EXCLUSIVE makes writing commands wait a
// bounded time (EMOTION_STUDIO_BUSY_TIMEOUT_MS) and then fail with a clear message, while reads go
// on (WAL); once the lock is gone the same commands work. And `serve` with the CLI writing the same
// database at the same time: both sides' writes are all there and the database is intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CLI, runCli, runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { miniDemo } from '../helpers/mini-demo';

const DEMO = path.resolve(__dirname, '../../resources/demo');
const LABELS = ['anger', 'disgust', 'sadness', 'joy', 'neutral', 'surprise', 'fear'];

/** A child process holding an exclusive write transaction until killed. */
async function holdLock(db: string): Promise<ChildProcess> {
  const code = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', code, db], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`lock holder exited with ${c}`)));
  });
  return child;
}

/** True once the process's main thread has been seen sleeping (SQLite's busy handler: there is no
 * other synchronous sleep in the CLI) on 3 polls in a row; false if it ends first. Linux /proc. */
async function busyWaiting(pid: number, ended: () => boolean): Promise<boolean> {
  let inARow = 0;
  while (!ended()) {
    let sleeping = false;
    try {
      const nr = fs.readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0];
      sleeping = fs.readFileSync(`/proc/${pid}/wchan`, 'utf8').includes('nanosleep') || nr === '35' || nr === '230';
    } catch {
      // gone meanwhile
    }
    inARow = sleeping ? inARow + 1 : 0;
    if (inARow >= 3) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function integrity(db: string): string {
  const d = new Database(db);
  try {
    return String(d.pragma('integrity_check', { simple: true }));
  } finally {
    d.close();
  }
}

describe('database locked by another process', () => {
  const t = tmpDir('es-lock-');
  const db = path.join(t.dir, 'locked.db');
  beforeAll(() => {
    expect(runCli(['import', DEMO, '--db', db, '--quiet']).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('writers wait the bounded time then fail clearly; readers go on; after the lock all works', async () => {
    const holder = await holdLock(db);
    try {
      const env = { EMOTION_STUDIO_BUSY_TIMEOUT_MS: '1500' };
      for (const args of [
        ['relabel', '1', 'joy'],
        ['import', DEMO],
        ['extract', '--workers', '1'],
      ]) {
        const r = await runCliAsync([...args, '--db', db], env);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain(`database ${db} is locked by another process (waited 1.5 s)`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.ms).toBeGreaterThanOrEqual(1400); // it did wait
        expect(r.ms).toBeLessThan(60_000); // and not for ever
      }
      const list = await runCliAsync(['list', '--db', db, '--json'], env);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toHaveLength(34);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    expect(integrity(db)).toBe('ok');
    const r = runCli(['relabel', '1', 'joy', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ new: 'joy' });
  }, 120_000);

  it.skipIf(process.platform !== 'linux')(
    'a lock released while a writer waits lets the writer through',
    async () => {
      const holder = await holdLock(db);
      const child = spawn(process.execPath, [CLI, 'relabel', '2', 'fear', '--db', db, '--json'], {
        env: { ...process.env, EMOTION_STUDIO_BUSY_TIMEOUT_MS: '120000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (b) => (stdout += b));
      child.stderr!.on('data', (b) => (stderr += b));
      const exited = new Promise<number | null>((r) => child.once('close', (c) => r(c)));
      // release only once the writer is provably waiting: its main thread sleeping in SQLite's busy
      // handler (clock_nanosleep) several polls in a row, however long the machine takes to get there
      const waited = await busyWaiting(child.pid!, () => child.exitCode !== null);
      holder.kill('SIGKILL');
      const code = await exited;
      expect(waited, `the writer never waited for the lock: ${stderr}`).toBe(true);
      const r = { code, stdout, stderr };
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ new: 'fear' });
      expect(integrity(db)).toBe('ok');
    },
    60_000,
  );
});

describe('serve and the CLI on the same database at once', () => {
  const t = tmpDir('es-conc-');
  const db = path.join(t.dir, 'shared.db');
  let server: ChildProcess | null = null;
  let base = '';
  let token = '';

  beforeAll(async () => {
    // a lean corpus (11 utterances, both splits): the point is two writers at once, not the size
    const a = runCli(['analyze', miniDemo(path.join(t.dir, 'mini')), '--db', db, '--quiet', '--no-report', '--json']);
    expect(a.code, a.stderr).toBe(0);
    server = spawn(process.execPath, [CLI, 'serve', '--db', db, '--json', '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      server!.stdout!.on('data', (b) => {
        buf += b;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]);
      });
      server!.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
    });
    const info = JSON.parse(line) as { port: number; token: string };
    base = `http://127.0.0.1:${info.port}`;
    token = info.token;
  }, 180_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    t.cleanup();
  });

  async function api(method: string, input: unknown): Promise<{ ok: boolean; value?: any; error?: { message: string } }> {
    const r = await fetch(`${base}/api/${method}?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return r.json() as Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>;
  }

  it('relabels from both sides, a train in each, list and show meanwhile: nothing lost, nothing corrupt', async () => {
    const ids = (JSON.parse(runCli(['list', '--db', db, '--json']).stdout) as { id: number }[]).map((r) => r.id);
    const before = new Database(db, { readonly: true });
    const historyBefore = (before.prepare('SELECT COUNT(*) n FROM label_history').get() as { n: number }).n;
    const modelsBefore = (before.prepare('SELECT COUNT(*) n FROM model').get() as { n: number }).n;
    before.close();

    // the app: relabels each utterance in turn and starts a training job
    const appSide = (async () => {
      const job = await api('jobs.train', { fusion: 'none', classifier: 'linear' });
      expect(job.ok, job.error?.message).toBe(true);
      const results = [];
      for (let i = 0; i < ids.length; i++) {
        results.push(await api('utterances.relabel', { id: ids[i], label: LABELS[i % LABELS.length] }));
        if (i % 5 === 0) expect((await api('utterances.list', {})).ok).toBe(true);
      }
      for (;;) {
        const jobs = await api('jobs.list', {});
        const j = (jobs.value as { id: number; status: string; error: string | null }[]).find((x) => x.id === job.value.id)!;
        if (j.status !== 'running') return { results, job: j };
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    // the CLI, at the same time: relabels the same utterances in the opposite order, trains, reads
    const cliSide = (async () => {
      const codes: (number | null)[] = [];
      const train = runCliAsync(['train', '--db', db, '--fusion', 'none', '--quiet']);
      for (let i = ids.length - 1; i >= 0; i -= 3) {
        codes.push((await runCliAsync(['relabel', String(ids[i]), LABELS[(i + 3) % LABELS.length], '--who', 'cli', '--db', db])).code);
      }
      codes.push((await runCliAsync(['list', '--db', db, '--json'])).code);
      codes.push((await runCliAsync(['show', String(ids[0]), '--db', db, '--json'])).code);
      codes.push((await train).code);
      return codes;
    })();

    const [app, codes] = await Promise.all([appSide, cliSide]);
    expect(
      codes.every((c) => c === 0),
      JSON.stringify(codes),
    ).toBe(true);
    for (const r of app.results) expect(r.ok, r.error?.message).toBe(true);
    expect(app.job.status, app.job.error ?? '').toBe('done');

    const d = new Database(db);
    try {
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
      // every change that changed a label is in the history, and the current label is the last one written
      const h = d.prepare('SELECT source, COUNT(*) n FROM label_history GROUP BY source').all() as { source: string; n: number }[];
      const total = (d.prepare('SELECT COUNT(*) n FROM label_history').get() as { n: number }).n;
      expect(total).toBeGreaterThan(historyBefore);
      expect(h.find((x) => x.source === 'annotate')?.n ?? 0).toBeGreaterThan(0); // the app's
      expect(h.find((x) => x.source === 'relabel')?.n ?? 0).toBeGreaterThan(0); // the CLI's
      const mismatched = d
        .prepare(
          `SELECT COUNT(*) n FROM utterance u WHERE u.label IS NOT
        (SELECT new_label FROM label_history l WHERE l.utterance_id = u.id ORDER BY l.id DESC LIMIT 1)
        AND EXISTS (SELECT 1 FROM label_history l WHERE l.utterance_id = u.id)`,
        )
        .get() as { n: number };
      expect(mismatched.n).toBe(0);
      // both trainings stored whole models
      expect((d.prepare('SELECT COUNT(*) n FROM model').get() as { n: number }).n).toBe(modelsBefore + 2);
      expect(
        (
          d
            .prepare(
              'SELECT COUNT(*) n FROM model m WHERE (SELECT COUNT(*) FROM prediction p WHERE p.model_version = m.version) <> (SELECT COUNT(*) FROM utterance)',
            )
            .get() as { n: number }
        ).n,
      ).toBe(0);
    } finally {
      d.close();
    }
  }, 240_000);
});
