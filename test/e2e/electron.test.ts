// The desktop app end to end through Playwright's Electron launcher, with no CLI step: the app
// imports the demo corpus through its Import view (the native open dialog answered by a stub in the
// main process), extracts, and the same flow as the browser e2e follows (browser.test.ts), plus the
// shell's security from inside the page and a report saved through the save dialog. It needs the
// Electron binary, better-sqlite3 built for Electron's ABI (docs/desktop.md) and `npm run build:app`;
// where one is missing it is skipped and says why (in its name and on stderr).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { electronStatus, ELECTRON_REBUILD } from '../../src/main/core/native-abi';
import { tmpDir } from '../helpers/tmp';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'resources/demo');
const MAIN = path.join(ROOT, 'out/main/index.js');
const SHOTS = path.join(ROOT, 'test-artifacts/screenshots');

/** The Electron binary, or why the app cannot run here. */
function findElectron(): { bin: string } | { reason: string } {
  const st = electronStatus(path.join(ROOT, 'package.json'));
  if (!st.package) return { reason: 'the "electron" package is not installed (run scripts/install.sh)' };
  if (!st.binary) {
    return {
      reason: `the Electron ${st.package} binary is absent (its download was skipped: ELECTRON_SKIP_BINARY_DOWNLOAD or no internet; with internet: node node_modules/electron/install.js)`,
    };
  }
  if (st.abi !== null && st.better_sqlite3.abi !== null && st.better_sqlite3.abi !== st.abi) {
    return {
      reason: `better-sqlite3 is built for ABI ${st.better_sqlite3.abi} (Node), Electron ${st.package} needs ABI ${st.abi}: ${ELECTRON_REBUILD} (docs/desktop.md)`,
    };
  }
  return { bin: st.binary };
}

const found = findElectron();
const skipReason = 'reason' in found ? found.reason : null;
if (skipReason) console.warn(`Electron e2e skipped: ${skipReason}`);

const sum = (xs: number[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0);

async function confusion(page: Page): Promise<Record<string, number[]>> {
  return page.$$eval('[data-testid=confusion-table] tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const cells = Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '');
        return [cells[0], cells.slice(1).map(Number)];
      }),
    ),
  );
}

async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

