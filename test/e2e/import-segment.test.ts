// The Import view's automatic segmentation in browser mode (serve + Debian's Chromium): a recording with
// no transcript (12 espeak-ng sentences), cut by voice activity with a split and a label set named in
// the form, arrives as 12 training segments that Annotate offers those labels for (before, the form
// had no label field and the import no label set: Annotate said "No label set" and train refused).
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import { haveChromium, servedPage, shot, choose, pageApi } from '../helpers/browser-page';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording } from '../helpers/espeak-speech';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });

describe.skipIf(!haveChromium)('import --segment vad from the app', () => {
  const t = tmpDir('es-import-seg-');
  const root = path.join(t.dir, 'recordings');
  beforeAll(() => {
    if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
    fs.mkdirSync(root, { recursive: true });
    speechRecording(clipFfmpeg(), path.join(root, 'talk.wav'));
  }, 60_000);
  const { page } = servedPage(() => ['--db', path.join(t.dir, 'es.db'), '--data-dir', path.join(t.dir, 'data'), '--root', root], 'import');

  it('the split and the label set named in the form reach the segments; Annotate offers those labels', async () => {
    await page().locator('[data-testid=browse-entry][data-name="talk.wav"]').click();
    await poll(() => page().getByTestId('import-kind').getAttribute('data-kind')).toBe('media');
    expect(await page().getByTestId('import-labels').count()).toBe(0); // only with segmentation
    await page().getByTestId('import-segment').click();
    await page().getByTestId('import-labels').fill('joy, anger ,neutral');
    await choose(page(), 'import-split', 'train');
    await page().getByTestId('import-extract').click(); // no extraction wanted here
    await shot(page(), 'import-segment-labels');
    await page().getByTestId('import-start').click();
    const job = page().locator('[data-testid=job][data-kind=import]').first();
    await poll(() => job.getAttribute('data-status')).toBe('done');
    const s = await pageApi(page(), 'corpus.summary', {});
    expect(s.labels).toEqual(['joy', 'anger', 'neutral']);
    const ids = (await pageApi(page(), 'annotation.ids', { split: 'train' })).ids;
    expect(ids).toHaveLength(12);
    await page().getByTestId('tab-annotate').click();
    await poll(() => page().getByTestId('label-keys').textContent()).toMatch(/joy.*anger.*neutral/i);
  }, 120_000);
});
