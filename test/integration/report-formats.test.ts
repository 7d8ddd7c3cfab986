// Reports and interchange on a database built by the CLI from resources/demo: each format is written
// by `report` and read back by something that is not our writer (Chromium, pdftotext, xmllint with
// ELAN's schema, Praat or an independent TextGrid reader, csv-parse, our importers for round trips).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { readTextGrid } from '../helpers/textgrid-reader';
import { MELD_DIR } from '../helpers/shared';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'resources/demo');
const XSD = path.join(ROOT, 'test/fixtures/elan/EAFv3.0.xsd');
const SHOTS = path.join(ROOT, 'test-artifacts/screenshots');
const CHROMIUM = process.env.EMOTION_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Listed {
  id: number;
  split: string;
  dialogue: string | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  media: string | null;
  status: string;
  errors: number;
}

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('report formats on the demo corpus', () => {
  const t = tmpDir('es-report-');
  const db = path.join(t.dir, 'demo.db');
  let analyzed: { report: string; evaluations: { split: string; model_version: number }[] };
  let listed: Listed[];
  afterAll(() => t.cleanup());

  beforeAll(() => {
    analyzed = ok(runCli(['analyze', DEMO, '--db', db, '--json', '-q'])).json();
    listed = ok(runCli(['list', '--db', db, '--json'])).json();
  });

  it('analyze writes the HTML report next to the database and names it in its JSON', () => {
    expect(analyzed.report).toBe(path.join(t.dir, 'demo-report.html'));
    const html = fs.readFileSync(analyzed.report, 'utf8');
    expect(html).toContain('Emotion Studio report');
    expect(html.length).toBeGreaterThan(1_000_000); // plotly.js is inlined
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing loaded from elsewhere
  });

  it('HTML opens in Chromium offline, with no console error, and draws its plots', async () => {
    const out = path.join(t.dir, 'report.html');
    ok(runCli(['report', '--db', db, '--format', 'html', '--out', out, '--thumbnails']));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
      });
      await page.goto(`file://${out}`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
      expect(await page.evaluate(() => document.body.dataset.ready)).toBe('1');
      // label distribution + confusion and ROC of the dev split, each an SVG drawn by plotly
      const plots = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.js-plotly-plot')).map((p) => ({
          id: p.id,
          svgs: p.querySelectorAll('svg.main-svg').length,
        })),
      );
      expect(plots.map((p) => p.id).sort()).toEqual(['confusion-dev', 'label-distribution', 'roc-dev']);
      for (const p of plots) expect(p.svgs, p.id).toBeGreaterThan(0);
      // the ROC plot has a curve per class plus the chance line, the confusion heatmap its cells
      expect(await page.locator('#roc-dev .scatterlayer .trace').count()).toBe(8);
      expect(await page.locator('#confusion-dev .hm').count()).toBe(1);
      const text = await page.locator('body').innerText();
      expect(text).toContain('dev split · model version 1');
      expect(text).toMatch(/34 utterances in 9 dialogues/);
      expect(await page.locator('table.per-class tbody tr').count()).toBe(7);
      expect(await page.locator('table.confused tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('svg.entropy-thumb').count()).toBe(33); // every clip with video; the missing one has none
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'report-html.png'), fullPage: false });
      await page.locator('#metrics').screenshot({ path: path.join(SHOTS, 'report-html-metrics.png') });
      await page.locator('#thumbnails').screenshot({ path: path.join(SHOTS, 'report-html-thumbnails.png') });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it.skipIf(!has('pdftotext'))('PDF has pages and the report text', () => {
    const out = path.join(t.dir, 'report.pdf');
    const r = ok(runCli(['report', '--db', db, '--format', 'pdf', '--out', out, '--json'])).json();
    expect(r.bytes).toBe(fs.statSync(out).size);
    expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' }).stdout;
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Emotion Studio report');
    expect(text).toContain('dev split · model version 1');
    expect(text).toContain('Most confused utterances');
    expect(text).toMatch(/ROC one-vs-rest, dev split, model v1/); // plot titles are text in the PDF: the plots were drawn
    expect(text).toMatch(/1 \/ \d+/); // page numbers in the footer
  });

  it('a missing Chromium or an unwritable --out gives a clear error and a non-zero exit', () => {
    const r = runCli(['report', '--db', db, '--format', 'pdf', '--out', path.join(t.dir, 'x.pdf')], {
      env: { EMOTION_STUDIO_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Chromium not found at /nonexistent/chromium (EMOTION_STUDIO_CHROMIUM)');
    const blocked = runCli(['report', '--db', db, '--format', 'csv', '--out', path.join(db, 'x.csv')]); // the database is a file
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(`cannot write ${path.join(db, 'x.csv')}: ${db} is a file, not a folder`);
  });

  it('CSV and JSON carry gold label, label history, prediction and probabilities', () => {
    const first = listed.find((x) => x.split === 'dev')!;
    ok(runCli(['relabel', String(first.id), 'joy', '--db', db, '--who', 'tester']));
    try {
      const csvFile = path.join(t.dir, 'utterances.csv');
      const jsonFile = path.join(t.dir, 'utterances.json');
      ok(runCli(['report', '--db', db, '--format', 'csv', '--out', csvFile]));
      ok(runCli(['report', '--db', db, '--format', 'json', '--out', jsonFile]));
      const rows = parse(fs.readFileSync(csvFile, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
      expect(rows).toHaveLength(34);
      const labels = ['anger', 'disgust', 'sadness', 'joy', 'neutral', 'surprise', 'fear'];
      for (const r of rows) {
        const sum = labels.reduce((s, l) => s + Number(r[`p_${l}`]), 0);
        expect(sum).toBeCloseTo(1, 4);
        expect(labels).toContain(r.prediction);
        expect(r.model_version).toBe('1');
      }
      const rel = rows.find((r) => Number(r.id) === first.id)!;
      expect(rel.label).toBe('joy');
      const hist = JSON.parse(rel.label_history);
      expect(hist.map((h: { new: string }) => h.new)).toEqual([first.label, 'joy']);
      expect(hist[1]).toMatchObject({ who: 'tester', old: first.label, source: 'relabel' });
      expect(rows.find((r) => r.status === 'missing_media')!.text).toBeTruthy();

      const j = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
      expect(j).toMatchObject({ model_version: 1, labels });
      expect(j.utterances).toHaveLength(34);
      const shown = ok(runCli(['show', String(first.id), '--db', db, '--json'])).json();
      const u = j.utterances.find((x: { id: number }) => x.id === first.id);
      expect(u.prediction.label).toBe(shown.prediction.label);
      expect(u.prediction.probabilities).toEqual(shown.prediction.probabilities);
      expect(u.label_history).toEqual(shown.label_history);
    } finally {
      ok(runCli(['relabel', String(first.id), first.label!, '--db', db])); // back, for the tests below
    }
  });

  it('ELAN .eaf files validate against EAFv3.0.xsd and import back as the same utterances', () => {
    const dir = path.join(t.dir, 'eaf');
    const r = ok(runCli(['report', '--db', db, '--format', 'eaf', '--out', dir, '--json'])).json();
    expect(r.files).toHaveLength(34); // one per clip, plus the utterance without one
    const v = spawnSync('xmllint', ['--noout', '--schema', XSD, ...r.files], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr.match(/ validates$/gm)).toHaveLength(34);
    const one = runCli(['report', '--db', db, '--format', 'eaf', '--out', path.join(t.dir, 'one.eaf')]);
    expect(one.code).not.toBe(0);
    expect(one.stderr).toContain('34 media files to write, one .eaf each: give a folder as --out');

    const back = path.join(t.dir, 'eaf-back.db');
    const imp = ok(runCli(['import', ...r.files, '--db', back, '--json'])).json();
    expect(imp.imports.reduce((s: number, x: { added: number }) => s + x.added, 0)).toBe(34);
    const again: Listed[] = ok(runCli(['list', '--db', back, '--json'])).json();
    const key = (x: Listed) => `${x.split}|${x.speaker}|${x.text}`;
    const want = listed.map((x) => ({ k: key(x), label: x.label, media: x.media })).sort((a, b) => a.k.localeCompare(b.k));
    const got = again.map((x) => ({ k: key(x), label: x.label, media: x.media })).sort((a, b) => a.k.localeCompare(b.k));
    expect(got).toEqual(want);
  });

  it('Praat TextGrids hold the text and emotion tiers of each media file', () => {
    const dir = path.join(t.dir, 'textgrid');
    const r = ok(runCli(['report', '--db', db, '--format', 'textgrid', '--out', dir, '--json'])).json();
    expect(r.files).toHaveLength(34);
    const byText = new Map(listed.map((x) => [x.text, x]));
    for (const f of r.files as string[]) {
      const tg = readTextGrid(fs.readFileSync(f, 'utf8'));
      const names = tg.tiers.map((x) => x.name);
      expect(names.slice(-2)).toEqual(['emotion (gold)', 'emotion (predicted, model 1)']);
      const utt = tg.tiers[0].intervals.find((i) => i.text !== '')!;
      const src = byText.get(utt.text)!;
      expect(src, utt.text).toBeTruthy();
      expect(tg.tiers[0].name).toBe(src.speaker);
      expect(tg.tiers[1].intervals.find((i) => i.text !== '')!.text).toBe(src.label);
      for (const tier of tg.tiers) {
        expect(tier.intervals[0].xmin).toBe(0);
        expect(tier.intervals[tier.intervals.length - 1].xmax).toBe(tg.xmax);
      }
    }
  });

  it.skipIf(!has('praat'))('Praat itself reads the TextGrids', () => {
    const script = path.join(t.dir, 'read.praat');
    fs.writeFileSync(
      script,
      [
        'form Read',
        '  sentence file',
        'endform',
        'Read from file: file$',
        'n = Get number of tiers',
        'for t to n',
        '  name$ = Get tier name: t',
        '  ni = Get number of intervals: t',
        '  for i to ni',
        '    lab$ = Get label of interval: t, i',
        '    appendInfoLine: name$, tab$, lab$',
        '  endfor',
        'endfor',
        '',
      ].join('\n'),
    );
    const dir = path.join(t.dir, 'textgrid');
    const dev = listed.find((x) => x.text?.includes('“team update”'))!;
    const file = fs
      .readdirSync(dir)
      .map((f) => path.join(dir, f))
      .find((f) => fs.readFileSync(f, 'utf8').includes('“team update”'))!;
    const p = spawnSync('praat', ['--run', script, file], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines).toContain(`${dev.speaker}\t${dev.text}`);
    expect(lines).toContain(`emotion (gold)\t${dev.label}`);
  });

  // these last two train new model versions
  it('--ablate fills the ablation table (dev split); --version and --split keep the report on what was asked', () => {
    const out = path.join(t.dir, 'ablate.html');
    const before = fs.readFileSync(analyzed.report, 'utf8');
    expect(before).toContain('Only one modality combination has stored dev metrics');
    ok(runCli(['report', '--db', db, '--format', 'html', '--out', out, '--ablate', '--version', '1', '--split', 'dev']));
    const html = fs.readFileSync(out, 'utf8');
    const table = /<table class="ablation">([\s\S]*?)<\/table>/.exec(html)![1];
    const rows = [...table.matchAll(/<tr><td>([^<]+)<\/td><td>(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows.map((r) => r[0])).toEqual([
      'audio',
      'text',
      'video',
      'audio + text',
      'audio + video',
      'text + video',
      'audio + text + video',
    ]);
    expect(rows.map((r) => r[1])).toEqual([2, 3, 4, 5, 6, 7, 8]); // the versions the ablation trained
    expect(html).toContain('dev split · model version 1'); // metrics stay on the version asked for
    expect(html).not.toContain('test split');
    expect(runCli(['report', '--db', db, '--format', 'html', '--out', out, '--version', '99']).stderr).toContain('no model version 99');
  });

  it('analyze --report PATH writes there, --no-report writes none', () => {
    const custom = path.join(t.dir, 'sub', 'custom.html');
    expect(ok(runCli(['analyze', DEMO, '--db', db, '--json', '-q', '--report', custom])).json().report).toBe(custom);
    expect(fs.statSync(custom).size).toBeGreaterThan(1_000_000);
    expect(ok(runCli(['analyze', DEMO, '--db', db, '--json', '-q', '--no-report'])).json().report).toBeNull();
  });
});

describe('MELD CSV export round-trips', () => {
  const t = tmpDir('es-meld-rt-');
  afterAll(() => t.cleanup());

  it('import, export, import gives the same corpus (list --json), relabels included', () => {
    // the exported CSVs go beside a copy of the clips, as MELD's archive has them
    const copy = path.join(t.dir, 'copy');
    for (const d of ['train_splits', 'dev_splits_complete']) fs.cpSync(path.join(DEMO, d), path.join(copy, d), { recursive: true });
    const db1 = path.join(t.dir, 'one.db');
    const db2 = path.join(t.dir, 'two.db');
    ok(runCli(['import', DEMO, '--db', db1]));
    const before: Listed[] = ok(runCli(['list', '--db', db1, '--json'])).json();
    const moved = before.find((x) => x.split === 'train' && x.label !== 'fear')!;
    ok(runCli(['relabel', String(moved.id), 'fear', '--db', db1]));
    const one: Listed[] = ok(runCli(['list', '--db', db1, '--json'])).json();

    const r = ok(runCli(['report', '--db', db1, '--format', 'meld', '--out', copy, '--json'])).json();
    expect(r.files.map((f: string) => path.basename(f))).toEqual(['train_sent_emo.csv', 'dev_sent_emo.csv']);
    ok(runCli(['import', copy, '--db', db2]));
    const two: Listed[] = ok(runCli(['list', '--db', db2, '--json'])).json();
    const rel = (x: Listed, root: string) => ({ ...x, media: x.media && path.relative(root, x.media) });
    expect(two.map((x) => rel(x, copy))).toEqual(one.map((x) => rel(x, DEMO)));
    expect(two.find((x) => x.text === moved.text)!.label).toBe('fear');

    // the original CSVs and ours agree on every column the database keeps
    const a = parse(fs.readFileSync(path.join(DEMO, 'dev_sent_emo.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    const b = parse(fs.readFileSync(path.join(copy, 'dev_sent_emo.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    const cols = ['Utterance', 'Speaker', 'Emotion', 'Dialogue_ID', 'Utterance_ID', 'StartTime', 'EndTime'];
    const pick = (x: Record<string, string>) => cols.map((c) => x[c]);
    expect(b.map(pick)).toEqual(a.map(pick));
  });

  it.skipIf(!fs.existsSync(path.join(MELD_DIR, 'dev_sent_emo.csv')))(
    'MELD itself (train + dev CSVs): the same 11k utterances come back',
    () => {
      const db1 = path.join(t.dir, 'meld1.db');
      const db2 = path.join(t.dir, 'meld2.db');
      const dir = path.join(t.dir, 'meld-out');
      ok(runCli(['import', path.join(MELD_DIR, 'train_sent_emo.csv'), path.join(MELD_DIR, 'dev_sent_emo.csv'), '--db', db1, '-q']));
      ok(runCli(['report', '--db', db1, '--format', 'meld', '--out', dir]));
      ok(runCli(['import', dir, '--db', db2, '-q']));
      const norm = (rows: Listed[]) => rows.map(({ id: _id, media: _m, ...x }) => JSON.stringify(x)).sort();
      const one = norm(ok(runCli(['list', '--db', db1, '--json'])).json());
      expect(one.length).toBeGreaterThan(11_000);
      expect(norm(ok(runCli(['list', '--db', db2, '--json'])).json())).toEqual(one); // ids aside: the folder import reads dev before train
    },
  );
});
