// The API boundary (dispatch: validation and typed results) and the in-process job runner, on a real
// SQLite file: conflict, cancel through the signal, failure with its message, events in order.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { createApiHandlers, dispatch, JobRunner } from '../../src/main/core/api';
import { API, ApiError, type JobEvent } from '../../src/shared/api';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-');
afterAll(() => t.cleanup());
const db = openDb(path.join(t.dir, 'api.db'));
afterAll(() => db.close());

describe('dispatch', () => {
  const jobs = new JobRunner(db);
  const handlers = createApiHandlers({
    db,
    dbPath: path.join(t.dir, 'api.db'),
    dataDir: path.join(t.dir, 'data'),
    mode: 'browser',
    jobs,
    urls: { media: (id) => `/media/${id}`, thumbnail: (id, f) => `/thumb/${id}/${f}` },
  });

  it('validates before any handler runs and answers typed results', async () => {
    expect(await dispatch(handlers, 'nope.nope', {})).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: "unknown API method 'nope.nope'" },
    });
    expect(await dispatch(handlers, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await dispatch(handlers, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const bad = await dispatch(handlers, 'utterances.list', { limit: 0, split: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/limit|split/);
    expect(await dispatch(handlers, 'utterances.show', { id: 1, extra: 'ignored' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // defaults from the schema reach the handler
    expect(await dispatch(handlers, 'utterances.list', undefined)).toEqual({ ok: true, value: { total: 0, rows: [] } });
    expect(await dispatch(handlers, 'corpus.summary', null)).toMatchObject({
      ok: true,
      value: { total: 0, corpora: [], latestModel: null },
    });
    expect(await dispatch(handlers, 'evaluate.split', { split: 'dev' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/no trained model/) },
    });
    expect(await dispatch(handlers, 'jobs.train', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('every method of the contract has a handler and refuses input that is not its object', async () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(API).sort());
    for (const method of Object.keys(API)) {
      for (const bad of [42, 'x', [1], true]) {
        const r = await dispatch(handlers, method, bad);
        expect(r, `${method} ${JSON.stringify(bad)}`).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', message: expect.stringContaining(method) },
        });
      }
    }
  });

  it('keeps ApiError codes and turns anything else into internal with its message', async () => {
    const h = {
      ...handlers,
      'jobs.list': () => {
        throw new ApiError('conflict', 'busy');
      },
      'models.list': () => {
        throw new TypeError('boom');
      },
    };
    expect(await dispatch(h, 'jobs.list', {})).toEqual({ ok: false, error: { code: 'conflict', message: 'busy' } });
    expect(await dispatch(h, 'models.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});

describe('JobRunner', () => {
  const runner = new JobRunner(db);
  const events: JobEvent[] = [];
  runner.onEvent((e) => events.push(e));
  const finished = (id: number) =>
    new Promise<JobEvent>((resolve) => {
      const off = runner.onEvent((e) => {
        if (e.type === 'finished' && e.job.id === id) {
          off();
          resolve(e);
        }
      });
    });

  it('runs a job with progress events, one of a kind at a time, and stores its result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = runner.start('train', { a: 1 }, async (_signal, progress) => {
      progress({ job: 'x', done: 1, total: 2, errors: 0, rate: 1, eta_s: 1 });
      await gate;
      progress({ job: 'x', done: 2, total: 2, errors: 0, rate: 1, eta_s: 0 });
      return { result: { version: 7 } };
    });
    expect(job).toMatchObject({ kind: 'train', status: 'running' });
    expect(() => runner.start('train', {}, async () => ({ result: null }))).toThrow(expect.objectContaining({ code: 'conflict' }));
    const done = finished(job.id);
    await new Promise((r) => setTimeout(r, 20));
    release();
    const fin = await done;
    expect(fin.job).toMatchObject({ status: 'done', result: { version: 7 }, progress: { done: 2, total: 2 } });
    const mine = events.filter((e) => e.job.id === job.id).map((e) => `${e.type}:${e.job.progress?.done ?? '-'}`);
    expect(mine).toEqual(['progress:1', 'progress:2', 'finished:2']);
    expect(runner.list()[0]).toMatchObject({ id: job.id, status: 'done' });
  });

  it('cancels through the signal, and records a failure with its message', async () => {
    const job = runner.start(
      'extract',
      {},
      (signal) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve({ result: null, cancelled: 'cancelled: 3 kept' }))),
    );
    const done = finished(job.id);
    await new Promise((r) => setTimeout(r, 10));
    expect(runner.cancel(job.id).id).toBe(job.id);
    expect((await done).job).toMatchObject({ status: 'cancelled', error: 'cancelled: 3 kept' });
    expect(() => runner.cancel(424242)).toThrow(expect.objectContaining({ code: 'not_found' }));

    const bad = runner.start('extract', {}, async () => {
      throw new Error('ffmpeg vanished');
    });
    expect((await finished(bad.id)).job).toMatchObject({ status: 'failed', error: 'ffmpeg vanished' });
    // a new job of the kind may start once the last one is over
    const again = runner.start('extract', {}, async () => ({ result: 1 }));
    expect((await finished(again.id)).job.status).toBe('done');
  });

  it('shutdown cancels running jobs and waits until they stored their outcome', { timeout: 10_000 }, async () => {
    const job = runner.start(
      'train',
      {},
      (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => setTimeout(() => reject(new Error('aborted')), 30))),
    );
    await runner.shutdown();
    expect(runner.list().find((j) => j.id === job.id)).toMatchObject({ status: 'cancelled' });
  });
});
