// Exports carry every annotator's labels (issue 13): a CSV column and a JSON field per annotator, an
// ELAN tier per annotator (ANNOTATOR attribute; valid against ELAN's schema) that imports back as the
// same annotators' labels, a TextGrid tier per annotator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { readTextGrid } from '../helpers/textgrid-reader';
import { openDb } from '../../src/main/core/store/db';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'resources/demo');
const XSD = path.join(ROOT, 'test/fixtures/elan/EAFv3.0.xsd');
const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0;

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('exports with a label per annotator', () => {
  const t = tmpDir('es-annexp-');
  const db = path.join(t.dir, 'demo.db');
  let first: { id: number; key: string };
  beforeAll(() => {
    ok(runCli(['import', DEMO, '--db', db, '-q']));
    const id = ok(runCli(['list', '--db', db, '--json'])).json()[0].id;
    first = ok(runCli(['show', String(id), '--db', db, '--json'])).json();
    ok(runCli(['relabel', String(first.id), 'joy', '--annotator', 'alice', '--db', db]));
    ok(runCli(['relabel', String(first.id), 'anger', '--annotator', 'bob', '--db', db]));
    ok(runCli(['relabel', String(first.id + 1), 'fear', '--annotator', 'bob', '--db', db]));
  });
  afterAll(() => t.cleanup());

  it('CSV: a label_<annotator> column each; JSON: an annotators object per utterance', () => {
    ok(runCli(['report', '--format', 'csv', '--out', path.join(t.dir, 'x.csv'), '--db', db, '-q']));
    const rows = parse(fs.readFileSync(path.join(t.dir, 'x.csv'), 'utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(Object.keys(rows[0]).slice(-2)).toEqual(['label_alice', 'label_bob']);
    const r1 = rows.find((r) => Number(r.id) === first.id)!;
    expect([r1.label, r1.label_alice, r1.label_bob]).toEqual(['anger', 'joy', 'anger']);
    const r2 = rows.find((r) => Number(r.id) === first.id + 1)!;
    expect([r2.label_alice, r2.label_bob]).toEqual(['', 'fear']);
    ok(runCli(['report', '--format', 'json', '--out', path.join(t.dir, 'x.json'), '--db', db, '-q']));
    const j = JSON.parse(fs.readFileSync(path.join(t.dir, 'x.json'), 'utf8'));
    expect(j.utterances.find((u: any) => u.id === first.id).annotators).toEqual({ alice: 'joy', bob: 'anger' });
    expect(j.utterances.find((u: any) => u.id === first.id).label_history.map((h: any) => h.annotator)).toEqual([null, 'alice', 'bob']);
  });

  it("EAF: a tier per annotator that imports back as those annotators' labels", () => {
    const out = path.join(t.dir, 'eaf');
    ok(runCli(['report', '--format', 'eaf', '--out', out, '--db', db, '-q']));
    const file = path.join(out, `${first.key.replace('/', '_')}.eaf`);
    const xml = fs.readFileSync(file, 'utf8');
    expect(xml).toContain('<TIER TIER_ID="emotion (alice)" LINGUISTIC_TYPE_REF="emotion" ANNOTATOR="alice">');
    expect(xml).toContain('<TIER TIER_ID="emotion (bob)" LINGUISTIC_TYPE_REF="emotion" ANNOTATOR="bob">');
    if (hasXmllint) {
      const v = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
    }
    const db2 = path.join(t.dir, 'back.db');
    ok(runCli(['import', file, '--db', db2, '-q']));
    const h = openDb(db2, { readonly: true });
    try {
      expect(h.prepare('SELECT annotator, label FROM annotator_label ORDER BY annotator').all()).toEqual([
        { annotator: 'alice', label: 'joy' },
        { annotator: 'bob', label: 'anger' },
      ]);
      // the gold tier is still the gold label, not an annotator's tier
      expect(h.prepare('SELECT label FROM utterance').pluck().all()).toEqual(['anger']);
    } finally {
      h.close();
    }
  });

  it('HTML report: an inter-annotator agreement section with the counts behind each figure', () => {
    const out = path.join(t.dir, 'r.html');
    ok(runCli(['report', '--format', 'html', '--out', out, '--db', db, '-q']));
    const html = fs.readFileSync(out, 'utf8');
    const sec = html.slice(html.indexOf('<section id="agreement">'), html.indexOf('</section>', html.indexOf('<section id="agreement">')));
    expect(sec).toContain('<h2>Inter-annotator agreement</h2>');
    expect(sec).toContain('alice (1 labels), bob (2 labels); 2 utterances labelled by anyone');
    expect(sec).toContain('<tr><td>alice vs bob</td><td>1</td><td>0.0%</td><td>0.000</td></tr>');
    expect(sec).toMatch(/Gold labels: rule <b>latest<\/b>/);
  });

  it('TextGrid: a tier per annotator', () => {
    const out = path.join(t.dir, 'tg');
    ok(runCli(['report', '--format', 'textgrid', '--out', out, '--db', db, '-q']));
    const tg = readTextGrid(fs.readFileSync(path.join(out, `${first.key.replace('/', '_')}.TextGrid`), 'utf8'));
    const names = tg.tiers.map((x: any) => x.name);
    expect(names).toEqual(expect.arrayContaining(['emotion (gold)', 'emotion (alice)', 'emotion (bob)']));
    const alice = tg.tiers.find((x: any) => x.name === 'emotion (alice)')!;
    expect(alice.intervals.map((i: any) => i.text).filter(Boolean)).toEqual(['joy']);
  });
});
