// `ablate --context` on the demo corpus: three models on the same modalities (no context, previous
// utterance, dialogue network), each scored on dev with its 95% interval, the latter two with the
// paired difference to the first, as `evaluate --compare` computes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const DEMO = path.resolve(__dirname, '../../resources/demo');

describe('ablate --context', () => {
  const t = tmpDir('es-ablate-context-');
  const db = path.join(t.dir, 'demo.db');
  afterAll(() => t.cleanup());
  beforeAll(() => {
    const r = runCli(['analyze', DEMO, '--db', db, '--json', '-q', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('rows for none, previous utterance and dialogue with intervals and paired differences to none', () => {
    const r = runCli(['ablate', '--db', db, '--context', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json();
    expect(rows.map((x: { context: string }) => x.context)).toEqual(['none', 'previous utterance', 'dialogue']);
    expect(rows.map((x: { fusion: string }) => x.fusion)).toEqual(['none', 'none', 'dialogue']);
    for (const x of rows) {
      expect(x.split).toBe('dev');
      // the demo's dev split has 10 utterances: too few for an interval (null, not a zero-width one)
      expect(x.n).toBe(10);
      expect(x.ci95).toBeNull();
    }
    expect(rows[0].minus_none).toBeNull();
    const ev = runCli([
      'evaluate',
      '--db',
      db,
      '--split',
      'dev',
      '--model',
      String(rows[2].model_version),
      '--compare',
      String(rows[0].model_version),
      '--no-baselines',
      '--json',
    ]).json();
    expect(rows[2].minus_none.weighted_f1).toEqual(ev.compare.weighted_f1);
    expect(ev.compare.weighted_f1.ci95).toBeNull();
    expect(ev.compare.bootstrap).toMatchObject({ method: 'none', n_items: 10 });
    expect(rows[2].weighted_f1).toBeCloseTo(rows[0].weighted_f1 + rows[2].minus_none.weighted_f1.diff, 12);
    expect(rows.every((x: { lexicon: boolean }) => x.lexicon === false)).toBe(true);
  }, 300_000);

  it('--lexicon trains every row with the lexicon columns, stored with each model; refused for the RBF SVM', () => {
    const r = runCli(['ablate', '--db', db, '--context', '--lexicon', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json();
    expect(rows.map((x: { context: string }) => x.context)).toEqual(['none', 'previous utterance', 'dialogue']);
    const m = runCli(['ablate', '--db', db, '--lexicon', '--json', '-q']);
    expect(m.code, m.stderr).toBe(0);
    const versions = [...rows, ...m.json()].map((x: { model_version: number; lexicon: boolean }) => {
      expect(x.lexicon).toBe(true);
      return x.model_version;
    });
    const d = new Database(db, { readonly: true });
    try {
      for (const v of versions) {
        const p = JSON.parse((d.prepare('SELECT params FROM model WHERE version = ?').get(v) as { params: string }).params);
        expect(p.lexicon, `model ${v}`).toBeTruthy();
      }
    } finally {
      d.close();
    }
    const rbf = runCli(['ablate', '--db', db, '--lexicon', '--classifier', 'rbf', '-q']);
    expect(rbf.code).not.toBe(0);
    expect(rbf.stderr).toMatch(/--lexicon adds columns to the linear SVM only/);
  }, 300_000);
});
