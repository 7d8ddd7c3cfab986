// Praat TextGrid export read back with an independent reader (test/helpers/textgrid-reader.ts), by a
// strict parser of Praat's documented long text format written here (below), and by Praat itself
// where it is installed.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { textGrid } from '../../src/main/core/report/textgrid-export';
import { timelines } from '../../src/main/core/report/timeline';
import { readTextGrid } from '../helpers/textgrid-reader';
import { row } from '../helpers/export-rows';
import { tmpDir } from '../helpers/tmp';

const hasPraat = spawnSync('sh', ['-c', 'command -v praat']).status === 0;

/**
 * A strict reader of the long ("ooTextFile") TextGrid format as Praat's manual documents it (section
 * "TextGrid file formats"): exactly these lines, in this order, with these names and indices.
 * Strings are double-quoted with "" for a quote; numbers are plain decimals. Interval tiers must start
 * at their tier's xmin, be contiguous and end at its xmax; tier times equal the file's. Throws on
 * anything else, naming the line.
 */
function strictTextGrid(src: string): { xmin: number; xmax: number; tiers: { name: string; intervals: [number, number, string][] }[] } {
  const lines = src.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let n = 0;
  const fail = (why: string): never => {
    throw new Error(`line ${n}: ${why}: ${JSON.stringify(lines[n - 1] ?? '<end of file>')}`);
  };
  const NUM = String.raw`(-?\d+(?:\.\d+)?)`;
  const STR = String.raw`"((?:[^"]|"")*)"`;
  const next = (re: string): string[] => {
    n++;
    if (n > lines.length) fail('unexpected end');
    const m = new RegExp(`^${re}$`).exec(lines[n - 1]);
    return m ? m.slice(1) : fail(`expected /${re}/`);
  };
  const str = (s: string) => s.replace(/""/g, '"');
  next('File type = "ooTextFile"');
  next('Object class = "TextGrid"');
  next('');
  const xmin = Number(next(`xmin = ${NUM} `)[0]);
  const xmax = Number(next(`xmax = ${NUM} `)[0]);
  if (!(xmax > xmin)) fail('xmax must be above xmin');
  next('tiers\\? <exists> ');
  const size = Number(next(String.raw`size = (\d+) `)[0]);
  next(String.raw`item \[\]: `);
  const tiers: { name: string; intervals: [number, number, string][] }[] = [];
  for (let i = 1; i <= size; i++) {
    next(String.raw` {4}item \[${i}\]:`);
    next(' {8}class = "IntervalTier" ');
    const name = str(next(` {8}name = ${STR} `)[0]);
    if (Number(next(` {8}xmin = ${NUM} `)[0]) !== xmin) fail('tier xmin differs from the file xmin');
    if (Number(next(` {8}xmax = ${NUM} `)[0]) !== xmax) fail('tier xmax differs from the file xmax');
    const count = Number(next(String.raw` {8}intervals: size = (\d+) `)[0]);
    if (count < 1) fail('an interval tier has at least one interval');
    const intervals: [number, number, string][] = [];
    let at = xmin;
    for (let k = 1; k <= count; k++) {
      next(String.raw` {8}intervals \[${k}\]:`);
      const a = Number(next(` {12}xmin = ${NUM} `)[0]);
      if (a !== at) fail(`interval ${k} starts at ${a}, the previous one ended at ${at}`);
      const b = Number(next(` {12}xmax = ${NUM} `)[0]);
      if (!(b > a)) fail(`interval ${k} is empty or reversed`);
      intervals.push([a, b, str(next(` {12}text = ${STR} `)[0])]);
      at = b;
    }
    if (at !== xmax) fail(`tier ${name} ends at ${at}, not at ${xmax}`);
    tiers.push({ name, intervals });
  }
  if (n !== lines.length) {
    n++;
    fail('text after the last tier');
  }
  return { xmin, xmax, tiers };
}

