// Training and evaluation from a database built from MELD's annotations (text only, no media):
// sane metrics, no leak from dev into anything fitted, relabel -> retrain -> changed predictions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { planImport } from '../../src/main/core/corpus';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { relabel } from '../../src/main/core/store/labels';
import { runTextStage } from '../../src/main/core/jobs/text-stage';
import { evaluateSplit, loadModelData, trainModel, type TrainOptions } from '../../src/main/core/learn';
import { tmpDir } from '../helpers/tmp';
import { runCli, CLI } from '../helpers/cli';
import { JobRunner } from '../../src/main/core/api/job-runner';
import { trainProgressMeter } from '../../src/main/core/api/train-progress';
import type { JobEvent } from '../../src/shared/api';

import { MELD_DIR as MELD } from '../helpers/shared';
const TRAIN_CSV = path.join(MELD, 'train_sent_emo.csv');
const DEV_CSV = path.join(MELD, 'dev_sent_emo.csv');
const have = fs.existsSync(TRAIN_CSV) && fs.existsSync(DEV_CSV);

const N_TRAIN = 2500;
const N_DEV = 400;
// taken from dev.csv past the N_DEV dev rows, imported as the test split
const N_TEST = 150;
const base: TrainOptions = { fusion: 'none', classifier: 'linear', modalities: ['text'], context: false, seed: 1, vocabSize: 1024 };

function predictions(db: Db, version: number, split: string): Map<number, string> {
  const rows = db
    .prepare(
      'SELECT p.utterance_id id, p.label FROM prediction p JOIN utterance u ON u.id = p.utterance_id WHERE p.model_version = ? AND u.split = ? ORDER BY p.utterance_id',
    )
    .all(version, split) as { id: number; label: string }[];
  return new Map(rows.map((r) => [r.id, r.label]));
}

/** The stored SVM without its timing info. */
function svmCore(db: Db, version: number): unknown {
  const { data } = loadModelData(db, version);
  const j = JSON.parse(data.svm) as Record<string, unknown>;
  delete j.info;
  return { svm: j, vocabulary: data.vocabulary, standardizer: data.standardizer };
}

