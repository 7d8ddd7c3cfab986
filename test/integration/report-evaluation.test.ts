// The report's evaluation section (issue 16): each metric with its bootstrap 95% interval and the
// baselines table, the same figures `evaluate --json` gives, in the HTML and in the PDF's text.
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
const ci = (c: [number, number]) => `(${pct(c[0])}–${pct(c[1])})`;
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

  it('the summary and the split section give each metric with the interval evaluate computes', () => {
    expect(ev.ci95.weighted_f1[0]).toBeLessThan(ev.ci95.weighted_f1[1]); // a real interval on the demo's dev split
    const summary = textOf(/<table class="metrics-summary">[\s\S]*?<\/table>/.exec(html)![0]);
    expect(summary).toContain(`${pct(ev.accuracy)} ${ci(ev.ci95.accuracy)}`);
    expect(summary).toContain(`${pct(ev.weighted_f1)} ${ci(ev.ci95.weighted_f1)}`);
    expect(summary).toContain(`${pct(ev.macro_f1)} ${ci(ev.ci95.macro_f1)}`);
    const text = textOf(html);
    expect(text).toContain(`bootstrap over dialogues (${ev.bootstrap.resamples} resamples, seed ${ev.bootstrap.seed}`);
    // per-class F1 with its interval
    const perClass = textOf(/<table class="per-class">[\s\S]*?<\/table>/.exec(html)![0]);
    for (const l of ev.labels) expect(perClass).toContain(`${pct(ev.per_class[l].f1)} ${ci(ev.ci95.per_class_f1[l])}`);
  });

  it('the baselines table: the model, the majority class and the plain linear SVM, each with intervals and the paired difference', () => {
    const m = /<table class="baselines">[\s\S]*?<\/table>/.exec(html);
    expect(m).not.toBeNull();
    const rows = [...m![0].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((r) => textOf(r[1]).trim());
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain(`this model (v${ev.model_version})`);
    const maj = ev.baselines.majority;
    expect(rows[1]).toContain(`majority class (always “${maj.label}”)`);
    expect(rows[1]).toContain(`${pct(maj.weighted_f1)} ${ci(maj.ci95.weighted_f1)}`);
    const d = maj.model_minus_baseline.weighted_f1;
    expect(rows[1]).toContain(`${pts(d.diff)} (${pts(d.ci95[0])} to ${pts(d.ci95[1])})`);
    const lin = ev.baselines.linear;
    expect(rows[2]).toContain(
      `plain linear SVM on ${lin.text_encoder} text features (C=1, no class weighting, ${lin.n_train} training items)`,
    );
    expect(rows[2]).toContain(`${pct(lin.accuracy)} ${ci(lin.ci95.accuracy)}`);
    expect(rows[2]).toContain(`${pct(lin.macro_f1)} ${ci(lin.ci95.macro_f1)}`);
    // a difference whose interval holds 0 is said to be within noise, one that does not is not
    const noise = (x: { ci95: [number, number] }) => x.ci95[0] <= 0 && x.ci95[1] >= 0;
    expect(rows[1].includes('within noise')).toBe(noise(d));
    expect(rows[2].includes('within noise')).toBe(noise(lin.model_minus_baseline.weighted_f1));
  });

  it.skipIf(!has('pdftotext'))('the PDF carries the intervals and the baselines table', () => {
    const out = path.join(t.dir, 'r.pdf');
    ok(runCli(['report', '--db', db, '--format', 'pdf', '--out', out]));
    const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Baselines on the same items');
    expect(text).toContain(ci(ev.ci95.weighted_f1));
    expect(text).toContain(`always “${ev.baselines.majority.label}”`);
  });
});
