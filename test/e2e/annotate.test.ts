// Annotation as a team does it, in browser mode (serve + Debian's Chromium): two annotators label the
// demo corpus from the keyboard (10 keys typed 30 ms apart land on 10 consecutive items), shortcuts
// keep working after a select, a checkbox, a tab and the clip took focus, Annotate opens at the
// selected utterance, the Agreement view shows the CLI's figures, the disagreements are adjudicated
// from the keyboard, and a retrain uses the adjudicated gold. Screenshots in test-artifacts/screenshots/.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';
import { openDb } from '../../src/main/core/store/db';
import { CHROMIUM, choose, haveChromium, pageApi as api, shot } from '../helpers/browser-page';

const DEMO = path.resolve(__dirname, '../../resources/demo');

/** expect.poll with room for a loaded machine (the default gives up after 1 s) */
const poll = <T>(fn: () => T | Promise<T>, o: { timeout?: number; interval?: number } = {}) =>
  expect.poll(fn, { timeout: 15_000, interval: 100, ...o });

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe.skipIf(!haveChromium)('annotation team in browser mode', () => {
  const t = tmpDir('es-annotate-');
  const db = path.join(t.dir, 'demo.db');
  const dataDir = path.join(t.dir, 'data');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let train: number[] = [];
  let labels: string[] = [];
  const ALICE = ['1', '2', '3', '4', '5', '6', '7', '1', '2', '3'];
  const BOB = ['1', '2', '3', '4', '1', '1', '7', '1', '1', '3']; // differs from alice on items 5, 6 and 9

  beforeAll(async () => {
    ok(runCli(['import', DEMO, '--db', db, '-q']));
    ok(runCli(['extract', '--modalities', 'text', '--db', db, '-q']));
    served = await startServe(['--db', db, '--data-dir', dataDir, '--workers', '1']);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${served.url}#annotate`);
    train = (await api(page, 'annotation.ids', { split: 'train' })).ids;
    labels = (await api(page, 'corpus.summary')).labels;
    expect(train.length).toBeGreaterThan(12);
  }, 180_000);
  afterEach(() => {
    expect(problems, served?.stderr()).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  const position = () => page.getByTestId('annotate-position').textContent();
  const myLabels = async (who: string) => {
    const out: (string | null)[] = [];
    for (const id of train.slice(0, 10))
      out.push((await api(page, 'annotation.item', { id })).annotations.find((a: any) => a.annotator === who)?.label ?? null);
    return out;
  };

  it('asks the annotator for a name once and shows it in the top bar', async () => {
    await page.getByTestId('annotator-name-input').fill('alice');
    await page.getByTestId('annotator-name-save').click();
    await poll(() => page.getByTestId('annotate-as').textContent()).toBe('alice');
    // the top bar says so at once, not only after another view was opened
    await poll(() => page.getByTestId('annotator-name').textContent(), { timeout: 3000 }).toBe('annotator: alice');
    await page.getByTestId('tab-corpus').click();
    await page.getByTestId('tab-annotate').click();
    await poll(() => page.getByTestId('annotator-name').textContent()).toBe('annotator: alice');
    expect(await page.getByTestId('annotator-prompt').count()).toBe(0);
  });

  it('shortcuts work right after the split select, a checkbox, a tab and a click on the clip', async () => {
    await choose(page, 'annotate-split', 'train'); // no click on the page afterwards
    await poll(position).toBe(`1 / ${train.length}`);
    await page.keyboard.press('j');
    await poll(position).toBe(`2 / ${train.length}`);
    await page.getByTestId('annotate-advance').click();
    await page.getByTestId('annotate-advance').click(); // ticked again
    await page.keyboard.press('k');
    await poll(position).toBe(`1 / ${train.length}`);
    await page.getByTestId('tab-annotate').click();
    await page.keyboard.press('ArrowRight'); // the item moves, the tab does not
    await poll(position).toBe(`2 / ${train.length}`);
    expect(await page.getByTestId('view-annotate').count()).toBe(1);
    expect(await page.getByTestId('tab-annotate').getAttribute('aria-selected')).toBe('true');
    if (await page.getByTestId('annotate-clip').count()) {
      await page.getByTestId('annotate-clip').click();
      await page.keyboard.press('ArrowLeft');
      await poll(position).toBe(`1 / ${train.length}`);
    } else {
      await page.keyboard.press('ArrowLeft');
      await poll(position).toBe(`1 / ${train.length}`);
    }
  });

  it('10 label keys typed 30 ms apart land on 10 consecutive items, in order', async () => {
    await poll(position).toBe(`1 / ${train.length}`);
    for (const k of ALICE) {
      await page.keyboard.press(k);
      await page.waitForTimeout(30);
    }
    await poll(position).toBe(`11 / ${train.length}`);
    await poll(() => myLabels('alice'), { timeout: 20_000 }).toEqual(ALICE.map((k) => labels[Number(k) - 1]));
    // the 11th item was not touched
    expect((await api(page, 'annotation.item', { id: train[10] })).annotations).toEqual([]);
    // U undoes the last one: back on item 10, its gold label as before
    const gold10 = (await api(page, 'utterances.show', { id: train[9] })).label_history[0].new;
    await page.keyboard.press('u');
    await poll(position).toBe(`10 / ${train.length}`);
    await poll(async () => (await api(page, 'utterances.show', { id: train[9] })).label).toBe(gold10);
    await page.keyboard.press(ALICE[9]);
    await poll(position).toBe(`11 / ${train.length}`);
    await shot(page, 'annotate-01-alice');
  });

  it("a second annotator labels blind: the first one's labels and the model are hidden", async () => {
    await api(page, 'annotation.setName', { name: 'bob' });
    await page.reload();
    // the reload keeps the filter and the place in the hash (train, after alice's 10 keys): back to item 1
    await poll(position).toBe(`11 / ${train.length}`);
    await choose(page, 'annotate-split', 'all');
    await choose(page, 'annotate-split', 'train');
    await poll(position).toBe(`1 / ${train.length}`);
    await poll(() => page.getByTestId('annotate-blind').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('other-annotators').count()).toBe(0);
    await poll(() => page.getByTestId('annotate-label').textContent()).toBe('unlabelled');
    for (const k of BOB) {
      await page.keyboard.press(k);
      await page.waitForTimeout(30);
    }
    await poll(() => myLabels('bob'), { timeout: 20_000 }).toEqual(BOB.map((k) => labels[Number(k) - 1]));
    // nothing on the page names alice or her labels (the session line shows bob's own labels only)
    expect(await page.getByTestId('session-changes').textContent()).toBe(
      `this session: ${train
        .slice(0, 10)
        .map((id, i) => `#${id} ${labels[Number(BOB[i]) - 1]}`)
        .join(', ')}`,
    );
    expect(await page.getByTestId('annotation').textContent()).not.toContain('alice');
    expect(await myLabels('alice')).toEqual(ALICE.map((k) => labels[Number(k) - 1])); // untouched
    await shot(page, 'annotate-02-bob-blind');
  });

  it('Annotate opens at the utterance selected elsewhere', async () => {
    const id = train[12];
    await page.goto(`${served.url}#utterance;u=${id}`);
    await page.reload(); // a hash change alone is not a new page
    await poll(() => page.getByTestId('utterance-detail').getAttribute('data-id')).toBe(String(id));
    await page.getByTestId('annotate-here').click();
    const all = (await api(page, 'annotation.ids', {})).ids;
    await poll(position).toBe(`${all.indexOf(id) + 1} / ${all.length}`);
    const text = await page.getByTestId('annotate-text').textContent();
    expect(text).toBe((await api(page, 'utterances.show', { id })).text);
  });

  it('relabel in the utterance view; remapped keys are kept in the settings and work', async () => {
    const id = train[14];
    await page.goto(`${served.url}#utterance;u=${id}`);
    await page.reload();
    await poll(() => page.getByTestId('utterance-detail').getAttribute('data-id')).toBe(String(id));
    const before = await page.getByTestId('gold-label').textContent();
    const to = labels.find((l) => l !== before)!;
    await choose(page, 'utterance-relabel', to);
    await poll(() => page.getByTestId('gold-label').textContent()).toBe(to);
    expect((await api(page, 'annotation.item', { id })).annotations).toEqual([{ annotator: 'bob', label: to }]);

    await page.getByTestId('annotate-here').click();
    await page.getByTestId('keymap-open').click();
    await page.locator(`[data-testid=keymap-dialog] input[data-label="${labels[3]}"]`).fill('x');
    await page.getByTestId('keymap-save').click();
    await page.getByTestId('keymap-dialog').waitFor({ state: 'detached' });
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'ui-settings.json'), 'utf8')).keymap;
    expect(saved.x).toBe(labels[3]);
    expect(Object.values(saved).filter((l) => l === labels[3])).toHaveLength(1); // its old key 4 is gone
    await poll(() => page.locator(`[data-testid=label-keys] button[data-label="${labels[3]}"]`).getAttribute('data-key')).toBe('x');
    await page.keyboard.press('x');
    await poll(async () => (await api(page, 'annotation.item', { id })).annotations).toEqual([{ annotator: 'bob', label: labels[3] }]);
  });

  it('the Agreement view shows the figures of `agreement --json`', async () => {
    const cli = ok(runCli(['agreement', '--db', db, '--json'])).json();
    expect(cli.annotators).toEqual(['alice', 'bob']);
    expect(cli.pairwise[0]).toMatchObject({ a: 'alice', b: 'bob', n: 10, percent_agreement: 70 });
    await page.getByTestId('tab-agreement').click();
    await poll(() => page.getByTestId('agreement-alpha').textContent()).toContain(cli.krippendorff_alpha.toFixed(3));
    const row = await page.getByTestId('agreement-pairs').locator('tbody tr').first().textContent();
    expect(row).toBe(`alice vs bob1070.0%${cli.pairwise[0].cohen_kappa.toFixed(3)}`);
    await page.getByTestId('agreement-confusion').waitFor();
    await shot(page, 'annotate-03-agreement');
  });

  it('majority rule leaves the 3 disagreements open; adjudicated from the keyboard; a retrain uses that gold', async () => {
    await page.getByTestId('tab-adjudicate').click();
    await choose(page, 'gold-rule', 'majority');
    await poll(() => page.getByTestId('adjudicate-position').textContent()).toBe('1 / 3');
    expect(await page.getByTestId('adjudicate-annotators').textContent()).toBe(`alice: ${labels[4]}bob: ${labels[0]}`);
    await shot(page, 'annotate-04-adjudicate');
    for (const k of ['5', '6', '2']) {
      // alice's labels
      await page.keyboard.press(k);
      await page.waitForTimeout(30);
    }
    const disputed = [train[4], train[5], train[8]];
    await poll(async () => (await api(page, 'adjudicate.queue', {})).length, { timeout: 20_000 }).toBe(0);
    const g = ok(runCli(['gold-rule', '--db', db, '--json'])).json();
    expect(g).toMatchObject({ rule: 'majority', open: 0 });
    expect(g.by_source.adjudicate).toBe(3);
    // the view's gold line follows the decisions (it kept 'left open by ties: 3' until the rule was changed)
    await poll(() => page.getByTestId('gold-summary').textContent()).toMatch(/adjudicate 3.*left open by ties: 0$/);

    const job = await api(page, 'jobs.train', { fusion: 'none', modalities: ['text'] });
    await poll(async () => (await api(page, 'jobs.list')).find((j: any) => j.id === job.id)?.status, {
      timeout: 120_000,
      interval: 500,
    }).toBe('done');
    await page.getByTestId('tab-jobs').click();
    await poll(() => page.getByTestId('job-result').allTextContents()).toContainEqual(
      expect.stringMatching(
        /^model v1 · trained on 24 items · C [\d.]+( balanced)? chosen by 3-fold CV on train · gold: majority, 3 adjudicated/,
      ),
    );
    const h = openDb(db, { readonly: true });
    try {
      const m = h.prepare('SELECT params, labels FROM model ORDER BY version DESC LIMIT 1').get() as { params: string; labels: string };
      const params = JSON.parse(m.params);
      expect(params.gold).toMatchObject({ rule: 'majority', open: 0 });
      expect(params.gold.by_source.adjudicate).toBe(3);
      const snapshot = JSON.parse(m.labels);
      expect(disputed.map((id) => snapshot[String(id)])).toEqual([labels[4], labels[5], labels[1]]);
    } finally {
      h.close();
    }
  }, 180_000);

  it('the corpus table filters by annotator, disagreement, speaker and unlabelled, and sorts by a column', async () => {
    await page.getByTestId('tab-corpus').click();
    const count = () => page.getByTestId('corpus-count').textContent();
    await poll(count).toBe('34 utterances');
    await page.getByTestId('filter-annotators-disagree').click();
    await poll(count).toBe('3 utterances');
    await page.getByTestId('filter-annotators-disagree').click();
    await choose(page, 'filter-annotator', 'alice');
    await poll(count).toBe('10 utterances');
    await choose(page, 'filter-annotator', 'any');
    const speaker = (await api(page, 'utterances.show', { id: train[0] })).speaker;
    await page.getByTestId('filter-speaker').fill(speaker);
    const n = (await api(page, 'utterances.list', { speaker })).total;
    await poll(count).toBe(`${n} utterance${n === 1 ? '' : 's'}`);
    await page.getByTestId('filter-speaker').fill('');
    await page.getByTestId('filter-unlabelled').click();
    await poll(count).toBe(
      `${(await api(page, 'utterances.list', { unlabelled: true })).total} utterances`.replace(/^1 utterances$/, '1 utterance'),
    );
    await page.getByTestId('filter-unlabelled').click();
    await poll(count).toBe('34 utterances');
    await page.getByTestId('sort-id').click(); // ascending, flat
    await page.getByTestId('sort-id').click(); // descending
    const all = (await api(page, 'annotation.ids', {})).ids;
    await poll(() => page.getByTestId('utterance-row').first().getAttribute('data-id')).toBe(String(Math.max(...all)));
    expect(await page.getByTestId('dialogue-row').count()).toBe(0);
    await page.getByTestId('sort-id').click(); // back to dialogues
    await poll(() => page.getByTestId('dialogue-row').count()).toBeGreaterThan(0);
    await shot(page, 'annotate-05-corpus-filters');
  });
});

