// The app's import through the API on a real SQLite file: the file browser never shows or opens
// anything outside its roots (.., absolute paths, symlinks to files and folders outside), the preview
// feeds the mapping dialog (first rows, label set), jobs.import stores a generic CSV with a mapping and
// carries on past a bad file, and the desktop mode only takes paths picked in its dialog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { createApi, type AppApi } from '../../src/main/core/api';
import type { JobEvent, JobInfo } from '../../src/shared/api';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-api-import-');
const root = path.join(t.dir, 'root');
const outside = path.join(t.dir, 'outside');
let db: Db;
let api: AppApi;

async function ok(method: string, input: unknown): Promise<any> {
  const r = await api.call(method, input);
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return (r as { value: unknown }).value;
}
async function refused(method: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await api.call(method, input);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  return (r as { error: { code: string; message: string } }).error;
}
function finished(jobId: number): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = api.onJob((e: JobEvent) => {
      if (e.type === 'finished' && e.job.id === jobId) {
        off();
        resolve(e.job);
      }
    });
  });
}

beforeAll(() => {
  fs.mkdirSync(path.join(root, 'corpus', 'sub'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'text,label\nsecret words,joy\n');
  fs.writeFileSync(
    path.join(root, 'corpus', 'lines.csv'),
    'Sentence;Feeling;Who\nI am glad;joy;A\nso sad today;sadness;B\nwhat now;neutral;A\nyay;joy;B\n',
  );
  fs.writeFileSync(path.join(root, 'corpus', 'broken.csv'), '');
  fs.writeFileSync(path.join(root, 'corpus', 'notes.txt'), 'x');
  fs.writeFileSync(path.join(root, '.hidden'), 'x');
  fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'corpus', 'link-out.csv'));
  fs.symlinkSync(outside, path.join(root, 'corpus', 'dir-out'));
  fs.symlinkSync(path.join(root, 'corpus', 'lines.csv'), path.join(root, 'corpus', 'sub', 'link-in.csv'));
  db = openDb(path.join(t.dir, 'app.db'));
  api = createApi({
    db,
    dbPath: path.join(t.dir, 'app.db'),
    dataDir: path.join(t.dir, 'data'),
    mode: 'browser',
    urls: { media: () => '', thumbnail: () => '' },
    browseRoots: [fs.realpathSync(root)],
  });
});
afterAll(async () => {
  await api.close();
  db.close();
  t.cleanup();
});

describe('file browser (browser mode)', () => {
  it('lists the roots, then a folder with kinds, folders first, no hidden files, no links that lead outside', async () => {
    const top = await ok('files.list', {});
    expect(top).toEqual({
      path: null,
      parent: null,
      entries: [{ name: fs.realpathSync(root), path: fs.realpathSync(root), dir: true, size: null, kind: 'folder' }],
    });
    const r = await ok('files.list', { path: path.join(fs.realpathSync(root), 'corpus') });
    expect(r.entries.map((e: { name: string }) => e.name)).toEqual(['sub', 'broken.csv', 'lines.csv', 'notes.txt']);
    expect(r.entries.find((e: { name: string }) => e.name === 'lines.csv')).toMatchObject({
      dir: false,
      kind: 'csv',
      size: expect.any(Number),
    });
    expect(r.parent).toBe(fs.realpathSync(root));
    // at a root there is no way up
    expect((await ok('files.list', { path: fs.realpathSync(root) })).parent).toBeNull();
    // a link to a file inside the root is fine
    expect((await ok('files.list', { path: path.join(root, 'corpus', 'sub') })).entries.map((e: { name: string }) => e.name)).toEqual([
      'link-in.csv',
    ]);
  });

  it.each([
    ['the parent of a root', () => path.join(root, '..')],
    ['.. segments', () => path.join(root, 'corpus', '..', '..', 'outside')],
    ['an absolute path elsewhere', () => outside],
    ['the file system root', () => '/'],
    ['a symlinked folder that leads outside', () => path.join(root, 'corpus', 'dir-out')],
    ['a path through a symlinked folder', () => path.join(root, 'corpus', 'dir-out', 'secret.csv')],
    ['a symlinked file that leads outside', () => path.join(root, 'corpus', 'link-out.csv')],
    ['a missing path outside (no hint that it is missing)', () => path.join(outside, 'nope')],
  ])('refuses %s for listing, preview and import', async (_name, p) => {
    const target = p();
    for (const [m, input] of [
      ['files.list', { path: target }],
      ['import.preview', { path: target }],
      ['jobs.import', { paths: [target], extract: false }],
    ] as const) {
      const e = await refused(m, input);
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(/outside the folders this server may read \(serve --root\)/);
      expect(e.message).not.toMatch(/words|ENOENT|no such/);
    }
  });

  it('refuses relative paths', async () => {
    expect((await refused('files.list', { path: 'root/corpus' })).message).toMatch(/not an absolute path/);
  });

  it('files.pick is the desktop dialog, not offered in browser mode', async () => {
    expect((await refused('files.pick', { kind: 'folder' })).code).toBe('unavailable');
  });
});

