// ELAN import of annotations whose span is empty or reversed (end at or before start, as a hand-edited or
// converted .eaf can hold): they are left out with an issue naming the file, tier and annotation, so they
// never become "segments" whose features silently describe the whole recording.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readEafFile } from '../../src/main/core/corpus/eaf';
import { tmpDir } from '../helpers/tmp';
import { eafOf, type Seg } from '../helpers/transcripts';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe('ELAN annotations without a span', () => {
  it('a zero-length and a reversed annotation are left out with an issue; the others are imported', () => {
    const segs: Seg[] = [
      { speaker: 'Ann', text: 'fine one', start: 0.5, end: 2, label: 'joy' },
      { speaker: 'Ann', text: 'zero length', start: 4, end: 4, label: 'joy' },
      { speaker: 'Bob', text: 'end before start', start: 7, end: 6.5, label: 'joy' },
      { speaker: 'Bob', text: 'fine two', start: 8, end: 9, label: 'joy' },
    ];
    t = tmpDir('es-eafspan-');
    const file = path.join(t.dir, 'talk.eaf');
    fs.writeFileSync(file, eafOf(segs, './talk.wav'));
    fs.writeFileSync(path.join(t.dir, 'talk.wav'), 'a');
    const b = readEafFile(file, { labelTier: '' });
    expect(b.records.map((r) => [r.text, r.startS, r.endS])).toEqual([
      ['fine one', 0.5, 2],
      ['fine two', 8, 9],
    ]);
    expect(b.issues).toEqual([
      { file, row: null, message: "tier 'Ann': 1 annotation(s) whose end is not after their start left out (a2 at 4 s - 4 s)" },
      { file, row: null, message: "tier 'Bob': 1 annotation(s) whose end is not after their start left out (a3 at 7 s - 6.5 s)" },
    ]);
    for (const r of b.records) expect(r.endS!).toBeGreaterThan(r.startS!);
  });
});
