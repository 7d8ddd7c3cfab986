// Training runs in a worker thread (issue 14 item 11): while `serve` trains an RBF SVM, its API keeps
// answering, and Cancel during the C search stops the job ('cancelled', no new model version).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { postApi, startServe, type Served } from '../helpers/serve';
import { startCli } from '../helpers/cli';
import { makeSyntheticFeatureDb } from '../helpers/synthetic-features';
import { tmpDir } from '../helpers/tmp';

describe('serve: training in a worker thread', () => {
  const t = tmpDir('es-train-worker-');
  const db = path.join(t.dir, 'synthetic.db');
  let served: Served;
  let base = '';
  let token = '';
  beforeAll(async () => {
    // random labels: the RBF C search on 3000 rows takes tens of seconds on this machine
    makeSyntheticFeatureDb(db, { nTrain: 3000, nDev: 300 });
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data')]);
    const u = new URL(served.url);
    base = `${u.protocol}//${u.host}`;
    token = u.searchParams.get('token')!;
  }, 120_000);
  afterAll(async () => {
    await served?.stop();
    t.cleanup();
  });

  it('answers API calls during the C search, and Cancel there stops the job with no new model', { timeout: 240_000 }, async () => {
    const started = await postApi(base, token, 'jobs.train', { fusion: 'none', classifier: 'rbf', modalities: ['audio'] }, 10_000);
    expect(started, JSON.stringify(started)).toMatchObject({ ok: true, value: { kind: 'train', status: 'running' } });
    const id = started.value.id as number;
    // every poll must be answered within 5 s (before the worker, the server did not answer at all
    // until the C search was over); wait until the job reports the C search
    let job: any;
    for (let k = 0; ; k++) {
      const r = await postApi(base, token, 'jobs.list', {}, 5_000);
      job = r.value.find((j: any) => j.id === id);
      if (job.status !== 'running' || /^train choose/.test(job.progress?.job ?? '')) break;
      if (k > 1200) throw new Error(`the job never reached the C search: ${JSON.stringify(job)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(job.status, JSON.stringify(job)).toBe('running');
    // a read of the corpus while the solver runs
    const t0 = Date.now();
    const summary = await postApi(base, token, 'corpus.summary', {}, 5_000);
    expect(summary.value.total).toBe(3300);
    expect(Date.now() - t0).toBeLessThan(5_000);
    const c = await postApi(base, token, 'jobs.cancel', { jobId: id }, 5_000);
    expect(c.ok, JSON.stringify(c)).toBe(true);
    for (;;) {
      const r = await postApi(base, token, 'jobs.list', {}, 5_000);
      job = r.value.find((j: any) => j.id === id);
      if (job.status !== 'running') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'cancelled' });
    // the cancel landed in the C search, not after it
    expect(job.progress.job).toMatch(/^train choose/);
    expect((await postApi(base, token, 'models.list', {}, 5_000)).value).toEqual([]);
    const r = new Database(db, { readonly: true });
    expect((r.prepare('SELECT COUNT(*) n FROM model').get() as { n: number }).n).toBe(0);
    expect((r.prepare('SELECT COUNT(*) n FROM prediction').get() as { n: number }).n).toBe(0);
    r.close();
  });
});

describe('CLI train: Ctrl-C during the C search', () => {
  const t = tmpDir('es-train-sigint-');
  const db = path.join(t.dir, 'synthetic.db');
  beforeAll(() => makeSyntheticFeatureDb(db, { nTrain: 3000, nDev: 300 }), 120_000);
  afterAll(() => t.cleanup());

  it('stops inside the first C candidate: exit 130, job cancelled, no model', { timeout: 240_000 }, async () => {
    const child = startCli([
      'train',
      '--db',
      db,
      '--data-dir',
      path.join(t.dir, 'data'),
      '--fusion',
      'none',
      '--classifier',
      'rbf',
      '--modalities',
      'audio',
    ]);
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        if (/choose: choosing C/.test(err)) resolve();
      });
      child.once('exit', () => reject(new Error(`train ended before the C search: ${err}`)));
    });
    child.kill('SIGINT');
    expect(await exited, err).toBe(130);
    // no candidate was scored: the cancel reached the solver of the first one (before the worker,
    // Ctrl-C waited for the whole C search, each candidate printing its dev score)
    expect(err).not.toMatch(/dev weighted F1/);
    const r = new Database(db, { readonly: true });
    const job = r.prepare("SELECT status, error FROM job WHERE kind = 'train'").get() as { status: string; error: string };
    expect(job.status).toBe('cancelled');
    expect((r.prepare('SELECT COUNT(*) n FROM model').get() as { n: number }).n).toBe(0);
    r.close();
  });
});
