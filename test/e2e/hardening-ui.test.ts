// Browser mode against hostile labels and a narrow window (issue 14 items 2, 13, 15): `serve` on a
// text-only corpus whose labels are HTML (<a href>, <b style>), trained by the CLI; Debian's Chromium
// at 1024 px. The Evaluation view's confusion matrix and ROC legend draw the labels as text (no link,
// no giant type), and so are annotator names in the Agreement view; every tab is shown whole, the conf. column is the predicted class's own
// probability, a text-only row has no warning colour and its video card says it has no clip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const LINK = '<a href="http://evil.example">x</a>';
const BIG = '<b style="font-size:90px">BIG</b>';
const LABELS = [LINK, BIG, 'calm'];
const EVIL_ANNOTATOR = '<a href="http://evil.example">ann</a>';
const WORDS: Record<string, string[]> = {
  [LINK]: ['angry', 'furious', 'mad'],
  [BIG]: ['happy', 'glad', 'smile'],
  calm: ['quiet', 'still', 'peace'],
};
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

function corpus(dir: string): void {
  for (const [split, n] of [
    ['train', 45],
    ['dev', 18],
  ] as const) {
    const lines = ['text,label'];
    for (let i = 0; i < n; i++) {
      const l = LABELS[i % 3];
      const w = WORDS[l];
      lines.push(`${q(`${w[i % 3]} ${w[(i + 1) % 3]} ${i % 2 ? 'and' : 'so'} ${w[(i + 2) % 3]}`)},${q(l)}`);
    }
    fs.writeFileSync(path.join(dir, `${split}.csv`), lines.join('\n') + '\n');
  }
  // one MELD row whose clip is missing: a text-only utterance
  fs.mkdirSync(path.join(dir, 'meld'));
  fs.writeFileSync(
    path.join(dir, 'meld', 'dev_sent_emo.csv'),
    'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\n1,Only words here,Ann,joy,positive,0,0,,,,\n',
  );
}