describe('preview and import', () => {
  it("previews a generic CSV: header, first rows, a guessed mapping and each column's values", async () => {
    const p = await ok('import.preview', { path: path.join(root, 'corpus', 'lines.csv') });
    expect(p.kind).toBe('csv');
    expect(p.header).toEqual(['Sentence', 'Feeling', 'Who']);
    expect(p.rows[0]).toEqual(['I am glad', 'joy', 'A']);
    expect(p.totalRows).toBe(4);
    expect(p.suggested).toEqual({ text: 'Sentence', speaker: 'Who' });
    expect(p.values.find((v: { column: string }) => v.column === 'Feeling')).toEqual({
      column: 'Feeling',
      distinct: ['joy', 'neutral', 'sadness'],
      more: false,
    });
    expect(p.needsMapping).toBe(fs.realpathSync(path.join(root, 'corpus', 'lines.csv')));
  });

  it('previews a folder: its CSVs and the first one that needs a mapping', async () => {
    const p = await ok('import.preview', { path: path.join(root, 'corpus') });
    expect(p.kind).toBe('folder');
    expect(p.csvs.map((c: { path: string }) => path.basename(c.path))).toEqual(['broken.csv', 'lines.csv']);
    expect(p.csvs[0].error).toMatch(/empty file/);
    expect(p.needsMapping).toMatch(/lines\.csv$/);
    expect(p.header).toEqual(['Sentence', 'Feeling', 'Who']);
  });

  it('a bad column mapping is refused before any job starts', async () => {
    const e = await refused('jobs.import', { paths: [path.join(root, 'corpus', 'lines.csv')], columns: 'txt=Sentence', extract: false });
    expect(e.message).toMatch(/^the column mapping: unknown key 'txt'/);
    expect((await ok('jobs.list', {})).length).toBe(0);
  });

  it('imports a generic CSV with the mapping as a job; a bad file beside it is named and the job carries on', async () => {
    const job = await ok('jobs.import', {
      paths: [path.join(root, 'corpus', 'broken.csv'), path.join(root, 'corpus', 'lines.csv')],
      columns: 'text=Sentence,label=Feeling,speaker=Who',
      extract: false,
    });
    expect(job).toMatchObject({ kind: 'import', status: 'running' });
    const done = await finished(job.id);
    expect(done.status, done.error ?? '').toBe('done');
    const r = done.result as { summaries: { added: number; kind: string }[]; warnings: string[]; failedFiles: number };
    expect(r.summaries).toEqual([expect.objectContaining({ kind: 'generic-csv', added: 4 })]);
    expect(r.failedFiles).toBe(1);
    expect(r.warnings[0]).toMatch(/broken\.csv: /);
    const rows = db.prepare('SELECT text, label, speaker FROM utterance ORDER BY id').all();
    expect(rows).toEqual([
      { text: 'I am glad', label: 'joy', speaker: 'A' },
      { text: 'so sad today', label: 'sadness', speaker: 'B' },
      { text: 'what now', label: 'neutral', speaker: 'A' },
      { text: 'yay', label: 'joy', speaker: 'B' },
    ]);
    // the same import again adds nothing and does not start an extraction
    const again = await finished(
      (await ok('jobs.import', { paths: [path.join(root, 'corpus', 'lines.csv')], columns: 'text=Sentence,label=Feeling,speaker=Who' })).id,
    );
    expect(again.result).toMatchObject({
      summaries: [expect.objectContaining({ added: 0, unchanged: 4 })],
      extractJob: null,
      extractNote: 'nothing new to extract',
    });
  });

  it('importing a folder never stores what a link inside it leads to outside the roots', async () => {
    const dir = path.join(root, 'linked');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'text,label,file\ninside row,joy,\noutside clip,joy,../../outside/clip.wav\n');
    fs.writeFileSync(path.join(outside, 'clip.wav'), 'RIFF');
    fs.writeFileSync(path.join(outside, 'secret2.csv'), 'text,label,file\nsecret words,joy,\n');
    fs.symlinkSync(path.join(outside, 'secret2.csv'), path.join(dir, 'zz-out.csv'));
    const done = await finished((await ok('jobs.import', { paths: [dir], columns: 'text=text,label=label,file=file', extract: false })).id);
    expect(done.status, done.error ?? '').toBe('done');
    const r = done.result as { warnings: string[] };
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/zz-out\.csv: not imported: it lies outside the folders this server may read/),
        expect.stringMatching(/ok\.csv row 3: its media file is outside the folders this server may read; imported without it/),
      ]),
    );
    expect(db.prepare("SELECT COUNT(*) n FROM utterance WHERE text = 'secret words'").get()).toEqual({ n: 0 });
    expect(
      db.prepare("SELECT m.path FROM utterance u LEFT JOIN media m ON m.utterance_id = u.id WHERE u.text = 'outside clip'").get(),
    ).toEqual({ path: null });
    expect(db.prepare("SELECT COUNT(*) n FROM utterance WHERE text = 'inside row'").get()).toEqual({ n: 1 });
  });

  it('a job where every path fails is a failed job naming the file', async () => {
    const done = await finished((await ok('jobs.import', { paths: [path.join(root, 'corpus', 'notes.txt')], extract: false })).id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/notes\.txt: unsupported file type/);
  });
});

