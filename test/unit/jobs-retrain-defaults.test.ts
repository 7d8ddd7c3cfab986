// A retrain keeps the configuration of the model it replaces (issue 14 item 12): jobs.train with no
// settings after a `fusion none` model trains `fusion none` again (not concat), and models.list gives
// each version's configuration (C, class weighting, training labels) for the views to show.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { createApiHandlers, dispatch, JobRunner } from '../../src/main/core/api';
import { trainModel } from '../../src/main/core/learn';
import { configOf, configText, versionLabel, versionShort } from '../../src/shared/model-config';
import type { JobEvent, ModelVersionInfo } from '../../src/shared/api';
import { makeSyntheticFeatureDb } from '../helpers/synthetic-features';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-retrain-');
afterAll(() => t.cleanup());

describe('retrain defaults', () => {
  const file = path.join(t.dir, 'r.db');
  makeSyntheticFeatureDb(file, { nTrain: 120, nDev: 30 });
  const db = openDb(file);
  const jobs = new JobRunner(db);
  afterAll(async () => {
    await jobs.shutdown();
    db.close();
  });
  const handlers = createApiHandlers({
    db,
    dbPath: file,
    dataDir: path.join(t.dir, 'data'),
    mode: 'browser',
    jobs,
    urls: { media: (id) => `/media/${id}`, thumbnail: (id, f) => `/thumb/${id}/${f}` },
  });
  const finished = (id: number) =>
    new Promise<JobEvent>((resolve) => {
      const off = jobs.onEvent((e) => {
        if (e.type === 'finished' && e.job.id === id) {
          off();
          resolve(e);
        }
      });
    });
  const call = async (method: string, input: unknown) => {
    const r = await dispatch(handlers, method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as any;
  };

  it(
    'jobs.train without settings uses the replaced model configuration; models.list shows each configuration',
    { timeout: 120_000 },
    async () => {
      await trainModel(db, { fusion: 'none', classifier: 'rbf', modalities: ['audio'], context: false, seed: 1, C: 3 });
      const job = await call('jobs.train', {});
      expect(job.kind).toBe('train');
      const fin = await finished(job.id);
      expect(fin.job.status, fin.job.error ?? '').toBe('done');
      const params = (db.prepare('SELECT params FROM job WHERE id = ?').get(job.id) as { params: string }).params;
      expect(JSON.parse(params)).toMatchObject({ fusion: 'none', classifier: 'rbf', modalities: ['audio'], context: false, based_on: 1 });
      const models = (await call('models.list', {})) as ModelVersionInfo[];
      expect(models.map((m) => [m.version, m.fusion, m.classifier])).toEqual([
        [1, 'none', 'rbf'],
        [2, 'none', 'rbf'],
      ]);
      expect(models[0]).toMatchObject({ C: 3, balanced: false, n_train: 120, modalities: ['audio'] });
      expect(models[1].n_train).toBe(120);
      expect(typeof models[1].C).toBe('number');
      expect(configText(models[0])).toBe('fusion none · rbf SVM C=3 · audio · encoders audio: builtin-audio-dsp · 120 training labels');
      expect(versionLabel(models[0])).toBe(
        'v1 (fusion none · rbf SVM C=3 · audio · encoders audio: builtin-audio-dsp · 120 training labels)',
      );
      expect(versionShort(models[0])).toBe('v1 · none · rbf C=3 · audio');
      // a setting given explicitly still wins
      const j2 = await call('jobs.train', { classifier: 'linear' });
      expect((await finished(j2.id)).job.status).toBe('done');
      expect(JSON.parse((db.prepare('SELECT params FROM job WHERE id = ?').get(j2.id) as { params: string }).params)).toMatchObject({
        fusion: 'none',
        classifier: 'linear',
        based_on: 2,
      });
    },
  );

  it('a --fusion dialogue model (trained by the CLI) is retrained from the app as a dialogue model, not silently as fusion none', async () => {
    const models = (await call('models.list', {})) as ModelVersionInfo[];
    expect(configOf({ ...models[0], fusion: 'dialogue' })?.fusion).toBe('dialogue');
    const job = await call('jobs.train', { fusion: 'dialogue' });
    const fin = await finished(job.id);
    expect(fin.job.status, fin.job.error ?? '').toBe('done');
    const after = (await call('models.list', {})) as ModelVersionInfo[];
    expect(after.at(-1)?.fusion).toBe('dialogue');
    // the next retrain without settings keeps it
    const j2 = await call('jobs.train', {});
    expect(JSON.parse((db.prepare('SELECT params FROM job WHERE id = ?').get(j2.id) as { params: string }).params)).toMatchObject({
      fusion: 'dialogue',
    });
    expect((await finished(j2.id)).job.status).toBe('done');
  }, 180_000);

  it('a --lexicon model is retrained with its lexicon columns; a fusion that cannot carry them drops them unless asked', async () => {
    await trainModel(db, { fusion: 'none', classifier: 'linear', modalities: ['audio'], context: false, lexicon: true, seed: 1 });
    const models = (await call('models.list', {})) as ModelVersionInfo[];
    const v = models.at(-1)!;
    expect(v.lexicon).toBe(true);
    expect(configOf(v)?.lexicon).toBe(true);
    expect(versionShort(v)).toMatch(/ \+lexicon$/);
    expect(models.slice(0, -1).every((m) => !m.lexicon)).toBe(true);
    const jobParams = (id: number) => JSON.parse((db.prepare('SELECT params FROM job WHERE id = ?').get(id) as { params: string }).params);
    // no settings: kept
    const j1 = await call('jobs.train', {});
    expect((await finished(j1.id)).job.status).toBe('done');
    expect(jobParams(j1.id)).toMatchObject({ fusion: 'none', classifier: 'linear', lexicon: true });
    // the app's retrain on unchanged data takes C and the weighting from that model's search (issue 15)
    const res = (db.prepare('SELECT result FROM job WHERE id = ?').get(j1.id) as { result: string }).result;
    expect(JSON.parse(res).selection).toMatchObject({ method: 'reused', from_model: v.version });
    expect(((await call('models.list', {})) as ModelVersionInfo[]).at(-1)?.lexicon).toBe(true);
    // the rbf SVM has no lexicon columns: dropped when inherited...
    const j2 = await call('jobs.train', { classifier: 'rbf' });
    expect(jobParams(j2.id)).toMatchObject({ classifier: 'rbf', lexicon: false });
    expect((await finished(j2.id)).job.status).toBe('done');
    // ...and refused, with the reason, when asked for
    const j3 = await call('jobs.train', { classifier: 'rbf', lexicon: true });
    const fin = await finished(j3.id);
    expect(fin.job.status).toBe('failed');
    expect(fin.job.error).toMatch(/--lexicon adds columns to the linear SVM/);
  }, 180_000);
});
