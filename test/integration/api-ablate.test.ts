// jobs.ablate through the API on a real SQLite file: a text-only corpus is imported (jobs.import) and
// its features extracted by the job the import starts; the ablation then trains one model per
// modality combination in the training worker, scores each on dev, and the dev metrics are stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { createApi, type AppApi } from '../../src/main/core/api';
import type { JobEvent, JobInfo } from '../../src/shared/api';
import { gatherReportData, storedAblation } from '../../src/main/core/report/report-data';
import { renderHtml } from '../../src/main/core/report/html-report';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-ablate-');
let db: Db;
let api: AppApi;

const finished = (jobId: number) =>
  new Promise<JobInfo>((resolve) => {
    const off = api.onJob((e: JobEvent) => {
      if (e.type === 'finished' && e.job.id === jobId) {
        off();
        resolve(e.job);
      }
    });
  });
const ok = async (method: string, input: unknown): Promise<any> => {
  const r = await api.call(method, input);
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return (r as { value: unknown }).value;
};

beforeAll(() => {
  const words = { joy: ['great', 'happy', 'lovely'], anger: ['awful', 'hate', 'furious'] };
  const rows = ['text,label,split'];
  for (let i = 0; i < 24; i++) {
    const l = i % 2 ? 'joy' : 'anger';
    rows.push(`${words[l][i % 3]} day number ${i},${l},${i < 16 ? 'train' : 'dev'}`);
  }
  fs.writeFileSync(path.join(t.dir, 'lines.csv'), rows.join('\n') + '\n');
  db = openDb(path.join(t.dir, 'a.db'));
  api = createApi({
    db,
    dbPath: path.join(t.dir, 'a.db'),
    dataDir: path.join(t.dir, 'data'),
    mode: 'browser',
    urls: { media: () => '', thumbnail: () => '' },
    browseRoots: [fs.realpathSync(t.dir)],
    workers: 1,
  });
});
afterAll(async () => {
  await api.close();
  db.close();
  t.cleanup();
});

describe('jobs.ablate', () => {
  it('refuses before any features exist, naming why', async () => {
    const r = await api.call('jobs.ablate', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('import starts the extraction; the ablation trains and scores each combination on dev', async () => {
    const imp = await ok('jobs.import', { paths: [path.join(t.dir, 'lines.csv')], columns: 'text=text,label=label,split=split' });
    const importDone = await finished(imp.id);
    expect(importDone.status, importDone.error ?? '').toBe('done');
    const extractId = (importDone.result as { extractJob: number | null }).extractJob;
    expect(extractId).toEqual(expect.any(Number));
    const jobs = (await ok('jobs.list', {})) as JobInfo[];
    const ex = jobs.find((j) => j.id === extractId)!;
    const exDone = ex.status === 'running' ? await finished(ex.id) : ex;
    expect(exDone.status, exDone.error ?? '').toBe('done');

    const job = await ok('jobs.ablate', {});
    expect(job).toMatchObject({ kind: 'ablate', status: 'running' });
    const done = await finished(job.id);
    expect(done.status, done.error ?? '').toBe('done');
    const rows = (done.result as { rows: { modalities: string[]; model_version: number; split: string; n: number }[] }).rows;
    expect(rows.map((r) => r.modalities)).toEqual([['text']]); // text only: one combination
    expect(rows[0]).toMatchObject({ model_version: 1, split: 'dev', n: 8 });
    expect(done.progress).toMatchObject({ job: 'ablation: done', done: 1, total: 1 });
    const stored = db.prepare('SELECT params, metrics FROM model WHERE version = 1').get() as { params: string; metrics: string };
    expect(JSON.parse(stored.params)).toMatchObject({ fusion: 'none', modalities: ['text'] });
    expect(JSON.parse(stored.metrics)).toHaveProperty('dev');
    expect(rows[0]).toMatchObject({ lexicon: false });
  }, 120_000);

  it('lexicon: asked for, every model carries the columns; then kept from the latest model unless turned off; refused with the RBF SVM', async () => {
    const run = async (input: Record<string, unknown>) => {
      const done = await finished((await ok('jobs.ablate', input)).id);
      expect(done.status, done.error ?? '').toBe('done');
      const row = (done.result as { rows: { model_version: number; lexicon: boolean }[] }).rows[0];
      const params = JSON.parse(
        (db.prepare('SELECT params FROM model WHERE version = ?').get(row.model_version) as { params: string }).params,
      );
      return { row: row.lexicon, stored: !!params.lexicon };
    };
    expect(await run({ lexicon: true })).toEqual({ row: true, stored: true });
    // the report's ablation table reads the latest model of each combination, and says lexicon
    expect(storedAblation(db)).toMatchObject([{ modalities: ['text'], lexicon: true }]);
    expect(renderHtml(gatherReportData(db))).toMatch(/<td>linear \+ lexicon<\/td>/);
    expect(await run({})).toEqual({ row: true, stored: true }); // the latest model has the lexicon
    expect(await run({ lexicon: false })).toEqual({ row: false, stored: false });
    expect(await run({})).toEqual({ row: false, stored: false });
    const rbf = await api.call('jobs.ablate', { classifier: 'rbf', lexicon: true });
    expect(rbf).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  }, 120_000);
});