describe('desktop mode', () => {
  it('takes only what the user picked in the native dialog (and what lies below it)', async () => {
    const t2 = tmpDir('es-api-desk-');
    const d2 = openDb(path.join(t2.dir, 'd.db'));
    let picks: string[] = [];
    const desk = createApi({
      db: d2,
      dbPath: path.join(t2.dir, 'd.db'),
      dataDir: path.join(t2.dir, 'data'),
      mode: 'electron',
      urls: { media: () => '', thumbnail: () => '' },
      desktop: { pickPaths: async () => picks, savePath: async () => null, reveal: () => undefined },
    });
    try {
      const lines = path.join(root, 'corpus', 'lines.csv');
      let r = await desk.call('import.preview', { path: lines });
      expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Open dialog/) } });
      expect((await desk.call('files.list', {})) as unknown).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      picks = [path.join(root, 'corpus')];
      expect(await desk.call('files.pick', { kind: 'folder' })).toEqual({ ok: true, value: { paths: picks } });
      r = await desk.call('import.preview', { path: lines });
      expect(r).toMatchObject({ ok: true, value: { kind: 'csv' } });
      expect(await desk.call('import.preview', { path: path.join(outside, 'secret.csv') })).toMatchObject({ ok: false });
      // a cancelled dialog grants nothing
      picks = [];
      expect(await desk.call('files.pick', { kind: 'files' })).toEqual({ ok: true, value: { paths: [] } });
      expect(await desk.call('reports.save', { format: 'csv' })).toMatchObject({ ok: true, value: { path: null } });
    } finally {
      await desk.close();
      d2.close();
      t2.cleanup();
    }
  });
});