describe.runIf(have)('learn: train and evaluate from the database (MELD annotations)', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  let dbFile: string;

  beforeAll(() => {
    t = tmpDir('es-learn-');
    dbFile = path.join(t.dir, 'meld.db');
    db = openDb(dbFile);
    const batches = planImport([TRAIN_CSV, DEV_CSV]);
    for (const b of batches) {
      const split = b.records[0]?.split;
      const keep = split === 'train' ? N_TRAIN : N_DEV;
      saveImport(db, { ...b, records: b.records.slice(0, keep), missingMedia: 0 });
      if (split === 'dev')
        saveImport(db, { ...b, records: b.records.slice(N_DEV, N_DEV + N_TEST).map((r) => ({ ...r, split: 'test' })), missingMedia: 0 });
    }
    expect((db.prepare("SELECT COUNT(*) n FROM utterance WHERE split = 'test'").get() as { n: number }).n).toBe(N_TEST);
    const s = runTextStage(db);
    expect(s.encoded).toBeGreaterThan(N_TRAIN + N_DEV + N_TEST - 10);
  }, 60_000);

  afterAll(() => {
    db?.close();
    t?.cleanup();
  });

  it('trains a linear text model (C and weighting chosen by grouped CV on train), stores predictions for every item, sane dev metrics', async () => {
    const r = await trainModel(db, { ...base, Cs: [0.3, 1] });
    expect(r.version).toBe(1);
    expect(r.nTrain).toBe(N_TRAIN);
    expect(r.grid?.length).toBe(4); // 2 C values x (unweighted, balanced), chosen by CV on train
    expect(r.selection.method).toBe('cv');
    expect([0.3, 1]).toContain(r.C);
    const nUtt = (db.prepare('SELECT COUNT(*) n FROM utterance').get() as { n: number }).n;
    const nPred = (db.prepare('SELECT COUNT(*) n FROM prediction WHERE model_version = 1').get() as { n: number }).n;
    expect(nPred).toBe(nUtt);

    const dev = evaluateSplit(db, 'dev');
    expect(dev.split).toBe('dev');
    expect(dev.model_version).toBe(1);
    expect(dev.n).toBe(N_DEV);
    expect(dev.labels.sort()).toEqual(['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise']);
    expect(dev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(N_DEV);
    // better than always answering 'neutral' (its weighted F1 is ~0.3 on MELD dev) and well below perfect
    expect(dev.accuracy).toBeGreaterThan(0.4);
    expect(dev.weighted_f1).toBeGreaterThan(0.33);
    expect(dev.weighted_f1).toBeLessThan(0.9);
    expect(dev.macro_f1).toBeGreaterThan(0.1);
    expect(dev.auc.neutral).toBeGreaterThan(0.55);
    expect(dev.encoders.text).toEqual(['builtin-hashed-tfidf']);
    expect(dev.fusion).toBe('none');
    expect(dev.classifier).toBe('linear');
    // fitting on train only: the training split is fitted far better than dev
    expect(r.metrics.train.weighted_f1).toBeGreaterThan(dev.weighted_f1);

    const m = db.prepare('SELECT params, labels, metrics FROM model WHERE version = 1').get() as {
      params: string;
      labels: string;
      metrics: string;
    };
    const params = JSON.parse(m.params);
    expect(params).toMatchObject({ fusion: 'none', classifier: 'linear', modalities: ['text'], C: r.C });
    expect(Object.keys(JSON.parse(m.labels)).length).toBe(N_TRAIN);
    const metrics = JSON.parse(m.metrics);
    expect(metrics.dev.split).toBe('dev');
    expect(metrics.train.split).toBe('train');
    // intervals where they mean something: the held-out splits, not the items the model was fit on
    expect(metrics.dev.ci95.weighted_f1).toHaveLength(2);
    expect(metrics.train.ci95).toBeUndefined();
    expect(evaluateSplit(db, 'test').split).toBe('test');
  }, 60_000);

  it('NO LEAK: changing every dev and test label and text leaves the fitted model and the train predictions identical', async () => {
    const before = await trainModel(db, { ...base, C: 1 });
    const heldIds = db.prepare("SELECT id, label FROM utterance WHERE split IN ('dev', 'test') ORDER BY id").all() as {
      id: number;
      label: string;
    }[];
    expect(heldIds.length).toBe(N_DEV + N_TEST);
    const set = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'];
    for (const d of heldIds) relabel(db, d.id, set[(set.indexOf(d.label) + 3) % set.length], 'test');
    db.prepare(
      "UPDATE utterance SET text = 'completely different words ' || id || ' !!! zebra quantum' WHERE split IN ('dev', 'test')",
    ).run();
    // as a re-import with changed text does: the text stage redoes those items
    db.prepare(
      "DELETE FROM stage_status WHERE stage = 'text' AND utterance_id IN (SELECT id FROM utterance WHERE split IN ('dev', 'test'))",
    ).run();
    const s = runTextStage(db);
    expect(s.refit).toBe(false); // the IDF table is fit on train texts only
    expect(s.encoded).toBe(heldIds.length);

    const after = await trainModel(db, { ...base, C: 1 });
    expect(after.version).toBe(before.version + 1);
    expect(svmCore(db, after.version)).toEqual(svmCore(db, before.version));
    expect(predictions(db, after.version, 'train')).toEqual(predictions(db, before.version, 'train'));
    // dev and test did change (labels and predictions see the new texts)
    expect(predictions(db, after.version, 'dev')).not.toEqual(predictions(db, before.version, 'dev'));
    expect(predictions(db, after.version, 'test')).not.toEqual(predictions(db, before.version, 'test'));
    // the old version stays, evaluated against the current labels
    expect(evaluateSplit(db, 'dev', before.version).model_version).toBe(before.version);
  }, 60_000);

  it('relabel then retrain: a new version, and consistently relabelled items are predicted as their new class', async () => {
    const prev = await trainModel(db, { ...base, C: 1 });
    const ids = (
      db.prepare("SELECT id FROM utterance WHERE split = 'train' AND (text LIKE '%okay%' OR text LIKE '%yeah%') ORDER BY id").all() as {
        id: number;
      }[]
    ).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(100);
    for (const id of ids) relabel(db, id, 'anger', 'test');
    const next = await trainModel(db, { ...base, C: 1 });
    expect(next.version).toBe(prev.version + 1);
    const snapshot = JSON.parse((db.prepare('SELECT labels FROM model WHERE version = ?').get(next.version) as { labels: string }).labels);
    for (const id of ids) expect(snapshot[String(id)]).toBe('anger');
    const old = predictions(db, prev.version, 'train');
    const now = predictions(db, next.version, 'train');
    const angerBefore = ids.filter((id) => old.get(id) === 'anger').length;
    const angerAfter = ids.filter((id) => now.get(id) === 'anger').length;
    expect(angerBefore).toBeLessThan(ids.length * 0.2);
    expect(angerAfter).toBeGreaterThanOrEqual(Math.ceil(ids.length * 0.8));
    // previous versions and their predictions are kept
    const versions = (db.prepare('SELECT version FROM model ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    expect(versions).toEqual(Array.from({ length: next.version }, (_, i) => i + 1));
  }, 60_000);

  it('trains as a stored job: progress stored, cancel leaves no model, a finished job stores its result', async () => {
    const runner = new JobRunner(db);
    const finished = () =>
      new Promise<JobEvent>((resolve) => {
        const off = runner.onEvent((e) => e.type === 'finished' && (off(), resolve(e)));
      });
    const models = () => (db.prepare('SELECT COUNT(*) n FROM model').get() as { n: number }).n;
    const n0 = models();
    const work =
      (cancelAt?: string) => async (signal: AbortSignal, progress: (p: ReturnType<ReturnType<typeof trainProgressMeter>>) => void) => {
        const meter = trainProgressMeter();
        const r = await trainModel(db, {
          ...base,
          Cs: [0.3, 1],
          signal,
          onProgress: (p) => {
            progress(meter(p));
            if (p.stage === cancelAt) runner.cancel(job.id);
          },
        });
        return { result: { version: r.version } };
      };
    let done = finished();
    let job = runner.start('train', { cancelAt: 'choose' }, work('choose'));
    let ev = await done;
    expect(ev.job.id).toBe(job.id);
    expect(ev.job.status).toBe('cancelled');
    expect(ev.job.progress?.job).toMatch(/^train (data|choose)/);
    expect(models()).toBe(n0);

    done = finished();
    job = runner.start('train', {}, work());
    ev = await done;
    expect(ev.job.status).toBe('done');
    expect(ev.job.result).toEqual({ version: n0 + 1 });
    expect(models()).toBe(n0 + 1);
    expect(
      runner
        .list()
        .slice(0, 2)
        .map((j) => j.status),
    ).toEqual(['done', 'cancelled']);
  }, 60_000);

  it.runIf(fs.existsSync(CLI))(
    'CLI: evaluate --json follows the contract; train with --context prints its dev split',
    () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const tr = runCli(['train', '--db', dbFile, '--context', '--C', '1', '--vocab', '512', '--json', '-q']);
      expect(tr.code, tr.stderr).toBe(0);
      const tj = tr.json();
      expect(tj.dev.split).toBe('dev');
      // the CLI's training is a stored job too, with its result
      const row = db.prepare('SELECT kind, status, result FROM job WHERE id = ?').get(tj.job) as {
        kind: string;
        status: string;
        result: string;
      };
      expect(row).toMatchObject({ kind: 'train', status: 'done' });
      expect(JSON.parse(row.result).version).toBe(tj.version);
      const ev = runCli(['evaluate', '--split', 'dev', '--db', dbFile, '--json']);
      expect(ev.code, ev.stderr).toBe(0);
      const j = ev.json();
      for (const k of [
        'split',
        'n',
        'accuracy',
        'weighted_f1',
        'macro_f1',
        'per_class',
        'confusion',
        'auc',
        'labels',
        'model_version',
        'encoders',
        'fusion',
        'classifier',
      ])
        expect(j).toHaveProperty(k);
      expect(j.model_version).toBe(tj.version);
      expect(j.context).toBe(true);
      const human = runCli(['evaluate', '--split', 'dev', '--db', dbFile, '--model', '1']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/model v1 .* on the dev split/);
      const bad = runCli(['evaluate', '--split', 'dev', '--db', dbFile, '--model', '99']);
      expect(bad.code).not.toBe(0);
    },
    60_000,
  );
});
