// Fuzzing each importer with seeded mutations of a valid file (truncation, NULs, wrong encodings,
// huge fields, missing columns, stray quotes, ...). Whatever the bytes: no crash (only an
// ImportError that names the file), every row-level issue names the file, what is accepted is
// stored whole, a refused file leaves no corpus behind, and the database stays intact.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { planImport, type PlanOptions } from '../../src/main/core/corpus/import-plan';
import { ImportError } from '../../src/main/core/corpus/types';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { mutants, type Mutant } from './mutate';
import { SEGMENTS, srtOf, textGridLong, vttOf } from '../helpers/transcripts';

const ROOT = path.resolve(__dirname, '../..');
const SEED = Number(process.env.FUZZ_SEED ?? 7);
// every mutation once plus a few stacked pairs by default (CI); FUZZ_CASES=500 for a longer hunt
const CASES = Number(process.env.FUZZ_CASES ?? 36);

const EAF_SEED = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
    <MEDIA_DESCRIPTOR MEDIA_URL="file:///tmp/clip.wav" MIME_TYPE="audio/x-wav" RELATIVE_MEDIA_URL="./clip.wav"/>
  </HEADER>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
    <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1500"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="3200"/>
  </TIME_ORDER>
  <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Ann" TIER_ID="Ann">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>I love it</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Bob" TIER_ID="Bob">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>That is awful &amp; sad</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
