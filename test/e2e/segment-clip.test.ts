// The clip of one segment of a long recording, in Chromium over `serve`: the Utterance view, Annotate
// (space) and Annotate's dialogue context play that segment, from its start to its end, not the
// recording from 0 s; a click on a selected frame's thumbnail seeks within the segment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording, toneEaf, type ToneSegment } from '../helpers/make-recording';
import { CHROMIUM, haveChromium, pageApi as api, shot } from '../helpers/browser-page';

describe.skipIf(!haveChromium)('segment clips (serve + Chromium)', () => {
  const t = tmpDir('es-segclip-');
  const db = path.join(t.dir, 'talk.db');
  let segs: ToneSegment[] = [];
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  // the media element's state, read in the page (values it needs are passed in as `s`)
  const media = <T>(l: Locator, f: (el: HTMLMediaElement, s: ToneSegment) => T, s: ToneSegment = segs[0]) =>
    l.evaluate(f as (el: Element, s: ToneSegment) => T, s);

  beforeAll(async () => {
    const rec = makeToneRecording(t.dir, 'talk', { segments: 8 });
    segs = rec.segments;
    toneEaf(path.join(t.dir, 'talk.eaf'), rec.file, segs, ['Ann', 'Bob']);
    expect(runCli(['import', path.join(t.dir, 'talk.eaf'), '--labels', 'joy,anger', '--db', db]).code).toBe(0);
    expect(runCli(['extract', '--modalities', 'video', '--db', db, '--workers', '1']).code).toBe(0);
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data')]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${served.url}#corpus`);
    await api(page, 'annotation.setName', { name: 'eve' });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('the Utterance view opens the clip at the segment start; a thumbnail seeks within the segment', async () => {
    const s = segs[3];
    await page.getByText('tone 4', { exact: true }).click();
    const clip = page.getByTestId('clip');
    await clip.waitFor();
    await expect
      .poll(() => media(clip, (v, s) => v.readyState >= 1 && Math.abs(v.currentTime - s.startS) < 0.05, s), { timeout: 15_000 })
      .toBe(true);
    const thumbs = page.getByTestId('thumbnails').locator('img');
    if ((await thumbs.count()) > 0) {
      await thumbs.last().click();
      await expect.poll(() => media(clip, (v, s) => v.currentTime >= s.startS && v.currentTime <= s.endS + 0.05, s)).toBe(true);
      expect(await media(clip, (v) => v.currentTime)).toBeGreaterThan(s.startS + 0.5);
    }
    await shot(page, 'segment-clip-utterance');
    expect(problems).toEqual([]);
  });

  it('Annotate: space plays the segment from its start and stops at its end', async () => {
    const s = segs[3];
    await page.getByTestId('annotate-here').click();
    await expect.poll(() => page.getByTestId('annotate-text').textContent()).toContain('tone 4');
    const clip = page.getByTestId('annotate-clip');
    await expect.poll(() => media(clip, (v) => v.readyState >= 1)).toBe(true);
    await page.keyboard.press(' ');
    await expect.poll(() => media(clip, (v, s) => !v.paused && v.currentTime > s.startS, s)).toBe(true);
    await expect.poll(() => media(clip, (v) => v.paused), { timeout: 15_000 }).toBe(true);
    expect(Math.abs((await media(clip, (v) => v.currentTime)) - s.endS)).toBeLessThan(0.3);
    expect(problems).toEqual([]);
  });

  it("Annotate's dialogue context plays the clicked utterance's segment", async () => {
    const s = segs[4];
    await page.getByTestId('dialogue-context').locator('[data-current]').filter({ hasText: ': tone 5' }).click();
    const player = page.getByTestId('context-player');
    await expect.poll(() => media(player, (v, s) => !v.paused && v.currentTime > s.startS, s)).toBe(true);
    expect(await media(player, (v) => v.currentTime)).toBeLessThan(s.endS + 0.3);
    await shot(page, 'segment-clip-annotate');
    expect(problems).toEqual([]);
  });
});
