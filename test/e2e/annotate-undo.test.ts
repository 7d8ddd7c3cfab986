// Annotate's U typed in the flow (browser mode, serve + Debian's Chromium): the keys typed right after U,
// before the server has answered the undo, land on the item undone and the ones after it, as label keys
// do; the cursor does not jump back later over items already labelled again. U after a first label leaves
// the annotator without a label for the item (not counted by agreement) and the gold label as it was; the
// position and the filters are kept in the hash, so a reload comes back to the same item of the same list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';
import { CHROMIUM, choose, haveChromium, pageApi as api, shot } from '../helpers/browser-page';

const DEMO = path.resolve(__dirname, '../../resources/demo');
const poll = <T>(fn: () => T | Promise<T>, o: { timeout?: number } = {}) => expect.poll(fn, { timeout: 15_000, interval: 100, ...o });

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe.skipIf(!haveChromium)('undo in the middle of fast typing', () => {
  const t = tmpDir('es-annotate-undo-');
  const db = path.join(t.dir, 'demo.db');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ok(runCli(['import', DEMO, '--db', db, '-q']));
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data'), '--workers', '1']);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${served.url}#annotate`);
    await api(page, 'annotation.setName', { name: 'dana' });
    await page.reload();
  }, 180_000);
  afterEach(() => {
    expect(problems, served?.stderr()).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('5 keys, U, 2 keys, typed 10 ms apart: items 1-4 keep their keys, items 5 and 6 take the 2 keys after U', async () => {
    const train: number[] = (await api(page, 'annotation.ids', { split: 'train' })).ids;
    const labels: string[] = (await api(page, 'corpus.summary')).labels;
    await choose(page, 'annotate-split', 'train');
    const position = () => page.getByTestId('annotate-position').textContent();
    await poll(position).toBe(`1 / ${train.length}`);
    const typed = ['1', '2', '3', '4', '5', 'u', '6', '7'];
    for (const k of typed) {
      await page.keyboard.press(k);
      await page.waitForTimeout(10);
    }
    await poll(position).toBe(`7 / ${train.length}`);
    const expected = ['1', '2', '3', '4', '6', '7'].map((k) => labels[Number(k) - 1]);
    const mine = async () => {
      const out: (string | null)[] = [];
      for (const id of train.slice(0, 7))
        out.push(
          (await api(page, 'annotation.item', { id })).annotations.find((a: { annotator: string }) => a.annotator === 'dana')?.label ??
            null,
        );
      return out;
    };
    await poll(mine, { timeout: 20_000 }).toEqual([...expected, null]);
    // the cursor stays where the keys left it once every answer is in
    await page.waitForTimeout(500);
    expect(await position()).toBe(`7 / ${train.length}`);
    await shot(page, 'annotate-undo-flow');
  });

  it('label + U on an item the annotator had not labelled: they no longer count for it, the gold is as before', async () => {
    const train: number[] = (await api(page, 'annotation.ids', { split: 'train' })).ids;
    const id = train[6];
    const position = () => page.getByTestId('annotate-position').textContent();
    expect(await position()).toBe(`7 / ${train.length}`);
    const gold = async () => {
      const d = await api(page, 'utterances.show', { id });
      return { label: d.label, history: d.label_history.length };
    };
    const danaCount = async () =>
      (await api(page, 'annotation.info')).annotators.find((a: { name: string }) => a.name === 'dana')?.labels ?? 0;
    const danaLabel = async () =>
      (await api(page, 'annotation.item', { id })).annotations.find((a: { annotator: string }) => a.annotator === 'dana')?.label ?? null;
    const goldBefore = (await gold()).label;
    expect(goldBefore).not.toBeNull();
    const before = await danaCount();
    expect(await danaLabel()).toBeNull();
    const labels: string[] = (await api(page, 'corpus.summary')).labels;
    const key = String(labels.findIndex((l) => l !== goldBefore) + 1); // a label other than the gold one
    await page.keyboard.press(key);
    await poll(danaCount).toBe(before + 1);
    await page.keyboard.press('u');
    await poll(danaLabel).toBeNull();
    expect(await danaCount()).toBe(before);
    expect((await gold()).label).toBe(goldBefore);
    const agreement = await api(page, 'agreement.compute', {});
    expect(agreement.ratings_per_annotator.dana ?? 0).toBe(before);
    await poll(position).toBe(`7 / ${train.length}`);
  });

  it('a reload comes back to the same item in the same filtered list; an item no longer there falls back to the first one not labelled', async () => {
    const all: number[] = (await api(page, 'annotation.ids', {})).ids;
    const train: number[] = (await api(page, 'annotation.ids', { split: 'train' })).ids;
    const id = train[6];
    const hash = () => page.evaluate(() => location.hash);
    await poll(hash).toBe(`#annotate;u=${id};split=train`);
    await page.reload();
    const position = () => page.getByTestId('annotate-position').textContent();
    // the split filter comes back with the item: 7 / 24 in train (it read 17 / 34 in the whole list before)
    await poll(position).toBe(`7 / ${train.length}`);
    await poll(() => page.getByTestId('annotation').textContent()).toContain(`#${id} `);
    expect(await page.getByTestId('annotate-split').textContent()).toContain('train');
    // a second filter (not labelled by me, which waits for the annotator's name) and a move: both kept
    const unlabelledBox = page.getByTestId('annotate-unlabelled').locator('input');
    await unlabelledBox.click();
    const freeTrain: number[] = (await api(page, 'annotation.ids', { split: 'train', unlabelledBy: 'dana' })).ids;
    expect(freeTrain.length).toBeGreaterThan(3);
    expect(freeTrain.length).toBeLessThan(train.length);
    await poll(position).toBe(`1 / ${freeTrain.length}`);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await poll(position).toBe(`3 / ${freeTrain.length}`);
    await poll(hash).toBe(`#annotate;u=${freeTrain[2]};split=train;unlabelled=1`);
    await page.reload();
    await poll(position).toBe(`3 / ${freeTrain.length}`);
    await poll(() => page.getByTestId('annotation').textContent()).toContain(`#${freeTrain[2]} `);
    expect(await unlabelledBox.isChecked()).toBe(true);
    expect(await page.getByTestId('annotate-split').textContent()).toContain('train');
    expect(await hash()).toBe(`#annotate;u=${freeTrain[2]};split=train;unlabelled=1`);
    const labels: string[] = (await api(page, 'corpus.summary')).labels;
    await api(page, 'utterances.relabel', { id: all[0], label: labels[0], annotator: 'dana' }); // not the first item, then
    const free: number[] = (await api(page, 'annotation.ids', { unlabelledBy: 'dana' })).ids;
    expect(free[0]).not.toBe(all[0]);
    await page.evaluate(() => (location.hash = '#annotate;u=999999'));
    await page.reload();
    await poll(position).toBe(`${all.indexOf(free[0]) + 1} / ${all.length}`);
    await poll(() => page.evaluate(() => location.hash)).toContain(`;u=${free[0]}`);
  });
});
