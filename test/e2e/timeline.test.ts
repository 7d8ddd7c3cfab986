// The Timeline view in Chromium over `serve`, on a real-length recording (156 s, 60 segments of known
// pitch, two speakers from an ELAN file): lanes per speaker, a click plays exactly that segment and
// stops at its end, speed and frame stepping, keyboard boundary edits stored append-only, and Ctrl/Meta/Alt
// chords that edit nothing.
// Screenshots go to test-artifacts/screenshots/ (timeline-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording, toneEaf, type ToneSegment } from '../helpers/make-recording';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`timeline e2e skipped: no Chromium at ${CHROMIUM} (Debian package "chromium")`);

describe.skipIf(!haveChromium)('timeline view (serve + Chromium)', () => {
  const t = tmpDir('es-tl-');
  const db = path.join(t.dir, 'talk.db');
  let segs: ToneSegment[] = [];
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const player = () => page.getByTestId('timeline-player');
  // a segment's block by its text ("tone 3", not "tone 30")
  const block = (text: string) => page.locator('[data-testid^=timeline-block-]').filter({ hasText: new RegExp(`${text}$`) });
  const media = <T>(f: (el: HTMLMediaElement) => T) => player().evaluate(f as (el: Element) => T);

  beforeAll(async () => {
    const rec = makeToneRecording(t.dir, 'talk', { segments: 60 });
    segs = rec.segments;
    toneEaf(path.join(t.dir, 'talk.eaf'), rec.file, segs, ['Ann', 'Bob']);
    expect(runCli(['import', path.join(t.dir, 'talk.eaf'), '--db', db]).code).toBe(0);
    expect(runCli(['extract', '--db', db, '--workers', '1']).code).toBe(0);
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data')]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${served.url}#timeline`);
    await page.getByTestId('timeline-canvas').waitFor();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('shows one lane per speaker and the blocks of the visible minute', async () => {
    expect(await page.getByTestId('timeline-lane').count()).toBe(2);
    // 60 s window: the segments starting in the first minute (every 2.6 s)
    await expect.poll(() => page.locator('[data-testid^=timeline-block-]').count()).toBeGreaterThanOrEqual(22);
    expect(await page.getByTestId('timeline-view').textContent()).toMatch(/2:36\.\d\d · 60 segments · 2 speakers/);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'timeline-recording.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('a click plays exactly that segment: it starts at its start and stops at its end', async () => {
    const s = segs[2];
    await block('tone 3').click();
    await expect.poll(() => media((p) => !p.paused && p.currentTime > 0)).toBe(true);
    await expect.poll(() => media((p) => p.paused), { timeout: 15_000 }).toBe(true);
    const stoppedAt = await media((p) => p.currentTime);
    expect(Math.abs(stoppedAt - s.endS)).toBeLessThan(0.1);
    expect(await page.getByTestId('timeline-selected').textContent()).toMatch(/Ann: tone 3/);
    await page.screenshot({ path: path.join(SHOTS, 'timeline-selected.png'), fullPage: true });
  });

  it('speed, frame stepping and keyboard boundary edits', async () => {
    await page.getByTestId('timeline-speed').click();
    await page.getByRole('option', { name: '1.5x' }).click();
    await page.locator('.MuiPopover-root').waitFor({ state: 'detached' });
    await expect.poll(() => media((p) => p.playbackRate)).toBe(1.5);
    await page.locator('body').click({ position: { x: 5, y: 800 } });
    await media((p) => {
      p.currentTime = 7.0;
    });
    await page.keyboard.press('.');
    await expect.poll(() => media((p) => Math.round(p.currentTime * 100) / 100)).toBe(7.1); // 10 fps: one frame is 0.1 s
    const sel = Number((await block('tone 3').getAttribute('data-testid'))!.split('-').pop());
    await page.keyboard.press(']'); // start +50 ms
    await page.keyboard.press('}'); // end +50 ms
    const s = segs[2];
    const row = () => {
      const d = new Database(db, { readonly: true });
      try {
        return d.prepare('SELECT start_s, end_s FROM utterance WHERE id = ?').get(sel) as { start_s: number; end_s: number };
      } finally {
        d.close();
      }
    };
    await expect.poll(() => row().end_s).toBeCloseTo(s.endS + 0.05, 3);
    expect(row().start_s).toBeCloseTo(s.startS + 0.05, 3);
    // split at the playhead, inside the selected segment
    await media((p) => {
      p.currentTime = 6.8;
    });
    await page.keyboard.press('s');
    await expect.poll(() => page.getByTestId('timeline-view').textContent()).toMatch(/61 segments/);
    const d = new Database(db, { readonly: true });
    const hist = d.prepare('SELECT source, who FROM segment_history ORDER BY id').all() as { source: string }[];
    const pending = d
      .prepare(
        "SELECT COUNT(*) n FROM utterance u LEFT JOIN stage_status s ON s.utterance_id = u.id AND s.stage = 'media' WHERE s.status IS NULL",
      )
      .get() as { n: number };
    d.close();
    expect(hist.map((h) => h.source)).toEqual(['nudge', 'nudge', 'split', 'split']);
    expect(pending.n).toBe(2); // the edited segment and the new one wait for re-extraction
    // back to the first half, merge the two halves again (M), then remove the segment (Delete)
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('timeline-selected').textContent()).toMatch(/Ann: tone 3/);
    await page.keyboard.press('m');
    await expect.poll(() => page.getByTestId('timeline-view').textContent()).toMatch(/60 segments/);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('timeline-view').textContent()).toMatch(/59 segments/);
    const d2 = new Database(db, { readonly: true });
    const removed = d2.prepare("SELECT COUNT(*) n FROM utterance WHERE split = 'removed'").get() as { n: number };
    const sources = (d2.prepare('SELECT source FROM segment_history ORDER BY id').all() as { source: string }[]).map((h) => h.source);
    d2.close();
    expect(removed.n).toBe(2); // the merged half and the deleted segment, kept with their history
    expect(sources.slice(4)).toEqual(['merge', 'merge', 'delete']);
    expect(problems).toEqual([]);
  });

  it("Ctrl/Meta/Alt chords (the user's Ctrl+S, Ctrl+A) change no segment; the bare keys still do", async () => {
    const state = () => {
      const d = new Database(db, { readonly: true });
      try {
        const n = d.prepare("SELECT COUNT(*) n FROM utterance WHERE split != 'removed'").get() as { n: number };
        const h = d.prepare('SELECT COUNT(*) n FROM segment_history').get() as { n: number };
        return { segments: n.n, history: h.n };
      } finally {
        d.close();
      }
    };
    const s = segs[9];
    await block('tone 10').click();
    await expect.poll(() => media((p) => p.paused), { timeout: 15_000 }).toBe(true);
    // the playhead inside the selected segment: a split would land there
    await player().evaluate(
      (el, at) => {
        (el as HTMLMediaElement).currentTime = at;
      },
      (s.startS + s.endS) / 2,
    );
    // a drag selection over the waveform: A would add a segment over it
    const wave = (await page.getByTestId('timeline-wave').boundingBox())!;
    await page.mouse.move(wave.x + wave.width * 0.9, wave.y + 30);
    await page.mouse.down();
    await page.mouse.move(wave.x + wave.width * 0.95, wave.y + 30, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('timeline-selection').waitFor();
    const before = state();
    expect(before.segments).toBe(59);
    for (const chord of ['Control+s', 'Control+a', 'Meta+s', 'Meta+a', 'Alt+s', 'Alt+a', 'Control+m', 'Control+Delete']) {
      await page.keyboard.press(chord);
    }
    await page.waitForTimeout(1000); // an edit reaches the database well within this
    expect(state()).toEqual(before);
    expect(await page.getByTestId('timeline-view').textContent()).toMatch(/59 segments/);
    await page.keyboard.press('a'); // the bare key adds the segment over the selection
    await expect.poll(() => page.getByTestId('timeline-view').textContent()).toMatch(/60 segments/);
    // the view counts the new segment before its write has reached the database: wait for the row
    await expect.poll(() => state().segments).toBe(60);
    expect(problems).toEqual([]);
  });
});