describe("the strict TextGrid parser (written from Praat's documented format)", () => {
  // the example of Praat's manual, "TextGrid file formats" (long format; its intervals as there)
  const manual =
    [
      'File type = "ooTextFile"',
      'Object class = "TextGrid"',
      '',
      'xmin = 0 ',
      'xmax = 2.3 ',
      'tiers? <exists> ',
      'size = 3 ',
      'item []: ',
      '    item [1]:',
      '        class = "IntervalTier" ',
      '        name = "Mary" ',
      '        xmin = 0 ',
      '        xmax = 2.3 ',
      '        intervals: size = 1 ',
      '        intervals [1]:',
      '            xmin = 0 ',
      '            xmax = 2.3 ',
      '            text = "" ',
      '    item [2]:',
      '        class = "IntervalTier" ',
      '        name = "John" ',
      '        xmin = 0 ',
      '        xmax = 2.3 ',
      '        intervals: size = 1 ',
      '        intervals [1]:',
      '            xmin = 0 ',
      '            xmax = 2.3 ',
      '            text = "" ',
      '    item [3]:',
      '        class = "IntervalTier" ',
      '        name = "bell" ',
      '        xmin = 0 ',
      '        xmax = 2.3 ',
      '        intervals: size = 2 ',
      '        intervals [1]:',
      '            xmin = 0 ',
      '            xmax = 1.1 ',
      '            text = "say ""hi""" ',
      '        intervals [2]:',
      '            xmin = 1.1 ',
      '            xmax = 2.3 ',
      '            text = "" ',
    ].join('\n') + '\n';

  it('reads the manual example', () => {
    const tg = strictTextGrid(manual);
    expect(tg.tiers.map((x) => x.name)).toEqual(['Mary', 'John', 'bell']);
    expect(tg.tiers[2].intervals).toEqual([
      [0, 1.1, 'say "hi"'],
      [1.1, 2.3, ''],
    ]);
  });

  it('refuses what the format does not allow', () => {
    const bad: [string, string, RegExp][] = [
      ['intervals [2]:', 'intervals [3]:', /line 39/], // wrong index
      ['            xmin = 1.1 ', '            xmin = 1.2 ', /starts at 1.2/], // a gap
      ['text = "say ""hi""" ', 'text = "say "hi"" ', /line 38/], // unescaped quote
      ['size = 3 ', 'size = 4 ', /unexpected end/], // a tier missing
      ['xmax = 2.3 \ntiers', 'xmax = 2.3e0 \ntiers', /line 5/], // exponent notation
      ['item [2]:', 'item [2]: extra', /line 19/],
    ];
    for (const [from, to, why] of bad) {
      expect(manual.includes(from), from).toBe(true);
      expect(() => strictTextGrid(manual.replace(from, to)), to).toThrow(why);
    }
    expect(() => strictTextGrid(manual + 'junk\n')).toThrow(/text after the last tier/);
  });
});

