// Praat TextGrid tiers of named annotators, `emotion (NAME)` as `report --format textgrid` writes them and as
// ELAN files are read: each annotator's labels are imported as theirs (agreement survives a round trip
// through Praat), and such a tier is never taken for the gold tier.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readTextGridFile } from '../../src/main/core/corpus/textgrid';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

type Iv = [number, number, string];
/** A long-format TextGrid over [0, 6] s with these interval tiers. */
function textGrid(tiers: Record<string, Iv[]>): string {
  const L = ['File type = "ooTextFile"', 'Object class = "TextGrid"', '', 'xmin = 0', 'xmax = 6', 'tiers? <exists>'];
  L.push(`size = ${Object.keys(tiers).length}`, 'item []:');
  Object.entries(tiers).forEach(([name, ivs], i) => {
    L.push(`    item [${i + 1}]:`, '        class = "IntervalTier"', `        name = "${name}"`, '        xmin = 0', '        xmax = 6');
    L.push(`        intervals: size = ${ivs.length}`);
    ivs.forEach(([a, b, text], k) =>
      L.push(`        intervals [${k + 1}]:`, `            xmin = ${a}`, `            xmax = ${b}`, `            text = "${text}"`),
    );
  });
  return L.join('\n') + '\n';
}

const SPEECH: Iv[] = [
  [0, 1, ''],
  [1, 2.5, 'hello there'],
  [2.5, 3, ''],
  [3, 5, 'how are you'],
  [5, 6, ''],
];
const ANA: Iv[] = [
  [0, 1, ''],
  [1, 2.5, 'joy'],
  [2.5, 3, ''],
  [3, 5, 'anger'],
  [5, 6, ''],
];
const BEN: Iv[] = [
  [0, 1, ''],
  [1, 2.5, 'joy'],
  [2.5, 3, ''],
  [3, 5, 'sadness'],
  [5, 6, ''],
];

function read(tiers: Record<string, Iv[]>) {
  t = tmpDir('es-tgann-');
  const file = path.join(t.dir, 'talk.TextGrid');
  fs.writeFileSync(file, textGrid(tiers));
  return readTextGridFile(file);
}

describe('TextGrid annotator tiers', () => {
  it("emotion (ana) and emotion (ben) give each utterance both annotators' labels; no gold without a gold tier", () => {
    const b = read({ Ann: SPEECH, 'emotion (ana)': ANA, 'emotion (ben)': BEN });
    expect(b.records.map((r) => [r.text, r.label, r.annotations])).toEqual([
      [
        'hello there',
        null,
        [
          { annotator: 'ana', label: 'joy' },
          { annotator: 'ben', label: 'joy' },
        ],
      ],
      [
        'how are you',
        null,
        [
          { annotator: 'ana', label: 'anger' },
          { annotator: 'ben', label: 'sadness' },
        ],
      ],
    ]);
    expect(b.labelSet).toEqual(['joy', 'anger', 'sadness']);
  });

  it('as exported: the gold tier gives the gold label, the annotator tiers their labels, the prediction tier nothing', () => {
    const b = read({ Ann: SPEECH, 'emotion (ana)': ANA, 'emotion (ben)': BEN, 'emotion (gold)': BEN, 'emotion (predicted, model 1)': ANA });
    expect(b.records.map((r) => [r.label, r.annotations?.map((a) => a.annotator)])).toEqual([
      ['joy', ['ana', 'ben']],
      ['sadness', ['ana', 'ben']],
    ]);
  });
});
