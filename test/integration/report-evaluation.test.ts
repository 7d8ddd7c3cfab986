// The report's evaluation section (issue 16): each metric with its bootstrap 95% interval and the
// baselines table, the same figures `evaluate --json` gives, in the HTML and in the PDF's text. The
// demo's dev split has 10 utterances: too few for an interval, so each figure says "n/a: too few
// items" (evaluate-blocks.test.ts checks the report's intervals on a larger split).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'resources/demo');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const NA = '(n/a: too few items)';
const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)}`;
/** the HTML's text: tags dropped, entities that matter here decoded, spaces collapsed */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('report: intervals and baselines', () => {
  const t = tmpDir('es-report-eval-');
  const db = path.join(t.dir, 'demo.db');
  let ev: any;
  let html: string;
  afterAll(() => t.cleanup());

  beforeAll(() => {
    ok(runCli(['analyze', DEMO, '--db', db, '--json', '-q', '--no-report']));
    ev = ok(runCli(['evaluate', '--db', db, '--split', 'dev', '--json'])).json();
    const out = path.join(t.dir, 'r.html');
    ok(runCli(['report', '--db', db, '--format', 'html', '--out', out]));
    html = fs.readFileSync(out, 'utf8');
  });

  it('the summary and the split section give each metric, with "n/a: too few items" for the interval of 10 utterances', () => {
    expect(ev.n).toBe(10);
    expect(ev.ci95).toBeNull(); // not a zero-width or 3-dialogue interval
    expect(ev.bootstrap).toMatchObject({ method: 'none', n_items: 10, groups: 3 });
    const summary = textOf(/<table class="metrics-summary">[\s\S]*?<\/table>/.exec(html)![0]);
    expect(summary).toContain(`${pct(ev.accuracy)} ${NA}`);
    expect(summary).toContain(`${pct(ev.weighted_f1)} ${NA}`);
    expect(summary).toContain(`${pct(ev.macro_f1)} ${NA}`);
    const text = textOf(html);
    expect(text).toContain(
      `seeded bootstrap (${ev.bootstrap.resamples} resamples, seed ${ev.bootstrap.seed}): dev: n/a: too few items (10 utterances)`,
    );
    // per-class F1 without an interval
    const perClass = textOf(/<table class="per-class">[\s\S]*?<\/table>/.exec(html)![0]);
    for (const l of ev.labels) expect(perClass).toContain(`${pct(ev.per_class[l].f1)} ${NA}`);
  });

  it('the baselines table: the model, the majority class and the plain linear SVM, each with intervals and the paired difference', () => {
    const m = /<table class="baselines">[\s\S]*?<\/table>/.exec(html);
    expect(m).not.toBeNull();
    const rows = [...m![0].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((r) => textOf(r[1]).trim());
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain(`this model (v${ev.model_version})`);
    const maj = ev.baselines.majority;
    expect(rows[1]).toContain(`majority class (always “${maj.label}”)`);
    expect(maj.ci95).toBeNull();
    expect(rows[1]).toContain(`${pct(maj.weighted_f1)} ${NA}`);
    const d = maj.model_minus_baseline.weighted_f1;
    expect(d.ci95).toBeNull();
    expect(rows[1]).toContain(`${pts(d.diff)} ${NA}`);
    const lin = ev.baselines.linear;
    expect(rows[2]).toContain(
      `plain linear SVM on ${lin.text_encoder} text features (C=1, no class weighting, ${lin.n_train} training items)`,
    );
    expect(rows[2]).toContain(`${pct(lin.accuracy)} ${NA}`);
    expect(rows[2]).toContain(`${pct(lin.macro_f1)} ${NA}`);
    // without an interval no difference is called within noise or not: it says n/a
    expect(rows[1].includes('within noise')).toBe(false);
    expect(rows[2]).toContain(`${pts(lin.model_minus_baseline.weighted_f1.diff)} ${NA}`);
  });

  it.skipIf(!has('pdftotext'))('the PDF carries the intervals and the baselines table', () => {
    const out = path.join(t.dir, 'r.pdf');
    ok(runCli(['report', '--db', db, '--format', 'pdf', '--out', out]));
    const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Baselines on the same items');
    expect(text).toContain(`${pct(ev.weighted_f1)} ${NA}`);
    expect(text).toContain(`always “${ev.baselines.majority.label}”`);
  });
});