`;

interface Importer {
  name: string;
  file: string; // file name the mutant is written under
  seed: Buffer;
  opts: PlanOptions;
  available: boolean;
}

const IMPORTERS: Importer[] = [
  {
    name: 'MELD CSV',
    file: 'train_sent_emo.csv',
    seed: fs.readFileSync(path.join(ROOT, 'resources/demo/train_sent_emo.csv')),
    opts: {},
    available: true,
  },
  {
    name: 'generic CSV',
    file: 'ratings.csv',
    seed: fs.readFileSync(path.join(ROOT, 'test/fixtures/corpus/generic/ratings.csv')),
    opts: { columns: 'text=Transcript,label=Polarity,file=clip,speaker=Who,dialogue=Conversation,start=Begin,end=End,split=Fold' },
    available: true,
  },
  // ELAN import lands in src/main/core/corpus/eaf.ts; until then planImport refuses .eaf files
  {
    name: 'ELAN EAF',
    file: 'session.eaf',
    seed: Buffer.from(EAF_SEED),
    opts: {},
    available: fs.existsSync(path.join(ROOT, 'src/main/core/corpus/eaf.ts')),
  },
  {
    name: 'Praat TextGrid',
    file: 'talk.TextGrid',
    seed: Buffer.from(textGridLong(SEGMENTS, { labels: true, pointTier: true })),
    opts: {},
    available: true,
  },
  { name: 'SRT', file: 'talk.srt', seed: Buffer.from(srtOf(SEGMENTS)), opts: {}, available: true },
  { name: 'WebVTT', file: 'talk.vtt', seed: Buffer.from(vttOf(SEGMENTS)), opts: {}, available: true },
];

type Outcome = { kind: 'refused'; message: string } | { kind: 'imported'; records: number; corpusRoot: string };

/** One mutant through the real importer and the real store. */
function importOne(db: Database.Database, imp: Importer, dir: string, m: Mutant): Outcome {
  const file = path.join(dir, imp.file);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, m.bytes);
  let batches;
  try {
    batches = planImport([file], imp.opts);
  } catch (e) {
    if (!(e instanceof ImportError)) throw new Error(`${imp.name} ${m.name}: crashed with ${(e as Error)?.stack ?? e}`);
    expect(e.file, `${m.name}: the error names the file`).toBe(file);
    expect(e.reason.trim().length, m.name).toBeGreaterThan(3);
    return { kind: 'refused', message: e.message };
  }
  expect(batches.length, m.name).toBe(1);
  const b = batches[0];
  for (const i of b.issues) {
    expect(i.file, `${m.name}: issue names the file`).toBe(file);
    expect(i.message.trim().length, m.name).toBeGreaterThan(3);
  }
  for (const r of b.records) {
    expect(typeof r.key, m.name).toBe('string');
    expect(r.key.length, m.name).toBeGreaterThan(0);
  }
  saveImport(db, b); // must not throw on anything the importer accepted
  return { kind: 'imported', records: b.records.length, corpusRoot: b.corpusRoot };
}

describe.each(IMPORTERS)('fuzz: $name importer', (imp) => {
  const t = tmpDir('es-fuzz-');
  afterAll(() => t.cleanup());

  it.skipIf(!imp.available)('the unmutated seed file imports', () => {
    const db = openDb(path.join(t.dir, 'seed.db'));
    try {
      const o = importOne(db, imp, path.join(t.dir, 'seed'), { name: 'seed', bytes: imp.seed });
      expect(o).toMatchObject({ kind: 'imported' });
      expect((o as { records: number }).records).toBeGreaterThan(1);
    } finally {
      db.close();
    }
  });

  it.skipIf(!imp.available)(
    `${CASES} mutants (seed ${SEED}): an ImportError naming the file or a whole import, never a crash`,
    () => {
      const dbFile = path.join(t.dir, 'fuzz.db');
      const db = openDb(dbFile);
      const outcomes: { m: Mutant; o: Outcome; dir: string }[] = [];
      try {
        mutants(imp.seed, SEED, CASES).forEach((m, i) => {
          const dir = path.join(t.dir, `case${i}`);
          outcomes.push({ m, o: importOne(db, imp, dir, m), dir });
          fs.rmSync(path.join(dir, imp.file)); // keep the disk small; the db keeps what was imported
        });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        // an accepted file is stored whole; a refused one left no corpus
        const perRoot = new Map(
          (
            db.prepare('SELECT c.root, COUNT(u.id) n FROM corpus c LEFT JOIN utterance u ON u.corpus_id = c.id GROUP BY c.id').all() as {
              root: string;
              n: number;
            }[]
          ).map((r) => [r.root, r.n]),
        );
        for (const { m, o, dir } of outcomes) {
          if (o.kind === 'imported') {
            expect(perRoot.has(o.corpusRoot), m.name).toBe(true);
            expect(perRoot.get(o.corpusRoot)! > 0 || o.records === 0, m.name).toBe(true);
          } else {
            expect(
              [...perRoot.keys()].some((r) => r === dir || r.startsWith(dir + path.sep)),
              `${m.name}: refused but a corpus is stored`,
            ).toBe(false);
          }
        }
        // both outcomes occur: the mutations do reach the error paths
        expect(outcomes.some((x) => x.o.kind === 'refused')).toBe(true);
        expect(outcomes.some((x) => x.o.kind === 'imported')).toBe(true);
      } finally {
        db.close();
      }
    },
    300_000,
  );

  it.skipIf(!imp.available)(
    'through the CLI: exit 0 or a one-line error naming the file, no stack, no partial corpus',
    () => {
      // one CLI run per kind of damage a user meets most (each run is a Node start-up)
      const picks = mutants(imp.seed, SEED + 1, 27).filter((m) =>
        /truncate |utf16be|hugeField|unclosedQuote|randomBytes|dropColumn/.test(m.name + ' '),
      );
      expect(picks.length).toBeGreaterThanOrEqual(5);
      for (const m of picks) {
        const dir = path.join(t.dir, 'cli', m.name.replace(/\W+/g, '_'));
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, imp.file);
        fs.writeFileSync(file, m.bytes);
        const db = path.join(dir, 'x.db');
        const r = runCli(['import', file, '--db', db, ...(imp.opts.columns ? ['--columns', imp.opts.columns] : [])]);
        expect([0, 1], `${m.name}: ${r.stderr}`).toContain(r.code);
        expect(r.stderr, m.name).not.toMatch(/\n\s+at /);
        const d = new Database(db, { readonly: true });
        try {
          expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
          if (r.code === 1) {
            expect(r.stderr, m.name).toContain(file);
            expect(d.prepare('SELECT COUNT(*) n FROM corpus').get(), m.name).toEqual({ n: 0 });
            expect(d.prepare('SELECT COUNT(*) n FROM utterance').get(), m.name).toEqual({ n: 0 });
          }
        } finally {
          d.close();
        }
      }
    },
    300_000,
  );
});

describe('import is one transaction', () => {
  it('a failure in the middle of saving leaves no corpus, utterance or label behind', () => {
    const t = tmpDir('es-fuzz-tx-');
    try {
      const db = path.join(t.dir, 'x.db');
      openDb(db).close();
      const d = new Database(db);
      // a real SQLite failure on the 6th utterance (as a full disk or a constraint would raise)
      d.exec(
        "CREATE TRIGGER boom BEFORE INSERT ON utterance WHEN (SELECT COUNT(*) FROM utterance) >= 5 BEGIN SELECT RAISE(ABORT, 'simulated failure while saving'); END;",
      );
      d.close();
      const r = runCli(['import', path.join(ROOT, 'resources/demo'), '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/simulated failure while saving/);
      const after = new Database(db, { readonly: true });
      expect(
        after
          .prepare(
            'SELECT (SELECT COUNT(*) FROM corpus) c, (SELECT COUNT(*) FROM utterance) u, (SELECT COUNT(*) FROM label_history) l, (SELECT COUNT(*) FROM media) m',
          )
          .get(),
      ).toEqual({ c: 0, u: 0, l: 0, m: 0 });
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
      after.close();
    } finally {
      t.cleanup();
    }
  });
});
