// `serve --root` over HTTP with the built CLI, on a database that does not exist yet: the file
// browser stays inside the root (.., absolute paths, symlinks), jobs.import brings a generic CSV in,
// and a folder export (ELAN) downloads as a zip of its files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { postApi, startServe, type Served } from '../helpers/serve';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

function get(base: string, p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: u.hostname, port: u.port, path: p, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('serve --root: file browser, import and zip downloads', () => {
  const t = tmpDir('es-serve-import-');
  const root = path.join(t.dir, 'root');
  const outside = path.join(t.dir, 'outside');
  const db = path.join(t.dir, 'new.db');
  let served: Served;
  let base = '';
  let token = '';
  const call = (method: string, input?: unknown): Promise<any> => postApi(base, token, method, input);

  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'talks'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'private.csv'), 'text,label\nprivate,joy\n');
    fs.symlinkSync(outside, path.join(root, 'talks', 'elsewhere'));
    fs.writeFileSync(
      path.join(root, 'talks', 'talks.csv'),
      ['utterance,emotion,conv,start,end', 'hello there,joy,c1,0,1.5', 'go away,anger,c1,1.5,3', 'fine,neutral,c2,0,2'].join('\n') + '\n',
    );
    expect(fs.existsSync(db)).toBe(false);
    served = await startServe(['--db', db, '--data-dir', path.join(t.dir, 'data'), '--root', root]);
    const u = new URL(served.url);
    base = `${u.protocol}//${u.host}`;
    token = u.searchParams.get('token')!;
  });
  afterAll(async () => {
    await served?.stop();
    t.cleanup();
  });

  it('creates the database and browses only inside the root', async () => {
    expect(fs.existsSync(db)).toBe(true);
    const top = await call('files.list');
    expect(top).toMatchObject({ ok: true, value: { path: null, entries: [{ path: fs.realpathSync(root), dir: true }] } });
    const talks = await call('files.list', { path: path.join(root, 'talks') });
    expect(talks.value.entries.map((e: { name: string }) => e.name)).toEqual(['talks.csv']); // the link outside is not shown
    for (const p of [
      outside,
      path.join(root, '..'),
      path.join(root, 'talks', 'elsewhere'),
      path.join(root, 'talks', 'elsewhere', 'private.csv'),
      '/etc',
    ]) {
      for (const m of ['files.list', 'import.preview']) {
        const r = await call(m, { path: p });
        expect(r, `${m} ${p}`).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', message: expect.stringMatching(/outside the folders this server may read \(serve --root\)$/) },
        });
      }
    }
  });

  it('imports a generic CSV with a mapping and offers the ELAN export as a zip', async () => {
    const preview = await call('import.preview', { path: path.join(root, 'talks', 'talks.csv') });
    expect(preview.value).toMatchObject({
      kind: 'csv',
      suggested: { text: 'utterance', label: 'emotion', dialogue: 'conv', start: 'start', end: 'end' },
    });
    const job = await call('jobs.import', {
      paths: [path.join(root, 'talks', 'talks.csv')],
      columns: 'text=utterance,label=emotion,dialogue=conv,start=start,end=end',
      extract: false,
    });
    expect(job).toMatchObject({ ok: true, value: { kind: 'import' } });
    let info: any;
    await expect
      .poll(
        async () => {
          info = (await call('jobs.list')).value.find((j: { id: number }) => j.id === job.value.id);
          return info.status;
        },
        { timeout: 30_000 },
      )
      .toBe('done');
    expect(info.result.summaries[0]).toMatchObject({ kind: 'generic-csv', added: 3 });

    const exp = await call('reports.export', { format: 'eaf' });
    expect(exp).toMatchObject({ ok: true, value: { url: expect.stringMatching(/^\/report\/report-[\w-]+-eaf\.zip\?token=/) } });
    const res = await get(base, exp.value.url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="report-[\w-]+-eaf\.zip"$/);
    const zip = path.join(t.dir, 'eaf.zip');
    fs.writeFileSync(zip, res.body);
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    const folder = path.basename(exp.value.path);
    const onDisk = fs.readdirSync(exp.value.path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(names.length).toBe(onDisk);
    expect(names.every((n) => n.startsWith(`${folder}/`) && n.endsWith('.eaf'))).toBe(true);
    const first = execFileSync('unzip', ['-p', zip, names[0]], { encoding: 'utf8' });
    expect(first).toBe(fs.readFileSync(path.join(t.dir, 'data', 'reports', names[0]), 'utf8'));
    // without the token: refused, as every other request
    expect((await get(base, exp.value.url.replace(/\?token=.*/, ''))).status).toBe(401);
  });

  it('doctor --json says whether the desktop app can start here (electron package, binary, better-sqlite3 ABI)', () => {
    const d = runCli(['doctor', '--db', db, '--json']).json();
    expect(d.electron).toMatchObject({
      package: '39.8.9',
      abi: 140,
      better_sqlite3: { abi: Number(process.versions.modules), for: 'node' },
    });
    expect(d.electron.notes.join('\n')).toMatch(/npx @electron\/rebuild -f -w better-sqlite3/);
    expect(d.electron.binary === null || fs.existsSync(d.electron.binary)).toBe(true);
    const human = runCli(['doctor', '--db', db]).stdout;
    expect(human).toMatch(/^electron: 39\.8\.9, binary (absent|present \(.+\)), better-sqlite3 built for node$/m);
  });

  it('--root must be a folder', async () => {
    await expect(startServe(['--db', db, '--root', path.join(t.dir, 'nope')], 20_000)).rejects.toThrow(/--root .*nope: not a folder/);
  });
});