describe.skipIf(!haveChromium)('a corpus over 20,000 utterances', () => {
  const t = tmpDir('es-big-');
  const db = path.join(t.dir, 'big.db');
  const N = 25_001;
  let served: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const lines = ['text,emotion'];
    for (let i = 1; i <= N; i++) lines.push(`line ${i},${i % 2 ? 'joy' : 'anger'}`);
    fs.writeFileSync(path.join(t.dir, 'big.csv'), lines.join('\n') + '\n');
    ok(runCli(['import', path.join(t.dir, 'big.csv'), '--columns', 'text=text,label=emotion', '--db', db, '-q']));
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data'), '--workers', '1']);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('the corpus table reaches the last utterance, and Annotate counts them all', async () => {
    await page.goto(`${served.url}#corpus`);
    await poll(() => page.getByTestId('corpus-count').textContent(), { timeout: 60_000 }).toBe('25,001 utterances');
    const last = Math.max(...(await api(page, 'annotation.ids', {})).ids);
    await page.getByTestId('corpus-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await poll(() => page.locator(`[data-testid=utterance-row][data-id="${last}"]`).count()).toBe(1);
    await page.getByTestId('tab-annotate').click();
    await poll(() => page.getByTestId('annotate-position').textContent(), { timeout: 60_000 }).toBe(`1 / ${N}`);
  }, 120_000);
});
