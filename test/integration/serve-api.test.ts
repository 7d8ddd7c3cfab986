// Browser mode's server (`emotion-studio serve`) against real demo databases built by the CLI: the
// token on every kind of request, 127.0.0.1 only, typed results, the API's reads and writes, jobs
// with progress over the WebSocket, cancel, and clips with Range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { runCli } from '../helpers/cli';
import { startServe, type Served } from '../helpers/serve';
import { tmpDir } from '../helpers/tmp';

const DEMO = path.resolve(__dirname, '../../resources/demo');

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: () => any;
}

/** A raw HTTP request (fetch would not let the test set Host or Origin). */
function request(
  base: string,
  pathAndQuery: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Res> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    // agent: false, a connection per request: a kept-alive socket that the server closes after its
    // idle timeout (while the test ran the CLI) would otherwise make a later request hang up
    const req = http.request(
      { host: u.hostname, port: u.port, path: pathAndQuery, method: o.method ?? 'GET', headers: o.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

function server(s: Served) {
  const u = new URL(s.url);
  const token = u.searchParams.get('token')!;
  const base = `${u.protocol}//${u.host}`;
  const call = async (method: string, input?: unknown) => {
    const r = await request(base, `/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: input === undefined ? '' : JSON.stringify(input),
    });
    expect(r.status).toBe(200);
    return r.json();
  };
  const ok = async (method: string, input?: unknown) => {
    const r = await call(method, input);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    return r.value;
  };
  return { base, token, port: Number(u.port), call, ok };
}

/** Connects to /events; resolves with the open socket or rejects with the refusal's status. */
function openEvents(base: string, query: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; events: any[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http:', 'ws:')}/events${query}`, { headers });
    const events: any[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    ws.on('open', () => resolve({ ws, events }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

async function until<T>(fn: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('serve on an analysed demo database', () => {
  const t = tmpDir('es-serve-');
  const db = path.join(t.dir, 'demo.db');
  const dataDir = path.join(t.dir, 'data');
  let served: Served;
  let s: ReturnType<typeof server>;

  beforeAll(async () => {
    // import, extract, and the quickest training (SVM without a fusion network): what serve reads
    for (const step of [['import', DEMO], ['extract'], ['train', '--fusion', 'none']]) {
      const r = runCli([...step, '--db', db, '--data-dir', dataDir, '--json']);
      expect(r.code, `${step[0]}: ${r.stderr}`).toBe(0);
    }
    served = await startServe(['--db', db, '--data-dir', dataDir]);
    s = server(served);
  });
  afterAll(async () => {
    await served?.stop();
    t.cleanup();
  });

  it('prints a 127.0.0.1 URL with a 32-byte token', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('refuses the page, assets, API, media, thumbnails and the WebSocket without the right token', async () => {
    const wrong = 'f'.repeat(64);
    const rows = (await s.ok('utterances.list', { split: 'train', limit: 1 })).rows;
    const id = rows[0].id;
    const shown = await s.ok('utterances.show', { id });
    const frame = shown.thumbnails[0].frame;
    const targets: { path: string; method?: string; body?: string }[] = [
      { path: '/' },
      { path: '/assets/main.js' },
      { path: '/api/corpus.summary', method: 'POST', body: '{}' },
      { path: `/media/${id}` },
      { path: `/thumb/${id}/${frame}` },
    ];
    for (const x of targets) {
      const none = await request(s.base, x.path, { method: x.method, body: x.body });
      expect(none.status, `${x.path} without token`).toBe(401);
      const bad = await request(s.base, `${x.path}?token=${wrong}`, { method: x.method, body: x.body });
      expect(bad.status, `${x.path} with a wrong token`).toBe(403);
      const badHeader = await request(s.base, x.path, { method: x.method, body: x.body, headers: { authorization: `Bearer ${wrong}` } });
      expect(badHeader.status, `${x.path} with a wrong bearer token`).toBe(403);
      const badCookie = await request(s.base, x.path, {
        method: x.method,
        body: x.body,
        headers: { cookie: `es_token_${s.port}=${wrong}` },
      });
      expect(badCookie.status, `${x.path} with a wrong cookie`).toBe(403);
      const good = await request(s.base, `${x.path}?token=${s.token}`, { method: x.method, body: x.body });
      expect(good.status, `${x.path} with the token`).toBeLessThan(300);
      // refused answers carry nothing of the resource
      expect(none.body.length).toBeLessThan(200);
    }
    await expect(openEvents(s.base, '')).rejects.toThrow('refused 401');
    await expect(openEvents(s.base, `?token=${wrong}`)).rejects.toThrow('refused 403');
    const { ws } = await openEvents(s.base, `?token=${s.token}`);
    ws.close();
  });

  it('the page sets an HttpOnly cookie with which its assets load; foreign Host or Origin is refused', async () => {
    const page = await request(s.base, `/?token=${s.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^es_token_${s.port}=${s.token}; Path=/; HttpOnly; SameSite=Strict`));
    const asset = await request(s.base, '/assets/main.js', { headers: { cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // strict CSP, no CORS
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-eval|https?:\/\/(?!127)|\*/);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const evilHost = await request(s.base, `/?token=${s.token}`, { headers: { host: `evil.example:${s.port}` } });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await request(s.base, `/api/corpus.summary?token=${s.token}`, {
      method: 'POST',
      body: '{}',
      headers: { origin: 'http://evil.example' },
    });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.headers['access-control-allow-origin']).toBeUndefined();
    await expect(openEvents(s.base, `?token=${s.token}`, { origin: 'http://evil.example' })).rejects.toThrow('refused 403');
    // path traversal out of the renderer folder finds nothing
    const trav = await request(s.base, `/..%2f..%2fpackage.json?token=${s.token}`);
    expect(trav.status).toBe(404);
  });

  it('listens on 127.0.0.1 only, and refuses any other --host', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const err = await new Promise<string>((resolve) => {
        const c = net.connect({ host: external.address, port: s.port }, () => {
          c.destroy();
          resolve('connected');
        });
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(err).toBe('ECONNREFUSED');
    } else {
      console.warn('no non-loopback IPv4 interface here: only the --host refusal is checked');
    }
    for (const host of ['0.0.0.0', 'localhost']) {
      const r = runCli(['serve', '--db', db, '--data-dir', dataDir, '--host', host]);
      expect(r.code, host).not.toBe(0);
      expect(r.stderr).toMatch(/127\.0\.0\.1 only/);
    }
  });

  it('answers invalid input, unknown methods and bad JSON with a typed invalid_input result', async () => {
    for (const [method, input] of [
      ['utterances.show', { id: 'x' }],
      ['utterances.show', { id: -1 }],
      ['utterances.list', { split: 'nope' }],
      ['utterances.relabel', { id: 1 }],
      ['jobs.train', { classifier: 'quantum' }],
      ['no.such', {}],
    ] as const) {
      const r = await s.call(method, input);
      expect(r.ok, method).toBe(false);
      expect(r.error.code, JSON.stringify(r)).toBe('invalid_input');
      expect(r.error.message.length).toBeGreaterThan(5);
    }
    const bad = await request(s.base, '/api/corpus.summary', {
      method: 'POST',
      body: '{not json',
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const get = await request(s.base, `/api/corpus.summary?token=${s.token}`);
    expect(get.status).toBe(405);
    expect(await s.call('utterances.show', { id: 999999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await s.call('evaluate.split', { split: 'dev', version: 99 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('reads: summary, list with every filter, show with media and thumbnail URLs, models, evaluation', async () => {
    const sum = await s.ok('corpus.summary');
    expect(sum).toMatchObject({ db, total: 34, latestModel: 1 });
    expect(sum.labels).toEqual(['anger', 'disgust', 'sadness', 'joy', 'neutral', 'surprise', 'fear']);
    const all = await s.ok('utterances.list', {});
    expect(all.total).toBe(34);
    expect(all.rows).toHaveLength(34);
    for (const r of all.rows) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'id',
          'key',
          'split',
          'dialogue',
          'speaker',
          'text',
          'label',
          'media',
          'status',
          'errors',
          'prediction',
          'confidence',
        ]),
      );
      expect(r.prediction).toMatch(/anger|disgust|sadness|joy|neutral|surprise|fear/);
      expect(r.confidence).toBeGreaterThan(1 / 7 - 1e-9);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    const count = async (f: object) => (await s.ok('utterances.list', f)).total as number;
    expect(await count({ split: 'dev' })).toBe(10);
    expect(await count({ split: 'train' })).toBe(24);
    expect(await count({ status: 'missing_media' })).toBe(1);
    expect(await count({ status: 'done', split: 'dev' })).toBe(9);
    expect(await count({ hasErrors: false })).toBe(34 - all.rows.filter((r: any) => r.errors > 0).length);
    const labelled = all.rows.filter((r: any) => r.label);
    const agree = await count({ agreement: 'agree' });
    const disagree = await count({ agreement: 'disagree' });
    expect(agree + disagree).toBe(labelled.length);
    expect(agree).toBe(labelled.filter((r: any) => r.label === r.prediction).length);
    const joyPred = all.rows.filter((r: any) => r.prediction === 'joy').length;
    expect(await count({ prediction: 'joy' })).toBe(joyPred);
    expect(await count({ label: 'anger' })).toBe(all.rows.filter((r: any) => r.label === 'anger').length);
    const meeting = await s.ok('utterances.list', { q: 'meeting' });
    expect(meeting.total).toBeGreaterThan(0);
    for (const r of meeting.rows) expect(`${r.text} ${r.speaker} ${r.key}`.toLowerCase()).toContain('meeting');
    expect(await count({ q: '100%_' })).toBe(0); // LIKE wildcards are literal
    const page2 = await s.ok('utterances.list', { offset: 30, limit: 10 });
    expect(page2).toMatchObject({ total: 34 });
    expect(page2.rows.map((r: any) => r.id)).toEqual(all.rows.slice(30).map((r: any) => r.id));
    expect((await s.ok('utterances.list', { offset: 100 })).total).toBe(34);

    const train = all.rows.find((r: any) => r.split === 'train');
    const d = await s.ok('utterances.show', { id: train.id });
    expect(d.mediaUrl).toBe(`/media/${train.id}?token=${s.token}`);
    expect(d.thumbnails).toHaveLength(10);
    expect(d.thumbnails.map((x: any) => x.frame)).toEqual([...d.video.selected_frames].sort((a: number, b: number) => a - b));
    const png = await request(s.base, d.thumbnails[0].url);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
    const missing = all.rows.find((r: any) => r.status === 'missing_media');
    expect((await s.ok('utterances.show', { id: missing.id })).mediaUrl).toBeNull();

    const models = await s.ok('models.list');
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ version: 1, fusion: 'none', classifier: 'linear', modalities: ['audio', 'text', 'video'] });
    expect(models[0].weighted_f1.dev).toBeGreaterThanOrEqual(0);
    const ev = await s.ok('evaluate.split', { split: 'dev' });
    expect(ev).toMatchObject({ split: 'dev', n: 10, model_version: 1 });
    expect(ev.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10);

    // the least confident prediction of the latest model, then the next one when it is excluded
    const byConf = [...all.rows].sort((a: any, b: any) => a.confidence - b.confidence || a.id - b.id);
    const n1 = await s.ok('annotate.nextUncertain', {});
    expect(n1).toEqual({ id: byConf[0].id, confidence: byConf[0].confidence });
    const n2 = await s.ok('annotate.nextUncertain', { exclude: [byConf[0].id] });
    expect(n2.id).toBe(byConf[1].id);
    const dev = byConf.filter((r: any) => r.split === 'dev');
    expect((await s.ok('annotate.nextUncertain', { split: 'dev' })).id).toBe(dev[0].id);
    expect(await s.ok('annotate.nextUncertain', { exclude: all.rows.map((r: any) => r.id) })).toEqual({ id: null, confidence: null });
  });

  it('app.info and settings.set: the theme persists in the data folder', async () => {
    const info = await s.ok('app.info');
    expect(info).toMatchObject({ mode: 'browser', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(info.ffmpeg?.path).toBeTruthy();
    expect(Array.isArray(info.reportFormats)).toBe(true);
    expect((await s.ok('settings.set', { theme: 'dark' })).theme).toBe('dark');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'ui-settings.json'), 'utf8')).theme).toBe('dark');
    expect((await s.ok('app.info')).theme).toBe('dark');
    expect(await s.call('settings.set', { theme: 'purple' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('relabel through the API appears in the label history (and in the CLI)', async () => {
    const dev = (await s.ok('utterances.list', { split: 'dev', status: 'done' })).rows[0];
    const to = dev.label === 'joy' ? 'fear' : 'joy';
    const r = await s.ok('utterances.relabel', { id: dev.id, label: to });
    expect(r).toMatchObject({ old: dev.label, new: to });
    expect(r.history.at(-1)).toMatchObject({ old: dev.label, new: to, source: 'annotate' });
    expect(r.history.at(-1).who).toBeTruthy();
    const undo = await s.ok('utterances.relabel', { id: dev.id, label: dev.label, source: 'undo' });
    expect(undo.history.map((h: any) => h.source).slice(-2)).toEqual(['annotate', 'undo']);
    await s.ok('utterances.relabel', { id: dev.id, label: to });
    const shown = runCli(['show', String(dev.id), '--db', db, '--json']).json();
    expect(shown.label).toBe(to);
    expect(shown.label_history.map((h: any) => h.new)).toEqual([dev.label, to, dev.label, to]);
    expect(await s.call('utterances.relabel', { id: dev.id, label: 'boredom' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/label set/) },
    });
    expect(await s.call('utterances.relabel', { id: 999999, label: 'joy' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('reports.export writes into the data folder; single-file reports download with the token only', async () => {
    const formats = (await s.ok('app.info')).reportFormats;
    expect(formats).toEqual(expect.arrayContaining(['html', 'csv', 'json', 'eaf', 'textgrid', 'meld']));
    const csv = await s.ok('reports.export', { format: 'csv', split: 'dev' });
    expect(path.dirname(csv.path)).toBe(path.join(dataDir, 'reports'));
    expect(fs.statSync(csv.path).size).toBe(csv.bytes);
    expect(csv.url).toMatch(/^\/report\/report-[\w.-]+\.csv\?token=/);
    const dl = await request(s.base, csv.url);
    expect(dl.status).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment/);
    expect(dl.body.equals(fs.readFileSync(csv.path))).toBe(true);
    expect(dl.body.toString().split('\n').filter(Boolean).length).toBeGreaterThan(10); // header + 10 dev rows
    expect((await request(s.base, csv.url.replace(/\?token=.*/, ''))).status).toBe(401);
    expect((await request(s.base, `/report/other.csv?token=${s.token}`)).status).toBe(404); // only what this server wrote
    const again = await s.ok('reports.export', { format: 'csv', split: 'dev' });
    expect(again.path).not.toBe(csv.path); // never overwrites an earlier export
    const eaf = await s.ok('reports.export', { format: 'eaf' });
    // a folder of files: offered as a zip (serve-import.test.ts opens it)
    expect(eaf.url).toMatch(/^\/report\/report-[\w-]+-eaf\.zip\?token=/);
    expect(fs.statSync(eaf.path).isDirectory()).toBe(true);
    expect(fs.readdirSync(eaf.path).some((f) => f.endsWith('.eaf'))).toBe(true);
    expect(await s.call('reports.export', { format: 'csv', version: 42 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await s.call('reports.export', { format: 'docx' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('a train job over the API reports progress over the WebSocket and makes a new model version', async () => {
    const { ws, events } = await openEvents(s.base, `?token=${s.token}`);
    try {
      const job = await s.ok('jobs.train', { fusion: 'concat', classifier: 'linear' });
      expect(job).toMatchObject({ kind: 'train', status: 'running' });
      const fin = await until(() => events.find((e) => e.type === 'finished' && e.job.id === job.id), 120_000, 'the finished event');
      expect(fin.job.status, fin.job.error).toBe('done');
      expect(fin.job.result.version).toBe(2);
      expect(fin.job.result.metrics.dev).toMatchObject({ split: 'dev', n: 10 });
      const progress = events.filter((e) => e.type === 'progress' && e.job.id === job.id);
      expect(progress.length).toBeGreaterThan(1);
      for (const p of progress) {
        expect(p.job.status).toBe('running');
        expect(p.job.progress).toMatchObject({ total: 100 });
        expect(p.job.progress.job).toMatch(/^train /);
      }
      expect(progress.some((p) => typeof p.job.progress.eta_s === 'number')).toBe(true);
      const dones = progress.map((p) => p.job.progress.done);
      expect([...dones].sort((a, b) => a - b)).toEqual(dones); // never goes back
      expect((await s.ok('models.list')).map((m: any) => m.version)).toEqual([1, 2]);
      expect((await s.ok('corpus.summary')).latestModel).toBe(2);
      expect((await s.ok('jobs.list'))[0]).toMatchObject({ id: job.id, kind: 'train', status: 'done' });
      // the list now shows the new model's predictions
      expect((await s.ok('evaluate.split', { split: 'dev' })).model_version).toBe(2);
    } finally {
      ws.close();
    }
  });
});

describe('serve: extraction jobs, cancel, conflict, clips with Range, stop', () => {
  const t = tmpDir('es-serve-x-');
  const db = path.join(t.dir, 'imported.db');
  const dataDir = path.join(t.dir, 'data');
  const empty = path.join(t.dir, 'no-renderer');
  let served: Served;
  let s: ReturnType<typeof server>;

  beforeAll(async () => {
    const r = runCli(['import', DEMO, '--db', db, '--data-dir', dataDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    fs.mkdirSync(empty);
    // without --json: the URL with its token on the human line
    served = await startServe(['--db', db, '--data-dir', dataDir, '--workers', '1', '--renderer-dir', empty], 60_000, { json: false });
    s = server(served);
  });
  afterAll(async () => {
    await served?.stop();
    t.cleanup();
  });

  it('prints `Emotion Studio: URL` with the token; a request without it is refused', async () => {
    expect(served.stdout()).toMatch(/^Emotion Studio: http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}\n$/);
    expect((await request(s.base, '/api/corpus.summary', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('without a built renderer the page says so (and the API works)', async () => {
    const page = await request(s.base, `/?token=${s.token}`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toMatch(/renderer is not built/);
    expect((await s.ok('corpus.summary')).total).toBe(34);
  });

  it('an extraction job can be cancelled; a second one meanwhile is a conflict; training without features is unavailable', async () => {
    expect(await s.call('jobs.train', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const { ws, events } = await openEvents(s.base, `?token=${s.token}`);
    try {
      const job = await s.ok('jobs.extract', {});
      expect(job).toMatchObject({ kind: 'extract', status: 'running' });
      expect(await s.call('jobs.extract', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const first = await until(() => events.find((e) => e.type === 'progress' && e.job.id === job.id), 60_000, 'a progress event');
      expect(first.job.progress).toMatchObject({ job: 'extract media', total: 33 });
      expect(first.job.progress.done).toBeGreaterThan(0);
      const c = await s.ok('jobs.cancel', { jobId: job.id });
      expect(c.id).toBe(job.id);
      const fin = await until(() => events.find((e) => e.type === 'finished' && e.job.id === job.id), 60_000, 'the finished event');
      expect(fin.job.status).toBe('cancelled');
      expect(fin.job.error).toMatch(/run extraction again to resume/);
      // the clips done before the stop are stored, the rest left for the next run (and the text stage too)
      const r = new Database(db, { readonly: true });
      const mediaDone = (r.prepare("SELECT COUNT(*) n FROM stage_status WHERE stage = 'media'").get() as { n: number }).n;
      r.close();
      expect(mediaDone).toBeGreaterThan(0);
      expect(mediaDone).toBeLessThan(33);
      expect((await s.ok('utterances.list', { status: 'pending' })).total).toBe(34);
      expect(await s.call('jobs.cancel', { jobId: 9999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await s.ok('jobs.cancel', { jobId: job.id })).toMatchObject({ status: 'cancelled' }); // already over: unchanged
    } finally {
      ws.close();
    }
  });

  it('/media streams the clip with Range (206 and the right bytes), only for files under the corpus root', async () => {
    const row = (await s.ok('utterances.list', { split: 'train', limit: 1 })).rows[0];
    const bytes = fs.readFileSync(row.media);
    const url = `/media/${row.id}?token=${s.token}`;
    const full = await request(s.base, url);
    expect(full.status).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(full.body.equals(bytes)).toBe(true);
    const part = await request(s.base, url, { headers: { range: 'bytes=100-1099' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1099/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 1100))).toBe(true);
    const open = await request(s.base, url, { headers: { range: 'bytes=500-' } });
    expect(open.status).toBe(206);
    expect(open.body.equals(bytes.subarray(500))).toBe(true);
    const tail = await request(s.base, url, { headers: { range: 'bytes=-64' } });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(bytes.subarray(bytes.length - 64))).toBe(true);
    const beyond = await request(s.base, url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
    const head = await request(s.base, url, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(bytes.length));

    const missing = (await s.ok('utterances.list', {})).rows.find((x: any) => x.media === null);
    expect((await request(s.base, `/media/${missing.id}?token=${s.token}`)).status).toBe(404);
    expect((await request(s.base, `/media/999999?token=${s.token}`)).status).toBe(404);
    expect((await request(s.base, `/media/../../etc/passwd?token=${s.token}`)).status).toBe(404);
    // a media row pointing outside its corpus folder (a tampered or moved database) is refused
    const other = (await s.ok('utterances.list', { split: 'dev', limit: 1 })).rows[0];
    const outside = path.join(t.dir, 'outside.mp4');
    fs.copyFileSync(row.media, outside);
    const w = new Database(db);
    w.prepare('UPDATE media SET path = ? WHERE utterance_id = ?').run(outside, other.id);
    w.close();
    const refused = await request(s.base, `/media/${other.id}?token=${s.token}`);
    expect(refused.status).toBe(403);
    expect(refused.body.length).toBeLessThan(300);
  });

  it('Ctrl-C stops the server cleanly', async () => {
    const code = await new Promise<number | null>((resolve) => {
      served.child.once('exit', (c) => resolve(c));
      served.child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(served.stderr()).toMatch(/stopping/);
    await expect(request(s.base, `/?token=${s.token}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
