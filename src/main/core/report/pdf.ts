// HTML -> PDF. In the headless core: Chromium driven by playwright-core, printing the page once its
// plots are drawn. The Electron shell passes its own printer (webContents.printToPDF) instead, through
// the same HtmlToPdf signature, so nothing here imports electron.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ReportError } from './rows';

/** Renders a self-contained HTML file to PDF bytes. */
export type HtmlToPdf = (htmlFile: string) => Promise<Buffer>;

/**
 * The Chromium binary: an explicit path, else EMOTION_STUDIO_CHROMIUM, else /usr/bin/chromium
 * (Debian's package), else chromium / chromium-browser / google-chrome on the PATH.
 */
export function locateChromium(explicit?: string): { path: string; source: 'setting' | 'env' | 'system' | 'PATH' } {
  if (explicit) {
    if (!isFile(explicit)) throw new ReportError(`Chromium not found at ${explicit} (the path given)`);
    return { path: explicit, source: 'setting' };
  }
  const env = process.env.EMOTION_STUDIO_CHROMIUM;
  if (env) {
    if (!isFile(env)) throw new ReportError(`Chromium not found at ${env} (EMOTION_STUDIO_CHROMIUM)`);
    return { path: env, source: 'env' };
  }
  if (isFile('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'system' };
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = onPath(name);
    if (found) return { path: found, source: 'PATH' };
  }
  throw new ReportError(
    'no Chromium found for the PDF report: install chromium (Debian: apt-get install chromium) or set EMOTION_STUDIO_CHROMIUM to its path; the HTML report needs no browser',
  );
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  try {
    const cmd = process.platform === 'win32' ? 'where' : 'which';
    const out = execFileSync(cmd, [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/\r?\n/)[0]
      .trim();
    return out && isFile(out) ? out : null;
  } catch {
    return null;
  }
}

/** A printer using Chromium through playwright-core (A4, backgrounds printed, page numbers in the footer). */
export function chromiumPrinter(opts: { chromium?: string; timeoutMs?: number } = {}): HtmlToPdf {
  return async (htmlFile) => {
    const exe = locateChromium(opts.chromium).path;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox'] }).catch((e: Error) => {
      throw new ReportError(`could not start Chromium at ${exe}: ${e.message.split('\n')[0]}`);
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(new URL(`file://${path.resolve(htmlFile)}`).href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: opts.timeoutMs ?? 60_000 });
      const state = await page.evaluate(() => document.body.dataset.ready);
      if (state !== '1') throw new ReportError(`the report page failed to draw its plots: ${errors.join('; ') || 'unknown error'}`);
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate:
          '<div style="font-size:8px;width:100%;text-align:center;color:#777">Emotion Studio report · <span class="pageNumber"></span> / <span class="totalPages"></span></div>',
      });
    } finally {
      await browser.close();
    }
  };
}

/** A scratch file for the HTML that is printed. */
export function tempHtmlPath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'es-report-')), 'report.html');
}
