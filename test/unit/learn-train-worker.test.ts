// trainInWorker (learn/train-in-worker.ts): the whole training in a worker thread on the database
// file, with the fusion network (onnxruntime in the worker), progress relayed, errors typed, and a
// cancel that leaves no model behind.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { TrainError, type TrainProgress } from '../../src/main/core/learn';
import { trainInWorker } from '../../src/main/core/learn/train-in-worker';
import { makeSyntheticFeatureDb } from '../helpers/synthetic-features';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-train-worker-unit-');
afterAll(() => t.cleanup());
const file = path.join(t.dir, 'w.db');
makeSyntheticFeatureDb(file, { nTrain: 120, nDev: 30 });

const models = () => {
  const db = openDb(file);
  try {
    return (db.prepare('SELECT version, params FROM model ORDER BY version').all() as { version: number; params: string }[]).map((r) => ({
      version: r.version,
      ...JSON.parse(r.params),
    }));
  } finally {
    db.close();
  }
};

describe('training in a worker thread', () => {
  it('trains with the concat fusion network there and relays every stage', { timeout: 120_000 }, async () => {
    const stages: TrainProgress['stage'][] = [];
    const r = await trainInWorker(file, {
      fusion: 'concat',
      classifier: 'linear',
      modalities: ['audio'],
      context: false,
      seed: 1,
      fusionEpochs: 3,
      onProgress: (p) => stages.push(p.stage),
    });
    expect(r.version).toBe(1);
    expect(r.nTrain).toBe(120);
    expect(r.metrics.dev).toMatchObject({ split: 'dev', n: 30 });
    for (const s of ['data', 'fusion', 'represent', 'choose', 'svm', 'predict', 'store'] as const) expect(stages).toContain(s);
    expect(models()).toMatchObject([{ version: 1, fusion: 'concat', classifier: 'linear' }]);
  });

  it('a cancel before it starts stores nothing; a data error arrives as a TrainError', { timeout: 60_000 }, async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await trainInWorker(file, {
      fusion: 'none',
      classifier: 'rbf',
      modalities: ['audio'],
      context: false,
      seed: 1,
      signal: ac.signal,
    }).catch((x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('AbortError');
    const bad = await trainInWorker(file, { fusion: 'none', classifier: 'linear', modalities: [], context: false, seed: 1 }).catch(
      (x: Error) => x,
    );
    expect(bad).toBeInstanceOf(TrainError);
    expect((bad as Error).message).toMatch(/no modality/);
    expect(models().map((m) => m.version)).toEqual([1]);
  });

  it('stores its model while another connection is writing (no stale-snapshot "database is locked")', { timeout: 60_000 }, async () => {
    // the process that starts the worker writes job progress meanwhile: here a write transaction is
    // open when the worker reaches its store step, and commits 300 ms later
    const other = openDb(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare("INSERT INTO job (kind, status) VALUES ('train', 'running')").run();
      let commit: Promise<void> | null = null;
      const r = await trainInWorker(file, {
        fusion: 'none',
        classifier: 'linear',
        modalities: ['audio'],
        context: false,
        seed: 1,
        C: 1,
        onProgress: (p) => {
          if (p.stage === 'store') commit ??= new Promise((res) => setTimeout(() => res(other.exec('COMMIT') && undefined), 300));
        },
      });
      await commit;
      expect(r.version).toBe(2);
      expect(models().map((m) => m.version)).toEqual([1, 2]);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });
});
