#!/usr/bin/env node
// npm run bench:ui: how smoothly the Corpus view's virtualised table scrolls through 13,000
// utterances in Chromium, beside a reference measured in the same page and run: the same rows as a
// plain (not virtualised) HTML table. Both are scrolled by the same steps, one step per animation
// frame; we report the frame intervals (median, p95, max; 16.7 ms is 60 fps), the rows in the DOM and
// the time to first show the rows.
//   node bench/ui-scroll-bench.mjs [--rows 13000] [--steps 240] [--json]
// Needs `npm run build` (CLI + renderer) and Chromium at /usr/bin/chromium (or EMOTION_STUDIO_CHROMIUM).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ROWS = Number(opt('--rows', '13000'));
const STEPS = Number(opt('--steps', '240'));
const chromiumPath = process.env.EMOTION_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
const cli = path.join(root, 'bin', 'emotion-studio.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'es-ui-bench-'));
const db = path.join(tmp, 'bench.db');
const dataDir = path.join(tmp, 'data');
let server;
let browser;
try {
  const labels = ['joy', 'anger', 'neutral', 'sadness', 'surprise', 'fear', 'disgust'];
  const csv = [
    'text,label,speaker,dialogue',
    ...Array.from(
      { length: ROWS },
      (_v, i) =>
        `"utterance ${i + 1}: a sentence of ordinary length, as a transcript line would be",${labels[i % 7]},S${i % 5},${Math.floor(i / 12)}`,
    ),
  ];
  fs.writeFileSync(path.join(tmp, 'rows.csv'), csv.join('\n'));
  const imp = spawnSync(
    process.execPath,
    [
      cli,
      'import',
      path.join(tmp, 'rows.csv'),
      '--columns',
      'text=text,label=label,speaker=speaker,dialogue=dialogue',
      '--db',
      db,
      '--data-dir',
      dataDir,
    ],
    { encoding: 'utf8' },
  );
  if (imp.status !== 0) throw new Error(`import failed: ${imp.stderr}`);

  server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json', '--db', db, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (b) => {
      out += b;
      const m = /"url"\s*:\s*"([^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    server.once('exit', (c) => reject(new Error(`serve exited (${c})`)));
  });

  browser = await chromium.launch({ executablePath: chromiumPath });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const t0 = Date.now();
  await page.goto(url);
  await page
    .getByTestId('corpus-count')
    .filter({ hasText: `${ROWS.toLocaleString('en')} utterances` })
    .waitFor({ timeout: 60_000 });
  await page.getByTestId('utterance-row').first().waitFor();
  const firstShowMs = Date.now() - t0;

  // one scroll step per animation frame over the whole height; intervals between frames measured in the page
  const scrollRun = (selector) =>
    page.evaluate(
      ({ selector, steps }) =>
        new Promise((resolve) => {
          const el = document.querySelector(selector);
          const step = (el.scrollHeight - el.clientHeight) / steps;
          const gaps = [];
          let last = performance.now();
          let i = 0;
          let maxRows = 0;
          const tick = (now) => {
            gaps.push(now - last);
            last = now;
            maxRows = Math.max(maxRows, el.querySelectorAll('[data-testid=utterance-row], tr').length);
            if (++i > steps) return resolve({ gaps: gaps.slice(1), maxRows });
            el.scrollTop = i * step;
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      { selector, steps: STEPS },
    );
  const virtual = await scrollRun('[data-testid=corpus-scroll]');

  // the reference: the same rows (from the same API answer) as a plain table in a scroll box
  const refBuildMs = await page.evaluate(async () => {
    const token = new URLSearchParams(location.search).get('token');
    const r = await fetch(`/api/utterances.list?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then((x) => x.json());
    const t = performance.now();
    const box = document.createElement('div');
    box.id = 'plain-ref';
    box.style.cssText = 'position:fixed;inset:120px 16px 16px 16px;overflow:auto;background:#fff;z-index:9999;font:13px sans-serif';
    const table = document.createElement('table');
    const body = document.createElement('tbody');
    for (const row of r.value.rows) {
      const tr = document.createElement('tr');
      for (const v of [row.id, row.split, row.dialogue, row.speaker, row.text, row.label, row.prediction ?? '—', row.status]) {
        const td = document.createElement('td');
        td.textContent = String(v ?? '—');
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    box.appendChild(table);
    document.body.appendChild(box);
    box.getBoundingClientRect(); // force layout, counted in the build time
    await new Promise((res) => requestAnimationFrame(() => res()));
    return performance.now() - t;
  });
  const plain = await scrollRun('#plain-ref');

  const stats = (g) => {
    const s = [...g].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return {
      median_ms: +q(0.5).toFixed(1),
      p95_ms: +q(0.95).toFixed(1),
      max_ms: +s[s.length - 1].toFixed(1),
      over_50ms: s.filter((x) => x > 50).length,
    };
  };
  const result = {
    rows: ROWS,
    steps: STEPS,
    first_show_ms: firstShowMs,
    virtualised: { ...stats(virtual.gaps), rows_in_dom: virtual.maxRows },
    plain_reference: { ...stats(plain.gaps), rows_in_dom: plain.maxRows, build_ms: Math.round(refBuildMs) },
    chromium: browser.version(),
    cpus: os.cpus().length,
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(
      `Corpus table, ${ROWS.toLocaleString('en')} rows, ${STEPS} scroll steps (one per frame), Chromium ${result.chromium}, ${result.cpus} CPUs`,
    );
    console.log(`  page to rows shown: ${firstShowMs} ms`);
    console.log('  table                frame median   p95     max   >50ms  rows in DOM');
    for (const [name, r] of [
      ['virtualised (app)', result.virtualised],
      ['plain (reference)', result.plain_reference],
    ]) {
      console.log(
        `  ${name.padEnd(20)} ${String(r.median_ms).padStart(8)} ${String(r.p95_ms).padStart(7)} ${String(r.max_ms).padStart(7)} ${String(r.over_50ms).padStart(6)} ${String(r.rows_in_dom).padStart(11)}`,
      );
    }
    console.log(`  (the plain table took ${result.plain_reference.build_ms} ms to build and lay out once)`);
  }
} finally {
  await browser?.close();
  server?.kill('SIGTERM');
  await new Promise((r) => (server && server.exitCode === null ? server.once('exit', r) : r()));
  fs.rmSync(tmp, { recursive: true, force: true });
}