describe.skipIf(!haveChromium)('browser mode: hostile labels, 1024 px', () => {
  const t = tmpDir('es-e2e-hard-');
  const db = path.join(t.dir, 'x.db');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    corpus(t.dir);
    const ok = (args: string[]) => {
      const r = runCli([...args, '--db', db, '--data-dir', path.join(t.dir, 'data')]);
      expect(r.code, r.stderr).toBe(0);
    };
    ok(['import', path.join(t.dir, 'train.csv'), '--columns', 'text=text,label=label', '--split', 'train']);
    ok(['import', path.join(t.dir, 'dev.csv'), '--columns', 'text=text,label=label', '--split', 'dev']);
    ok(['import', path.join(t.dir, 'meld', 'dev_sent_emo.csv')]);
    ok(['extract', '-q']);
    ok(['train', '--modalities', 'text', '--fusion', 'none', '-q']);
    // two annotators, one with a name that is HTML, for the Agreement view's plots
    for (const id of [1, 2, 3, 4, 5, 6]) {
      ok(['relabel', String(id), LABELS[id % 3], '--annotator', EVIL_ANNOTATOR]);
      ok(['relabel', String(id), LABELS[id % 2], '--annotator', 'bob']);
    }
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data')]);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(served.url);
    await page.getByTestId('tab-corpus').waitFor();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('at 1024 px every tab is shown whole (the tabs have a row of their own)', async () => {
    const tabs = page.locator('[role=tab][data-testid^=tab-]');
    expect(await tabs.count()).toBe(10);
    const box = async (sel: string) =>
      page.locator(sel).evaluate((e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right };
      });
    const scroller = await box('.MuiTabs-scroller');
    const hidden: string[] = [];
    for (const id of await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))) {
      const b = await box(`[data-testid=${id}]`);
      if (b.left < scroller.left - 1 || b.right > scroller.right + 1) hidden.push(id);
    }
    // beside the title and badges Evaluation, Jobs and Reports sat behind a scroll arrow up to 1440 px
    expect(hidden).toEqual([]);
    expect(scroller.right).toBeLessThanOrEqual(1024);
    await page.getByTestId('tab-reports').click();
    const r = await box('[data-testid=tab-reports]');
    expect(r.right).toBeLessThanOrEqual(1024);
    expect(r.left).toBeGreaterThanOrEqual(0);
  });

  it('evaluation: the labels are drawn as text in the confusion matrix and the ROC legend', async () => {
    await page.getByTestId('tab-evaluation').click();
    const cm = page.getByTestId('confusion');
    await cm.locator('.xtick text').first().waitFor({ timeout: 30_000 });
    const roc = page.getByTestId('roc-curves');
    await roc.locator('.legendtext').first().waitFor();
    for (const plot of [cm, roc]) {
      expect(await plot.locator('svg a').count()).toBe(0);
      expect(await plot.locator('svg [style*="90px"]').count()).toBe(0);
    }
    const ticks = await cm.locator('.xtick text, .ytick text').allTextContents();
    expect(ticks).toEqual(expect.arrayContaining([LINK, BIG, 'calm']));
    const legend = await roc.locator('.legendtext').allTextContents();
    expect(legend.some((s) => s.startsWith(`${LINK} (AUC`))).toBe(true);
    expect(legend.some((s) => s.startsWith(`${BIG} (AUC`))).toBe(true);
    expect(problems).toEqual([]);
  });

  it("agreement: annotator names are drawn as text in the kappa heatmap and the pair's confusion matrix", async () => {
    await page.getByTestId('tab-agreement').click();
    const heat = page.getByTestId('agreement-heatmap');
    await heat.locator('.xtick text').first().waitFor({ timeout: 30_000 });
    const conf = page.getByTestId('agreement-confusion');
    await conf.locator('.xtick text').first().waitFor();
    for (const plot of [heat, conf]) expect(await plot.locator('svg a').count()).toBe(0);
    expect(await heat.locator('.xtick text, .ytick text').allTextContents()).toContain(EVIL_ANNOTATOR);
    expect(await conf.locator('.g-xtitle text, .g-ytitle text').allTextContents()).toContain(EVIL_ANNOTATOR);
    expect(problems).toEqual([]);
  });

  it("corpus: conf. is the predicted class's probability (tooltip says so); a text-only row has no warning colour", async () => {
    await page.getByTestId('tab-corpus').click();
    const cells = page.getByTestId('conf-cell');
    await cells.first().waitFor();
    for (const c of (await cells.all()).slice(0, 10)) {
      expect(await c.textContent()).toMatch(/^[01]\.\d\d\*?$/);
      expect(await c.getAttribute('title')).toMatch(/^p\(.+\) = [01]\.\d{3}/);
    }
    expect(await page.locator('[role=columnheader]', { hasText: 'conf.' }).getAttribute('title')).toMatch(
      /probability of the predicted class/,
    );
    const colour = (s: string) =>
      page
        .locator(`.es-status[data-s=${s}]`)
        .first()
        .evaluate((e) => getComputedStyle(e).color);
    const missing = await colour('missing_media');
    const warning = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'es-status';
      probe.dataset.s = 'partial';
      document.querySelector('.es-status')!.parentElement!.appendChild(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    expect(missing).not.toBe(warning);
  });

  it('utterance: a text-only utterance says it has no clip (not "no decodable video stream")', async () => {
    await page.getByTestId('corpus-search').fill('Only words');
    await expect.poll(() => page.getByTestId('corpus-count').textContent()).toMatch(/^1 utterance/);
    await page.getByText('Only words here').click();
    await page.getByTestId('utterance-detail').waitFor();
    const card = page.getByTestId('no-video-features');
    expect(await card.textContent()).toMatch(/has no clip/);
    expect(await card.textContent()).not.toMatch(/decodable/);
    expect(problems).toEqual([]);
  });
});