describe.skipIf(skipReason !== null)(`Electron app (playwright _electron)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  const t = tmpDir('es-electron-');
  const db = path.join(t.dir, 'demo.db');
  const dataDir = path.join(t.dir, 'data');
  let app: ElectronApplication;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(MAIN)) {
      const b = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
    }
    fs.cpSync(DEMO, path.join(t.dir, 'demo'), { recursive: true });
    app = await _electron.launch({
      executablePath: (found as { bin: string }).bin,
      args: [MAIN, '--db', db, '--data-dir', dataDir],
      env: { ...process.env, EMOTION_STUDIO_DATA: dataDir },
    });
    page = await app.firstWindow();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    fs.mkdirSync(SHOTS, { recursive: true });
    // the native dialogs answer what a user would pick (the app calls them through the electron module)
    await app.evaluate(
      ({ dialog, shell }, o) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [o.demo] })) as unknown as typeof dialog.showOpenDialog;
        dialog.showSaveDialog = (async () => ({ canceled: false, filePath: o.save })) as unknown as typeof dialog.showSaveDialog;
        shell.showItemInFolder = () => undefined;
      },
      { demo: path.join(t.dir, 'demo'), save: path.join(t.dir, 'saved-report.html') },
    );
  });
  afterAll(async () => {
    await app?.close();
    t.cleanup();
  });

  it('imports the demo folder through the Import view and extracts it as jobs', async () => {
    await page.getByTestId('corpus-import').click(); // the empty corpus points to the import
    await page.getByTestId('pick-folder').click();
    await expect.poll(() => page.getByTestId('import-kind').getAttribute('data-kind')).toBe('folder');
    await page.screenshot({ path: path.join(SHOTS, 'electron-00-import.png') });
    await page.getByTestId('import-start').click();
    const imp = page.locator('[data-testid=job][data-kind=import]').first();
    await expect.poll(() => imp.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await imp.getByTestId('job-result').textContent()).toMatch(/^34 added, .*extraction started/);
    const extract = page.locator('[data-testid=job][data-kind=extract]').first();
    await expect.poll(() => extract.getAttribute('data-status'), { timeout: 300_000 }).toBe('done');
    await page.getByTestId('retrain').click();
    const train = page.locator('[data-testid=job][data-kind=train]').first();
    await expect.poll(() => train.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await page.getByTestId('tab-corpus').click();
  }, 480_000);

  it('the page has the bridge and nothing of Node; window.open and navigation away are blocked', async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => typeof (window as unknown as { emotionStudio?: { call?: unknown } }).emotionStudio?.call)).toBe(
      'function',
    );
    expect(await page.evaluate(() => window.open('https://example.com/'))).toBeNull();
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    // (the window's webPreferences themselves are src/main/security.ts's, unit-tested in security.test.ts;
    // Electron 39 no longer reads them back through webContents)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].webContents.isDevToolsOpened())).toBe(false);
  });

  it('corpus, utterance (clip through es-media://, entropy plot), relabel by keyboard, retrain, confusion changes', async () => {
    await expect.poll(() => page.getByTestId('corpus-count').textContent(), { timeout: 30_000 }).toBe('34 utterances');
    await page.screenshot({ path: path.join(SHOTS, 'electron-01-corpus.png') });
    await page.getByText('Are you coming to the meeting at noon?').click();
    await page.getByTestId('utterance-detail').waitFor();
    await page.getByTestId('entropy-plot').locator('.scatterlayer .trace').first().waitFor();
    const video = page.getByTestId('clip');
    expect(await video.getAttribute('src')).toMatch(/^es-media:\/\/media\/\d+$/);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() =>
        page
          .getByTestId('thumbnails')
          .locator('img')
          .nth(0)
          .evaluate((i: HTMLImageElement) => i.naturalWidth),
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'electron-02-utterance.png') });

    await page.getByTestId('tab-evaluation').click();
    await expect.poll(() => page.getByTestId('eval-heading').textContent()).toMatch(/^dev split · model v1 /);
    const before = await confusion(page);

    await page.getByTestId('tab-annotate').click();
    await choose(page, 'annotate-split', 'dev');
    await expect.poll(() => page.getByTestId('annotate-position').textContent()).toBe('1 / 10');
    await page.getByTestId('annotate-text').click();
    const labels = await page
      .getByTestId('label-keys')
      .locator('button')
      .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-label') ?? ''));
    const from = (await page.getByTestId('annotate-label').textContent()) ?? '';
    const to = labels.find((l) => l !== from)!;
    await page.keyboard.press(String(labels.indexOf(to) + 1));
    await expect.poll(() => page.getByTestId('annotate-position').textContent()).toBe('2 / 10');
    await page.screenshot({ path: path.join(SHOTS, 'electron-03-annotate.png') });

    await page.getByTestId('tab-jobs').click();
    await page.getByTestId('retrain').click();
    const job = page.locator('[data-testid=job][data-kind=train]').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await page.getByTestId('tab-evaluation').click();
    await expect.poll(() => page.getByTestId('eval-heading').textContent(), { timeout: 30_000 }).toMatch(/^dev split · model v2 /);
    const after = await confusion(page);
    expect(sum(after[from])).toBe(sum(before[from]) - 1);
    expect(sum(after[to])).toBe(sum(before[to]) + 1);
    await page.screenshot({ path: path.join(SHOTS, 'electron-04-evaluation-v2.png') });
    expect(problems).toEqual([]);
  });

  it('Reports: Save HTML goes through the save dialog to the chosen file', async () => {
    await page.getByTestId('tab-reports').click();
    await page.getByTestId('export-html').click();
    await expect.poll(() => page.getByTestId('export-result').first().textContent(), { timeout: 60_000 }).toMatch(/saved-report\.html/);
    expect(fs.readFileSync(path.join(t.dir, 'saved-report.html'), 'utf8')).toMatch(/<html/i);
  });

  it('remembers the window bounds in the data folder', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].setBounds({ x: 40, y: 40, width: 1111, height: 777 }));
    await app.close();
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'ui-settings.json'), 'utf8'));
    expect(saved.window).toMatchObject({ width: 1111, height: 777 });
  });
});
