// Praat TextGrid export read back with an independent reader (test/helpers/textgrid-reader.ts), and
// by Praat itself where it is installed.
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

describe('TextGrid export', () => {
  const t = tmpDir('es-tg-');
  afterAll(() => t.cleanup());
  const media = '/corpus/talk.wav';
  const rows = [
    row({ id: 1, speaker: 'Ann', text: 'She said "hi"', label: 'joy', start_s: 0.5, end_s: 1.25, media, media_duration_s: 6, index: 0, prediction: { model_version: 2, label: 'neutral', probabilities: {} } }),
    row({ id: 2, speaker: 'Bob', text: 'Über “quotes” — fine', label: 'anger', start_s: 1, end_s: 3, media, media_duration_s: 6, index: 1 }),
    row({ id: 3, speaker: 'Ann', text: 'Bye', label: null, start_s: 4, end_s: 5.5, media, media_duration_s: 6, index: 2, prediction: { model_version: 2, label: 'sadness', probabilities: {} } }),
  ];

  it('interval tiers per speaker, gold and predicted emotion; gaps filled, overlaps clipped, all tiers end at the media end', () => {
    const [tl] = timelines(rows);
    const { text, notes } = textGrid(tl, 2);
    expect(notes).toEqual(['tier emotion (gold): utterance train/x2 overlaps the previous one; its start moved to 1.250 s']);
    const tg = readTextGrid(text);
    expect(tg).toMatchObject({ xmin: 0, xmax: 6 });
    expect(tg.tiers.map((x) => x.name)).toEqual(['Ann', 'Bob', 'emotion (gold)', 'emotion (predicted, model 2)']);
    const iv = (k: number) => tg.tiers[k].intervals.map((i) => [i.xmin, i.xmax, i.text]);
    expect(iv(0)).toEqual([[0, 0.5, ''], [0.5, 1.25, 'She said "hi"'], [1.25, 4, ''], [4, 5.5, 'Bye'], [5.5, 6, '']]);
    expect(iv(1)).toEqual([[0, 1, ''], [1, 3, 'Über “quotes” — fine'], [3, 6, '']]);
    expect(iv(2)).toEqual([[0, 0.5, ''], [0.5, 1.25, 'joy'], [1.25, 3, 'anger'], [3, 6, '']]);
    expect(iv(3)).toEqual([[0, 0.5, ''], [0.5, 1.25, 'neutral'], [1.25, 4, ''], [4, 5.5, 'sadness'], [5.5, 6, '']]);
    for (const tier of tg.tiers) {
      expect(tier.cls).toBe('IntervalTier');
      for (let k = 1; k < tier.intervals.length; k++) expect(tier.intervals[k].xmin).toBe(tier.intervals[k - 1].xmax); // contiguous
    }
  });

  it('a clip per utterance: the utterance spans the clip; no model: no predicted tier', () => {
    const [tl] = timelines([row({ id: 9, speaker: null, text: 'alone', media: '/c/dia1_utt0.mp4', media_duration_s: 2.345, start_s: 61, end_s: 63.3 })]);
    expect(tl.name).toBe('train_dia1_utt0');
    const tg = readTextGrid(textGrid(tl, null).text);
    expect(tg.tiers.map((x) => x.name)).toEqual(['utterance', 'emotion (gold)']);
    expect(tg.tiers[0].intervals).toEqual([{ xmin: 0, xmax: 2.345, text: 'alone' }]);
  });

  it.skipIf(!hasPraat)('Praat reads it: same tiers and labels', () => {
    const [tl] = timelines(rows);
    const file = path.join(t.dir, 'talk.TextGrid');
    fs.writeFileSync(file, textGrid(tl, 2).text);
    const script = path.join(t.dir, 'dump.praat');
    fs.writeFileSync(script, [
      'form Dump', '  sentence file', 'endform', 'Read from file: file$', 'n = Get number of tiers',
      'for t to n', '  name$ = Get tier name: t', '  ni = Get number of intervals: t', '  for i to ni',
      '    x0 = Get start time of interval: t, i', '    x1 = Get end time of interval: t, i', '    lab$ = Get label of interval: t, i',
      '    appendInfoLine: name$, tab$, fixed$(x0, 3), tab$, fixed$(x1, 3), tab$, lab$', '  endfor', 'endfor', '',
    ].join('\n'));
    const p = spawnSync('praat', ['--run', script, file], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines).toContain('Ann\t0.500\t1.250\tShe said "hi"');
    expect(lines).toContain('Bob\t1.000\t3.000\tÜber “quotes” — fine');
    expect(lines).toContain('emotion (predicted, model 2)\t4.000\t5.500\tsadness');
    expect(lines).toHaveLength(5 + 3 + 4 + 5);
  });
});
