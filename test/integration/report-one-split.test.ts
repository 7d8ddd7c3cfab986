// The HTML report of a database with one split (a single recording imported with --split train), opened
// in Chromium: the gold-label figure's legend names that split (plotly hid the legend of a single bar
// trace, so nothing on the figure said which split it counted).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { ANA, SPEECH, eafWith } from '../helpers/eaf-tiers';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!fs.existsSync(CHROMIUM))('report of a one-split database', () => {
  const t = tmpDir('es-report-one-split-');
  afterAll(() => t.cleanup());

  it("the label distribution's legend names the split", async () => {
    const src = path.join(t.dir, 'talk.eaf');
    fs.writeFileSync(src, eafWith([...SPEECH, { ...ANA, id: 'emotion (gold)', annotator: undefined }]));
    const db = path.join(t.dir, 'one.db');
    expect(runCli(['import', src, '--split', 'train', '--db', db, '-q']).code).toBe(0);
    const out = path.join(t.dir, 'report.html');
    const r = runCli(['report', '--db', db, '--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`file://${out}`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
      await expect.poll(() => page.locator('#label-distribution .legend').allTextContents()).toEqual(['train']);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
