// The Import view's annotator field in browser mode (serve + Debian's Chromium), issue 13: two
// annotators' copies of one CSV corpus, imported from the app one after the other under their names
// (the mapping dialog names the id column), become their labels on the same three utterances; the
// field offers the last import's annotator again, also after a reload. Screenshot in test-artifacts/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import { haveChromium, servedPage, shot, choose, pageApi } from '../helpers/browser-page';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

describe.skipIf(!haveChromium)('import under an annotator in browser mode', () => {
  const t = tmpDir('es-import-ann-');
  const root = path.join(t.dir, 'copies');
  beforeAll(() => {
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'alice.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,anger\n3,fine,neutral\n');
    fs.writeFileSync(path.join(root, 'bob.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,sadness\n3,fine,neutral\n');
  });
  afterAll(() => t.cleanup()); // after hooks run last-registered first: this one after the server stopped
  const { page } = servedPage(() => ['--db', path.join(t.dir, 'es.db'), '--data-dir', path.join(t.dir, 'data'), '--root', root], 'import');

  const field = () => page().getByTestId('import-annotator');

  /** Picks a CSV of the root in the file browser and waits for its preview. */
  async function pick(name: string): Promise<void> {
    await page().locator(`[data-testid=browse-entry][data-name="${name}"]`).click();
    await poll(() => page().getByTestId('import-kind').getAttribute('data-kind')).toBe('csv');
  }

  /** Imports the previewed CSV with id, text and label named in the mapping dialog; waits for the job. */
  async function importWithId(expectResult: string, shotName?: string): Promise<void> {
    await page().getByTestId('import-start').click();
    const dialog = page().getByTestId('mapping-dialog');
    await dialog.waitFor();
    await choose(page(), 'map-id', 'id'); // text and label are guessed (text, emotion)
    if (shotName) await shot(page(), shotName);
    await page().getByTestId('mapping-import').click();
    const job = page().locator('[data-testid=job][data-kind=import]').first();
    await poll(() => job.getAttribute('data-status')).toBe('done');
    expect(await job.getByTestId('job-result').textContent()).toBe(expectResult);
    await page().getByTestId('tab-import').click();
  }

  it("alice's copy: the field starts empty (gold labels); named, the labels become alice's", async () => {
    await pick('alice.csv');
    expect(await field().inputValue()).toBe('');
    await field().fill('alice');
    await poll(() => page().getByTestId('import-preview').textContent()).toMatch(/labels become alice's labels/);
    await page().getByTestId('import-extract').click(); // text only: no extraction wanted here
    await importWithId('3 added, 0 updated, 0 unchanged · 3 annotator label(s)');
    const a = await pageApi(page(), 'agreement.compute', {});
    expect(a.annotators).toEqual(['alice']);
  });

  it("bob's copy: the field offers alice again; named bob, his labels join alice's on the same utterances", async () => {
    await pick('bob.csv');
    await poll(() => field().inputValue()).toBe('alice');
    await field().fill('bob');
    await page().getByTestId('import-extract').click();
    const file = await shot(page(), 'import-annotator');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    // bob's labels are on the three utterances alice brought: no utterance added, three labels stored
    await importWithId('0 added, 0 updated, 3 unchanged · 3 annotator label(s)', 'import-annotator-mapping');
    expect((await pageApi(page(), 'corpus.summary', {})).total).toBe(3);
    const a = await pageApi(page(), 'agreement.compute', {});
    expect(a.annotators).toEqual(['alice', 'bob']);
    expect(a.pairwise).toMatchObject([{ a: 'alice', b: 'bob', n: 3 }]);
    const labels = await pageApi(page(), 'utterances.list', {});
    const ugh = labels.rows.find((r: { text: string }) => r.text === 'ugh');
    const item = await pageApi(page(), 'annotation.item', { id: ugh.id });
    expect(Object.fromEntries(item.annotations.map((x: { annotator: string; label: string }) => [x.annotator, x.label]))).toEqual({
      alice: 'anger',
      bob: 'sadness',
    });
  });

  it('after a reload the field still offers the last annotator; emptied, it says the labels are gold', async () => {
    await page().reload();
    await pick('alice.csv');
    await poll(() => field().inputValue()).toBe('bob');
    await field().fill('');
    await poll(() => page().getByTestId('import-preview').textContent()).toMatch(/labels are gold labels/);
  });
});
