// evaluate on a split of few dialogues, end to end on a real SQLite database: the intervals come from
// blocks of utterances within the dialogues, the JSON names the method and the blocks, and the CLI
// table and the HTML report say the same words; a split of too few items shows "n/a: too few items".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { trainModel } from '../../src/main/core/learn';
import { evaluateSplit } from '../../src/main/core/learn/evaluate';
import { gatherReportData } from '../../src/main/core/report/report-data';
import { renderHtml } from '../../src/main/core/report/html-report';
import { metricsTable } from '../../src/main/cli/learn';
import { tmpDir } from '../helpers/tmp';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

describe('evaluate with fewer than 10 dialogues', () => {
  const t = tmpDir('es-eval-blocks-');
  let db: Db;
  let version: number;
  beforeAll(async () => {
    db = openDb(path.join(t.dir, 'es.db'));
    // 20 training and 8 dev dialogues of 8 utterances; every 4th utterance carries another label's
    // word, so the model makes errors (a perfect model has zero-width intervals by right)
    buildWordDialogues(db, {
      trainDialogues: 20,
      length: () => 8,
      text: (label, n) => `${WORDS[n % 4 === 0 ? LABELS[(LABELS.indexOf(label) + 1) % 3] : label][n % 3]} item ${n}`,
    });
    const r = await trainModel(db, { fusion: 'none', classifier: 'linear', modalities: ['text'], context: false, seed: 1, Cs: [1] });
    version = r.version;
  }, 60_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('blocks within the 8 dev dialogues, named in the result, the CLI table and the report', () => {
    const r = evaluateSplit(db, 'dev', version, { baselines: true });
    expect(r.n).toBe(64);
    expect(r.accuracy).toBeLessThan(0.95);
    // round((64 / 8)^(1/3)) = 2 utterances a block, 4 blocks a dialogue
    expect(r.bootstrap).toMatchObject({ unit: 'block', method: 'circular_block', groups: 8, block_length: 2, units: 32, n_items: 64 });
    const ci = r.ci95!;
    expect(ci.accuracy[1] - ci.accuracy[0]).toBeGreaterThan(0.02);
    expect(ci.accuracy[0]).toBeLessThanOrEqual(r.accuracy);
    expect(ci.accuracy[1]).toBeGreaterThanOrEqual(r.accuracy);
    // the baselines and their paired differences use the same resampling
    const maj = r.baselines!.majority;
    expect(maj.ci95).not.toBeNull();
    expect((maj.model_minus_baseline as unknown as { bootstrap: { method: string } }).bootstrap.method).toBe('circular_block');
    const words = 'bootstrap over 32 blocks of 2 utterances within 8 dialogues';
    expect(metricsTable(r)).toContain(`(95% intervals: ${words}, 1000 resamples, seed 1)`);
    const html = textOf(renderHtml(gatherReportData(db, { version })));
    expect(html).toContain(`dev: ${words}`);
    expect(html).toContain(`95% intervals: ${words}.`);
    expect(html).toContain(`Accuracy ${pct(r.accuracy)} (${pct(ci.accuracy[0])}–${pct(ci.accuracy[1])})`);
  });

  it('a split of fewer than 20 labelled items: no interval, shown as n/a', () => {
    // keep 12 dev items in dev; the rest become the test split (8 dialogues, 52 items: blocks)
    db.prepare(
      "UPDATE utterance SET split = 'test' WHERE split = 'dev' AND id NOT IN (SELECT id FROM utterance WHERE split = 'dev' ORDER BY id LIMIT 12)",
    ).run();
    const r = evaluateSplit(db, 'dev', version, { baselines: true });
    expect(r.n).toBe(12);
    expect(r.ci95).toBeNull();
    expect(r.bootstrap).toMatchObject({ method: 'none', units: 0, n_items: 12 });
    expect(r.baselines!.majority.ci95).toBeNull();
    expect(r.baselines!.majority.model_minus_baseline.weighted_f1.ci95).toBeNull();
    const table = metricsTable(r);
    expect(table).toContain(`accuracy ${(100 * r.accuracy).toFixed(1)}% [n/a]`);
    expect(table).toContain('(95% intervals: n/a: too few items (12 utterances))');
    expect(table).toContain('model minus majority: weighted F1');
    expect(table).toContain('points [n/a: too few items]');
    const html = textOf(renderHtml(gatherReportData(db, { version })));
    expect(html).toContain(`Accuracy ${pct(r.accuracy)} (n/a: too few items)`);
    expect(html).toContain('dev: n/a: too few items (12 utterances); test: bootstrap over ');
    expect(html).not.toMatch(/\((\d+\.\d)%–\1%\)/); // no zero-width interval anywhere
  });
});
