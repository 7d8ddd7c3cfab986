// TextGrids written by Praat itself (long and short text format; ASCII, and UTF-16 as Praat saves
// non-ASCII text), imported: the same utterances as the segments Praat was given. Skipped without praat.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readTextGridFile } from '../../src/main/core/corpus/textgrid';
import { tmpDir } from '../helpers/tmp';
import { SEGMENTS, type Seg } from '../helpers/transcripts';

const hasPraat = spawnSync('sh', ['-c', 'command -v praat']).status === 0;
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A Praat script making a TextGrid of segs (a tier per speaker, an emotion tier, a point tier) and saving it both ways. */
function script(segs: Seg[], dir: string): string {
  const speakers = [...new Set(segs.map((s) => s.speaker))];
  const L = [`Create TextGrid: 0, 10, ${q([...speakers, 'emotion', 'bell'].join(' '))}, "bell"`];
  speakers.forEach((sp, i) => {
    for (const s of segs.filter((x) => x.speaker === sp)) {
      L.push(`Insert boundary: ${i + 1}, ${s.start}`, `Insert boundary: ${i + 1}, ${s.end}`);
      L.push(`n = Get interval at time: ${i + 1}, ${(s.start + s.end) / 2}`, `Set interval text: ${i + 1}, n, ${q(s.text)}`);
    }
  });
  // one label per stretch of speech (overlapping utterances share one)
  const e = speakers.length + 1;
  const merged: { start: number; end: number; label: string }[] = [];
  for (const s of [...segs].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end, label: s.label });
  }
  for (const m of merged) {
    L.push(`Insert boundary: ${e}, ${m.start}`, `Insert boundary: ${e}, ${m.end}`);
    L.push(`n = Get interval at time: ${e}, ${(m.start + m.end) / 2}`, `Set interval text: ${e}, n, ${q(m.label)}`);
  }
  L.push(`Insert point: ${e + 1}, 1, "ding"`);
  L.push(`Save as text file: ${q(path.join(dir, 'long.TextGrid'))}`, `Save as short text file: ${q(path.join(dir, 'short.TextGrid'))}`);
  return L.join('\n') + '\n';
}

describe.skipIf(!hasPraat)('TextGrids written by Praat', () => {
  const t = tmpDir('es-praat-');
  afterAll(() => t.cleanup());

  const cases: [string, Seg[]][] = [
    ['ASCII', SEGMENTS],
    ['non-ASCII (Praat writes UTF-16)', SEGMENTS.map((s, i) => (i === 1 ? { ...s, text: 'Très bien, “vraiment” 😀' } : s))],
  ];
  it.each(cases)('%s: long and short format import to the segments Praat was given', (name, segs) => {
    const dir = path.join(t.dir, name.replace(/\W+/g, '_'));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'talk.wav'), 'RIFF');
    const file = path.join(dir, 'make.praat');
    fs.writeFileSync(file, script(segs, dir));
    const p = spawnSync('praat', ['--run', file], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const utf16 = fs
      .readFileSync(path.join(dir, 'long.TextGrid'))
      .subarray(0, 2)
      .equals(Buffer.from([0xfe, 0xff]));
    expect(utf16).toBe(segs !== SEGMENTS);
    for (const f of ['long.TextGrid', 'short.TextGrid']) {
      const b = readTextGridFile(path.join(dir, f), { media: path.join(dir, 'talk.wav') });
      expect(
        b.records.map((r) => [r.speaker, r.text, r.label, r.startS, r.endS]),
        f,
      ).toEqual(segs.map((s) => [s.speaker, s.text, s.label, s.start, s.end]));
      expect(b.issues.map((i) => i.message)).toEqual(["point tier 'bell' (1 point) left out: only interval tiers hold utterances"]);
    }
  });
});
