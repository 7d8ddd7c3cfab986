// Pieces of the browser-mode e2e tests (serve + Debian's Chromium): a page that records console errors,
// full-page screenshots into test-artifacts/screenshots/, MUI select picks, API calls from the page, and
// one served page per describe block.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServe, type Served } from './serve';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
export const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

/** Opens url in a new page that adds console errors and uncaught exceptions to `problems`; onJobEvent
 * gets every WebSocket frame the page receives (the job events), as they arrive. */
export async function openPage(browser: Browser, url: string, problems: string[], onJobEvent?: (payload: string) => void): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  if (onJobEvent) page.on('websocket', (ws) => ws.on('framereceived', (f) => onJobEvent(String(f.payload))));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  if ((await page.locator('#root').count()) === 0)
    throw new Error(`${url} did not serve the app page: is out/renderer built (npm run build)?\n${await page.content()}`);
  return page;
}

/** A full-page screenshot, from the top, without hover effects: SHOTS/name.png (the path returned). */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(600); // MUI's ripples and fades settle
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Picks an entry of an MUI Select by its visible text. */
export async function choose(page: Page, testId: string, option: string | RegExp): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.locator('.MuiPopover-root').waitFor({ state: 'detached' });
}

/** An API call from the page (its cookie carries the token); throws the API's error. */
export async function pageApi(page: Page, method: string, input: unknown = {}): Promise<any> {
  const r = await page.evaluate(
    async ([m, i]) =>
      (await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) })).json(),
    [method, input] as const,
  );
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/**
 * For one describe block: `serve` with serveArgs() and a Chromium page on url#hash, started in
 * beforeAll (after the block's earlier beforeAll hooks), no console error after any test, both
 * closed in afterAll.
 */
export function servedPage(serveArgs: () => string[], hash: string): { page: () => Page; served: () => Served } {
  let served: Served | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  beforeAll(async () => {
    served = await startServe(serveArgs());
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await openPage(browser, `${served.url}#${hash}`, problems);
  }, 120_000);
  afterEach(() => {
    expect(problems, served?.stderr()).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });
  return { page: () => page!, served: () => served! };
}
