// Text extraction honours Cancel (issue 14 item 11): on a text-only corpus the extraction job is the
// text stage; a cancel during it stops after the batch in flight (batches before it kept), and a
// rerun encodes the rest.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runExtraction } from '../../src/main/core/jobs/extract';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-text-cancel-');
afterAll(() => t.cleanup());

describe('text stage: cancel', () => {
  it('stops at a batch boundary, keeps the batches done, and a rerun finishes', async () => {
    const db = openDb(path.join(t.dir, 'text.db'));
    try {
      const words = ['happy', 'sad', 'angry', 'calm', 'surprised', 'bored'];
      const records: ImportRecord[] = Array.from({ length: 1300 }, (_, i) => ({
        key: `train/dia${Math.floor(i / 10)}_utt${i % 10}`,
        split: 'train',
        dialogue: String(Math.floor(i / 10)),
        index: i % 10,
        speaker: 'A',
        text: `${words[i % 6]} words number ${i}`,
        label: i % 2 ? 'joy' : 'sadness',
        mediaPath: null,
        startS: null,
        endS: null,
        source: '/t/train.csv',
        row: i + 2,
      }));
      saveImport(db, {
        kind: 'meld-csv',
        corpusRoot: '/t',
        labelSet: ['joy', 'sadness'],
        records,
        issues: [],
        missingMedia: records.length,
      });
      const textRows = () => (db.prepare("SELECT COUNT(*) n FROM stage_status WHERE stage = 'text'").get() as { n: number }).n;

      const ac = new AbortController();
      const s = await runExtraction(db, {
        ffmpeg: '/nonexistent/ffmpeg',
        workers: 0,
        signal: ac.signal,
        onProgress: (e) => {
          if (e.job === 'extract text' && e.done >= 500) ac.abort(); // the app's Cancel, after the first batch
        },
      });
      expect(s.cancelled).toBe(true);
      expect(s.text.encoded).toBe(500);
      expect(textRows()).toBe(500);

      const again = await runExtraction(db, { ffmpeg: '/nonexistent/ffmpeg', workers: 0 });
      expect(again.cancelled).toBe(false);
      expect(again.text.encoded).toBe(800);
      expect(textRows()).toBe(1300);
    } finally {
      db.close();
    }
  });
});
