// Labels are data, not markup (issue 14 item 2): a label such as <a href="http://evil.example">x</a>
// reaches plotly in the HTML report's confusion matrix, ROC legend, bar chart and axis ticks; Chromium
// must draw it as text (no <a> in the SVG, no giant <b>), and the PDF must carry no /URI link.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/main/core/report/html-report';
import { chromiumPrinter } from '../../src/main/core/report/pdf';
import type { ReportData } from '../../src/main/core/report/report-data';
import type { EvaluateResult } from '../../src/shared/types';
import { tmpDir } from '../helpers/tmp';

const CHROMIUM = process.env.EMOTION_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);

export const LINK = '<a href="http://evil.example">x</a>';
export const BIG = '<b style="font-size:90px">BIG</b>';
const LABELS = [LINK, BIG, 'calm & quiet'];

function evaluation(): EvaluateResult {
  const roc = { fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [1, 0.5, 0] };
  const cls = { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 };
  return {
    split: 'dev',
    labels: LABELS,
    model_version: 1,
    encoders: {},
    fusion: 'none',
    classifier: 'linear',
    modalities: ['text'],
    context: false,
    C: 1,
    missing_predictions: 0,
    evaluated_at: '2026-01-01T00:00:00Z',
    n: 6,
    accuracy: 0.5,
    weighted_f1: 0.5,
    macro_f1: 0.5,
    per_class: Object.fromEntries(LABELS.map((l) => [l, cls])),
    confusion: [
      [1, 1, 0],
      [0, 1, 1],
      [1, 0, 1],
    ],
    auc: Object.fromEntries(LABELS.map((l) => [l, 0.75])),
    macro_auc: 0.75,
    roc: Object.fromEntries(LABELS.map((l) => [l, roc])),
  } as unknown as EvaluateResult;
}

export function reportData(): ReportData {
  return {
    generated_at: '2026-01-01T00:00:00Z',
    database: '/x/evil.db',
    model: {
      version: 1,
      created_at: '2026-01-01',
      fusion: 'none',
      classifier: 'linear',
      modalities: ['text'],
      context: false,
      C: 1,
      n_train: 6,
    },
    corpora: [{ root: '/corpus', kind: 'generic-csv', labels: LABELS }],
    counts: [{ split: 'dev', status: 'done', n: 6 }],
    total: 6,
    dialogues: 1,
    speakers: 1,
    labels: LABELS,
    distribution: { dev: Object.fromEntries(LABELS.map((l) => [l, 2])) },
    evaluations: [evaluation()],
    ablation: [],
    confused: [],
    thumbnails: null,
    thumbnails_truncated: false,
  };
}

describe.skipIf(!haveChromium)('HTML and PDF report: labels drawn by plotly are text', () => {
  const t = tmpDir('es-plot-escape-');
  afterAll(() => t.cleanup());
  const file = path.join(t.dir, 'report.html');
  fs.writeFileSync(file, renderHtml(reportData()));

  it('the HTML report: no <a> and no bold giant text in any plot; the labels read as written', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
      expect(await page.evaluate(() => document.body.dataset.ready)).toBe('1');
      const svg = await page.$$eval('.plot svg', (els) => els.map((e) => e.outerHTML).join('\n'));
      expect(svg.length).toBeGreaterThan(1000);
      expect(await page.locator('.plot svg a').count()).toBe(0);
      // links anywhere in the plots (the heatmap's own <image> has a data: URL)
      const hrefs = await page.$$eval('.plot svg *', (els) =>
        els
          .filter((e) => !/^data:/.test(e.getAttribute('href') ?? e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? 'data:'))
          .map((e) => e.outerHTML.slice(0, 200)),
      );
      expect(hrefs).toEqual([]);
      expect(await page.locator('.plot svg [style*="90px"]').count()).toBe(0); // the <b style> label drew no giant text
      // the confusion matrix's ticks, the ROC legend and the bar chart show the label literally
      const texts = await page.$$eval('.plot svg text', (els) => els.map((e) => e.textContent ?? ''));
      expect(texts.filter((s) => s === LINK).length).toBeGreaterThanOrEqual(3);
      expect(texts.some((s) => s.startsWith(`${LINK} (AUC`))).toBe(true);
      expect(texts.filter((s) => s === BIG).length).toBeGreaterThanOrEqual(3);
      expect(texts).toContain('calm & quiet');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('the PDF report carries no /URI link', async () => {
    const pdf = await chromiumPrinter({ chromium: CHROMIUM })(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).not.toContain('/URI');
  }, 120_000);
});