describe('TextGrid export', () => {
  const t = tmpDir('es-tg-');
  afterAll(() => t.cleanup());
  const media = '/corpus/talk.wav';
  const rows = [
    row({
      id: 1,
      speaker: 'Ann',
      text: 'She said "hi"',
      label: 'joy',
      start_s: 0.5,
      end_s: 1.25,
      media,
      media_duration_s: 6,
      index: 0,
      prediction: { model_version: 2, label: 'neutral', probabilities: {} },
    }),
    row({
      id: 2,
      speaker: 'Bob',
      text: 'Über “quotes” — fine',
      label: 'anger',
      start_s: 1,
      end_s: 3,
      media,
      media_duration_s: 6,
      index: 1,
    }),
    row({
      id: 3,
      speaker: 'Ann',
      text: 'Bye',
      label: null,
      start_s: 4,
      end_s: 5.5,
      media,
      media_duration_s: 6,
      index: 2,
      prediction: { model_version: 2, label: 'sadness', probabilities: {} },
    }),
  ];

  it('interval tiers per speaker, gold and predicted emotion; gaps filled, overlaps clipped, all tiers end at the media end', () => {
    const [tl] = timelines(rows);
    const { text, notes } = textGrid(tl, 2);
    expect(notes).toEqual(['tier emotion (gold): utterance train/x2 overlaps the previous one; its start moved to 1.250 s']);
    const tg = readTextGrid(text);
    expect(tg).toMatchObject({ xmin: 0, xmax: 6 });
    // the strict parser agrees, tier by tier and interval by interval
    const strict = strictTextGrid(text);
    expect(strict).toMatchObject({ xmin: 0, xmax: 6 });
    expect(strict.tiers).toEqual(tg.tiers.map((x) => ({ name: x.name, intervals: x.intervals.map((i) => [i.xmin, i.xmax, i.text]) })));
    expect(tg.tiers.map((x) => x.name)).toEqual(['Ann', 'Bob', 'emotion (gold)', 'emotion (predicted, model 2)']);
    const iv = (k: number) => tg.tiers[k].intervals.map((i) => [i.xmin, i.xmax, i.text]);
    expect(iv(0)).toEqual([
      [0, 0.5, ''],
      [0.5, 1.25, 'She said "hi"'],
      [1.25, 4, ''],
      [4, 5.5, 'Bye'],
      [5.5, 6, ''],
    ]);
    expect(iv(1)).toEqual([
      [0, 1, ''],
      [1, 3, 'Über “quotes” — fine'],
      [3, 6, ''],
    ]);
    expect(iv(2)).toEqual([
      [0, 0.5, ''],
      [0.5, 1.25, 'joy'],
      [1.25, 3, 'anger'],
      [3, 6, ''],
    ]);
    expect(iv(3)).toEqual([
      [0, 0.5, ''],
      [0.5, 1.25, 'neutral'],
      [1.25, 4, ''],
      [4, 5.5, 'sadness'],
      [5.5, 6, ''],
    ]);
    for (const tier of tg.tiers) {
      expect(tier.cls).toBe('IntervalTier');
      for (let k = 1; k < tier.intervals.length; k++) expect(tier.intervals[k].xmin).toBe(tier.intervals[k - 1].xmax); // contiguous
    }
  });

  it('a clip per utterance: the utterance spans the clip; no model: no predicted tier', () => {
    const [tl] = timelines([
      row({ id: 9, speaker: null, text: 'alone', media: '/c/dia1_utt0.mp4', media_duration_s: 2.345, start_s: 61, end_s: 63.3 }),
    ]);
    expect(tl.name).toBe('train_dia1_utt0');
    const tg = readTextGrid(textGrid(tl, null).text);
    expect(strictTextGrid(textGrid(tl, null).text).tiers).toEqual([
      { name: 'utterance', intervals: [[0, 2.345, 'alone']] },
      { name: 'emotion (gold)', intervals: [[0, 2.345, 'joy']] },
    ]);
    expect(tg.tiers.map((x) => x.name)).toEqual(['utterance', 'emotion (gold)']);
    expect(tg.tiers[0].intervals).toEqual([{ xmin: 0, xmax: 2.345, text: 'alone' }]);
  });

  it.skipIf(!hasPraat)('Praat reads it: same tiers and labels', () => {
    const [tl] = timelines(rows);
    const file = path.join(t.dir, 'talk.TextGrid');
    fs.writeFileSync(file, textGrid(tl, 2).text);
    const script = path.join(t.dir, 'dump.praat');
    fs.writeFileSync(
      script,
      [
        'form Dump',
        '  sentence file',
        'endform',
        'Read from file: file$',
        'n = Get number of tiers',
        'for t to n',
        '  name$ = Get tier name: t',
        '  ni = Get number of intervals: t',
        '  for i to ni',
        '    x0 = Get start time of interval: t, i',
        '    x1 = Get end time of interval: t, i',
        '    lab$ = Get label of interval: t, i',
        '    appendInfoLine: name$, tab$, fixed$(x0, 3), tab$, fixed$(x1, 3), tab$, lab$',
        '  endfor',
        'endfor',
        '',
      ].join('\n'),
    );
    const p = spawnSync('praat', ['--run', script, file], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines).toContain('Ann\t0.500\t1.250\tShe said "hi"');
    expect(lines).toContain('Bob\t1.000\t3.000\tÜber “quotes” — fine');
    expect(lines).toContain('emotion (predicted, model 2)\t4.000\t5.500\tsadness');
    expect(lines).toHaveLength(5 + 3 + 4 + 5);
  });
});
