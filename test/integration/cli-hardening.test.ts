// Human-readable CLI output and arguments against hostile or odd input (issue 14 items 3 and 9):
// terminal control sequences from imported text (OSC 52 clipboard writes, window titles, clear
// screen, C1 CSI) are printed as escapes by import, list and show (JSON keeps the exact text);
// --limit is validated; a relabel to the current label says nothing changed; a label changed in the
// source is reported on re-import and the gold label kept; an oversized text is warned about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const HEADER = 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime';
const OSC52 = '\x1b]52;c;ZXZpbA==\x07';
const TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J\x1b[H';
const C1 = '\u009b2J';
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // any control character but \t and \n
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

function meldCsv(rows: [text: string, speaker: string, emotion: string][]): string {
  return [HEADER, ...rows.map(([t, s, e], i) => [i + 1, q(t), q(s), q(e), '', 0, i, '', '', '', ''].join(','))].join('\n') + '\n';
}

describe('CLI: control characters, arguments and label messages', () => {
  const t = tmpDir('es-cli-hard-');
  const db = path.join(t.dir, 'x.db');
  const csv = path.join(t.dir, 'dev_sent_emo.csv');
  const rows: [string, string, string][] = [
    [`copy ${OSC52}me`, `${TITLE}Ann`, 'joy'],
    [`${CLEAR}cleared ${C1}`, 'Bob', 'sadness'],
    ['two\nlines\tand a tab', 'Cy', 'neutral'],
    ['odd emotion', 'Di', `jo\x1b[31my`],
    ['fine', 'Ed', 'anger'],
  ];
  let imp: ReturnType<typeof runCli>;
  beforeAll(() => {
    fs.writeFileSync(csv, meldCsv(rows));
    imp = runCli(['import', csv, '--db', db]);
  });
  afterAll(() => t.cleanup());

  it('import: the warning about a bad row shows its escape sequence as text', () => {
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout + imp.stderr).not.toMatch(RAW);
    expect(imp.stderr).toContain("Emotion 'jo\\x1b[31my' is not one of MELD's");
  });

  it('list: no control character reaches the terminal, one line per utterance; --json keeps the text', () => {
    const r = runCli(['list', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('copy \\x1b]52;c;ZXZpbA==\\x07me');
    expect(lines[1]).toContain('\\x1b[2J\\x1b[Hcleared \\x9b2J');
    expect(lines[2]).toContain('two\\nlines\\tand a tab');
    const j = runCli(['list', '--db', db, '--json']).json() as { text: string; speaker: string }[];
    expect(j.map((u) => u.text)).toEqual([rows[0][0], rows[1][0], rows[2][0], 'fine']);
    expect(j[0].speaker).toBe(rows[0][1]);
  });

  it('show: speaker and text escaped', () => {
    const r = runCli(['show', '1', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07Ann: copy \\x1b]52;c;ZXZpbA==\\x07me');
  });

  it('list --limit: a whole number of 1 or more, else a usage error (no SQLite message, not every row)', () => {
    for (const bad of ['abc', '-1', '0', '1.5', '']) {
      const r = runCli(['list', '--db', db, `--limit=${bad}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`emotion-studio: --limit takes a whole number of 1 or more (got '${bad}')\n`);
      expect(r.stdout).toBe('');
    }
    expect(runCli(['list', '--db', db, '--limit', '2', '--json']).json()).toHaveLength(2);
  });

  it('relabel to the label an item already has says nothing changed', () => {
    const r = runCli(['relabel', '2', 'sadness', '--db', db, '--annotator', 'ann']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('sadness -> sadness');
    expect(r.stdout).toContain("#2: gold label stays sadness; ann's label sadness recorded (was none)");
    const again = runCli(['relabel', '2', 'sadness', '--db', db, '--annotator', 'ann']);
    expect(again.stdout).toBe('#2: already sadness; nothing changed\n');
  });

  it("a label changed in the source: reported on re-import, the annotator's gold label kept", () => {
    expect(runCli(['relabel', '4', 'joy', '--db', db, '--annotator', 'ann']).code).toBe(0); // 'fine' (id 4): anger -> joy
    const changed = rows.map((r, i): [string, string, string] => (i === 4 ? [r[0], r[1], 'fear'] : r));
    fs.writeFileSync(csv, meldCsv(changed));
    const r = runCli(['import', csv, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: .*dev_sent_emo\.csv row 7: dev\/dia0_utt4: the label in the source changed from anger to fear since it was imported; the gold label joy is kept \(relabel 4 fear to take the source's\)/,
    );
    expect(r.stdout).toContain('0 updated, 3 unchanged');
    expect(r.stdout).toContain('1 with a label changed in the source (the gold label kept)');
    const j = runCli(['import', csv, '--db', db, '--json', '-q']).json() as {
      imports: { sourceLabelChanged: number; unchanged: number }[];
    };
    expect(j.imports[0]).toMatchObject({ sourceLabelChanged: 1, unchanged: 3 });
    const u = runCli(['show', '4', '--db', db, '--json']).json() as { label: string };
    expect(u.label).toBe('joy');
  });

  it('an oversized text is stored and warned about', () => {
    const big = path.join(t.dir, 'big', 'dev_sent_emo.csv');
    fs.mkdirSync(path.dirname(big));
    fs.writeFileSync(big, meldCsv([['x'.repeat(150_000), 'Al', 'joy']]));
    const r = runCli(['import', big, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: .*dev_sent_emo\.csv row 2: dev\/dia0_utt0: the text is 150,000 characters long \(over 100,000\); stored as it is, check the source/,
    );
  });
});
