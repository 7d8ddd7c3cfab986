// `import --labels a,b,c` for transcripts (ELAN, Praat, subtitles): the label set is the one given, in its
// order (the Annotate keys follow it), also when the file has no label tier, as it already was for a
// mapped CSV; labels found in the data are kept after the given ones.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { tmpDir } from '../helpers/tmp';
import { SEGMENTS, eafOf, srtOf, textGridLong } from '../helpers/transcripts';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe('--labels for transcripts', () => {
  it('an .eaf, a .TextGrid and an .srt without labels take the given label set, stored for the corpus', () => {
    t = tmpDir('es-labels-');
    const files = { 'talk.eaf': eafOf(SEGMENTS, './talk.wav'), 'talk.TextGrid': textGridLong(SEGMENTS), 'talk.srt': srtOf(SEGMENTS) };
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(t.dir, name), body);
    const paths = Object.keys(files).map((f) => path.join(t!.dir, f));
    const given = ['neutral', 'joy', 'anger'];
    const batches = planImport(paths, { labels: given, labelTier: '' });
    expect(batches.map((b) => b.labelSet)).toEqual([given, given, given]);
    const db = openDb(path.join(t.dir, 'x.db'));
    try {
      saveImport(db, batches[0]);
      const row = db.prepare('SELECT label_set FROM corpus').get() as { label_set: string };
      expect(JSON.parse(row.label_set)).toEqual(given);
    } finally {
      db.close();
    }
  });

  it("the given labels come first; a label tier's other labels follow", () => {
    t = tmpDir('es-labels-');
    const file = path.join(t.dir, 'talk.TextGrid');
    fs.writeFileSync(file, textGridLong(SEGMENTS, { labels: true }));
    const fromData = planImport([file])[0].labelSet;
    expect(fromData.length).toBeGreaterThan(0);
    const [b] = planImport([file], { labels: ['surprise', 'joy'] });
    expect(b.labelSet).toEqual(['surprise', 'joy', ...fromData.filter((l) => l !== 'surprise' && l !== 'joy')]);
  });
});
