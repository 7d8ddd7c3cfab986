// jobs.import with an annotator (issue 13) through the API on a real SQLite file: each annotator's copy
// of a corpus (a generic CSV, an ELAN file) adds that annotator's labels to the same utterances instead
// of gold labels or new utterances; the app's settings remember the last import's annotator for the
// Import view (import.preview), a gold import forgets it, and a blank name is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openTestApi, type TestApi } from '../helpers/app-api';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-import-ann-');
const root = path.join(t.dir, 'root');
const copies = path.join(root, 'copies');
const COLUMNS = 'id=id,text=text,label=emotion';
let app: TestApi;
const call = (method: string, input: unknown) => app.call(method, input);
const importJob = (input: Record<string, unknown>) => app.runJob('jobs.import', { extract: false, ...input });

/** annotator -> label of every utterance, by text */
function annotatorLabels(): Record<string, Record<string, string>> {
  const rows = app.db
    .prepare(
      'SELECT u.text, a.annotator, a.label FROM annotator_label a JOIN utterance u ON u.id = a.utterance_id ORDER BY u.id, a.annotator',
    )
    .all() as { text: string; annotator: string; label: string }[];
  const out: Record<string, Record<string, string>> = {};
  for (const r of rows) (out[r.text] ??= {})[r.annotator] = r.label;
  return out;
}

const settings = () => JSON.parse(fs.readFileSync(path.join(app.dataDir, 'ui-settings.json'), 'utf8'));

/** An ELAN file: one speaker tier and an 'emotion' label tier over the same spans. */
function eaf(labels: string[]): string {
  const spans = labels.map((_, i) => [i * 2000 + 100, i * 2000 + 1500]);
  const slots = spans.flatMap(([a, b], i) => [
    `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 1}" TIME_VALUE="${a}"/>`,
    `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 2}" TIME_VALUE="${b}"/>`,
  ]);
  const tier = (id: string, values: string[]) =>
    `<TIER LINGUISTIC_TYPE_REF="utterance" TIER_ID="${id}">${values
      .map(
        (v, i) =>
          `<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="${id}${i}" TIME_SLOT_REF1="ts${2 * i + 1}" TIME_SLOT_REF2="ts${2 * i + 2}"><ANNOTATION_VALUE>${v}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`,
      )
      .join('')}</TIER>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
<TIME_ORDER>${slots.join('')}</TIME_ORDER>
${tier(
  'Ann',
  labels.map((_, i) => `session line ${i}`),
)}
${tier('emotion', labels)}
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="utterance" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
`;
}

beforeAll(() => {
  fs.mkdirSync(copies, { recursive: true });
  fs.writeFileSync(path.join(copies, 'alice.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,anger\n3,fine,neutral\n');
  fs.writeFileSync(path.join(copies, 'bob.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,sadness\n3,fine,neutral\n');
  fs.mkdirSync(path.join(root, 'elan'));
  fs.writeFileSync(path.join(root, 'elan', 'session.eaf'), eaf(['joy', 'fear']));
  fs.mkdirSync(path.join(root, 'plain'));
  fs.writeFileSync(
    path.join(root, 'plain', 'talk.srt'),
    '1\n00:00:01,000 --> 00:00:02,000\nfirst line\n\n2\n00:00:03,000 --> 00:00:04,000\nsecond line\n',
  );
  fs.mkdirSync(path.join(root, 'gold'));
  fs.writeFileSync(path.join(root, 'gold', 'gold.csv'), 'id,text,emotion\n1,gold one,surprise\n');
  app = openTestApi(t.dir, [fs.realpathSync(root)]);
});
afterAll(async () => {
  await app?.close();
  t.cleanup();
});

describe('jobs.import with an annotator', () => {
  it("each annotator's CSV copy becomes their labels on the same three utterances; the last name is remembered", async () => {
    expect((await call('import.preview', { path: path.join(copies, 'alice.csv') })).annotator).toBeNull();
    const a = await importJob({ paths: [path.join(copies, 'alice.csv')], columns: COLUMNS, annotator: '  alice ' });
    expect(a.status, a.error ?? '').toBe('done');
    // the stored job names whose labels these were
    expect(JSON.parse(app.db.prepare('SELECT params FROM job WHERE id = ?').pluck().get(a.id) as string)).toMatchObject({
      annotator: 'alice',
    });
    expect(settings().importAnnotator).toBe('alice');
    expect((await call('import.preview', { path: path.join(copies, 'bob.csv') })).annotator).toBe('alice');

    const b = await importJob({ paths: [path.join(copies, 'bob.csv')], columns: COLUMNS, annotator: 'bob' });
    expect(b.status, b.error ?? '').toBe('done');
    expect((b.result as any).summaries[0]).toMatchObject({ added: 0 });
    expect((await call('import.preview', { path: path.join(copies, 'bob.csv') })).annotator).toBe('bob');

    expect(annotatorLabels()).toEqual({
      hello: { alice: 'joy', bob: 'joy' },
      ugh: { alice: 'anger', bob: 'sadness' },
      fine: { alice: 'neutral', bob: 'neutral' },
    });
    // every label change of these imports is an annotator's: none came in as a nameless gold label
    const nameless = app.db.prepare('SELECT COUNT(*) FROM label_history WHERE annotator IS NULL AND new_label IS NOT NULL').pluck().get();
    expect(nameless).toBe(0);
    const agreement = await call('agreement.compute', {});
    expect(agreement.annotators).toEqual(['alice', 'bob']);
    expect(agreement.pairwise).toMatchObject([{ a: 'alice', b: 'bob', n: 3 }]);
    expect(agreement.pairwise[0].percent_agreement).toBeCloseTo(200 / 3, 4);
  });

  it("an ELAN file's label tier becomes the named annotator's labels", async () => {
    const j = await importJob({ paths: [path.join(root, 'elan', 'session.eaf')], annotator: 'carol' });
    expect(j.status, j.error ?? '').toBe('done');
    expect((j.result as any).summaries[0]).toMatchObject({ kind: 'elan-eaf', added: 2 });
    const labels = annotatorLabels();
    expect(labels['session line 0']).toEqual({ carol: 'joy' });
    expect(labels['session line 1']).toEqual({ carol: 'fear' });
  });

  it('a transcript without labels (the Import view shows no Annotator field for it) keeps the remembered name', async () => {
    expect(settings().importAnnotator).toBe('carol');
    const j = await importJob({ paths: [path.join(root, 'plain', 'talk.srt')] });
    expect(j.status, j.error ?? '').toBe('done');
    expect((j.result as any).summaries[0]).toMatchObject({ added: 2 });
    expect(settings().importAnnotator).toBe('carol');
  });

  it('an import without an annotator stores gold labels and forgets the remembered name', async () => {
    const j = await importJob({ paths: [path.join(root, 'gold', 'gold.csv')], columns: COLUMNS });
    expect(j.status, j.error ?? '').toBe('done');
    expect(app.db.prepare("SELECT label FROM utterance WHERE text = 'gold one'").pluck().get()).toBe('surprise');
    expect(annotatorLabels()['gold one']).toBeUndefined();
    expect(settings().importAnnotator).toBeUndefined();
    expect((await call('import.preview', { path: path.join(copies, 'alice.csv') })).annotator).toBeNull();
  });

  it('a blank annotator name is refused before any job starts', async () => {
    const before = (await call('jobs.list', {})).length;
    const r = await app.api.call('jobs.import', { paths: [path.join(copies, 'alice.csv')], columns: COLUMNS, annotator: '   ' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/annotator/) } });
    expect((await call('jobs.list', {})).length).toBe(before);
  });
});
