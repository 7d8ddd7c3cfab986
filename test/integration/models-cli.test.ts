// `models pull|import|list`, `doctor`, and extraction with the pretrained encoders, through the
// built CLI. The three models are tiny ONNX stand-ins (test/helpers/tiny-encoders.ts) served by a
// local HTTP server on 127.0.0.1 that can also cut a transfer, answer 404, or hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { makeClip, clipFfmpeg } from '../helpers/make-clips';
import { writeTinyModels, minilmWeights, resnetWeights } from '../helpers/tiny-encoders';
import { IMAGENET_MEAN, IMAGENET_STD, CROP, RESIZE } from '../../src/main/core/encoders/resnet';
import { decodeCroppedFrames, decodePcm16k } from '../../src/main/core/media/ffmpeg-read';
import { loadTokenizer, tokenize } from '../../src/main/core/encoders/minilm';
import { WAV2VEC2_PREP, Wav2Vec2Encoder } from '../../src/main/core/encoders/wav2vec2';
import { findInstalled } from '../../src/main/core/models/store';
import { gpuDevicePresent } from '../../src/main/core/models/providers';
import { openDb } from '../../src/main/core/store/db';
import { createApi } from '../../src/main/core/api';
import { loadItems, FRAMES, FRAME_DIM, AUDIO_DIM } from '../../src/main/core/learn/dataset';

// the HTTP server lives in this process, so the CLI runs without blocking it
const cli = runCliAsync;

const t = tmpDir('es-models-cli-');
const mirror = path.join(t.dir, 'mirror');
const requests: { url: string; range: string | undefined }[] = [];
const cutOnce = new Set<string>();
let server: http.Server;
let base = '';

beforeAll(async () => {
  writeTinyModels(mirror);
  // /ok/NAME/FILE: the file, with Range support; /cut/...: the first request stops half way;
  // /404/...: not found; /hang/...: headers, then nothing
  server = http.createServer((req, res) => {
    requests.push({ url: req.url!, range: req.headers.range });
    const [, mode, ...rest] = req.url!.split('/');
    const file = path.join(mirror, ...rest.map(decodeURIComponent));
    if (mode === '404' || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    if (mode === 'hang') {
      res.writeHead(200, { 'Content-Length': body.length });
      res.flushHeaders();
      return; // never sends the body
    }
    const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    if (m) {
      const from = Number(m[1]);
      res.writeHead(206, { 'Content-Length': body.length - from, 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(from));
      return;
    }
    if (mode === 'cut' && !cutOnce.has(file)) {
      cutOnce.add(file);
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  t.cleanup();
});

describe('models pull', () => {
  const data = path.join(t.dir, 'data-pull');

  it('downloads model and tokenizer from a mirror and lists them as installed', async () => {
    const r = await cli(['models', 'pull', 'all-MiniLM-L6-v2', '--base-url', `${base}/ok`, '--data-dir', data, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ name: 'all-MiniLM-L6-v2', source: 'pull', output: 'last_hidden_state' });
    expect(fs.readFileSync(path.join(data, 'models/all-MiniLM-L6-v2/model.onnx'))).toEqual(
      fs.readFileSync(path.join(mirror, 'all-MiniLM-L6-v2/model.onnx')),
    );
    expect(fs.existsSync(path.join(data, 'models/all-MiniLM-L6-v2/tokenizer.json'))).toBe(true);
    expect(fs.existsSync(path.join(data, 'models/all-MiniLM-L6-v2/.staging'))).toBe(false);
    const list = (await cli(['models', 'list', '--data-dir', data, '--json'])).json();
    expect(list.map((m: { name: string; installed: boolean }) => [m.name, m.installed])).toEqual([
      ['wav2vec2-base-960h', false],
      ['resnet-50', false],
      ['all-MiniLM-L6-v2', true],
    ]);
  });

  it('resumes an interrupted transfer with an HTTP Range request, never leaving a half file in place', async () => {
    const first = await cli(['models', 'pull', 'resnet-50', '--base-url', `${base}/cut`, '--data-dir', data]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/transfer broken after \d+ bytes.*run the pull again to resume/);
    expect(fs.existsSync(path.join(data, 'models/resnet-50/model.onnx'))).toBe(false);
    const part = path.join(data, 'models/resnet-50/.staging/model.onnx.part');
    const partSize = fs.statSync(part).size;
    expect(partSize).toBeGreaterThan(0);
    const second = await cli(['models', 'pull', 'resnet-50', '--base-url', `${base}/cut`, '--data-dir', data, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().resumed).toEqual([{ file: 'model.onnx', from: partSize }]);
    expect(requests.filter((q) => q.url === '/cut/resnet-50/model.onnx').map((q) => q.range)).toEqual([undefined, `bytes=${partSize}-`]);
    expect(fs.readFileSync(path.join(data, 'models/resnet-50/model.onnx'))).toEqual(
      fs.readFileSync(path.join(mirror, 'resnet-50/model.onnx')),
    );
  });

  it('reports a 404 and a server that hangs (timeout) with the URL, and installs nothing', async () => {
    const nf = await cli(['models', 'pull', 'wav2vec2-base-960h', '--base-url', `${base}/404`, '--data-dir', data]);
    expect(nf.code).toBe(1);
    expect(nf.stderr).toContain(`${base}/404/wav2vec2-base-960h/model.onnx: HTTP 404`);
    const hang = await cli(['models', 'pull', 'wav2vec2-base-960h', '--base-url', `${base}/hang`, '--timeout', '1', '--data-dir', data]);
    expect(hang.code).toBe(1);
    expect(hang.stderr).toMatch(/hang\/wav2vec2-base-960h\/model.onnx: no data from the server for 1 s .*timed out/);
    expect(fs.existsSync(path.join(data, 'models/wav2vec2-base-960h/installed.json'))).toBe(false);
    const bad = await cli(['models', 'pull', 'gpt-2', '--data-dir', data]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown model 'gpt-2'");
  });
});

describe('models import', () => {
  const data = path.join(t.dir, 'data-import');

  it('refuses a file whose inputs do not match the manifest, naming the mismatch', async () => {
    const r = await cli([
      'models',
      'import',
      path.join(mirror, 'wav2vec2-base-960h/model.onnx'),
      '--as',
      'all-MiniLM-L6-v2',
      '--tokenizer',
      path.join(mirror, 'all-MiniLM-L6-v2/tokenizer.json'),
      '--data-dir',
      data,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /does not match the all-MiniLM-L6-v2 manifest: input 'input_ids' \(int64 \[batch_size, sequence_length\]\) is missing; input 'attention_mask'.*is missing; input 'input_values' \(float32 \[batch_size, sequence_length\]\) is not one of the model's inputs/,
    );
    expect(fs.existsSync(path.join(data, 'models/all-MiniLM-L6-v2/installed.json'))).toBe(false);
  });
});

describe('extract with the pretrained encoders', () => {
  const data = path.join(t.dir, 'data-extract');
  const db = path.join(t.dir, 'x.db');
  const corpus = path.join(t.dir, 'corpus');
  let clipA = '';

  beforeAll(async () => {
    clipA = await makeClip(corpus, 'a.mp4', {
      durationS: 1.5,
      container: 'mp4',
      video: { w: 320, h: 240, fps: 12 },
      audio: { kind: 'sine', freq: 300 },
    });
    await makeClip(corpus, 'b.mp4', {
      durationS: 1,
      container: 'mp4',
      video: { w: 160, h: 240, fps: 12, pattern: 'color', color: 'red' },
      audio: { kind: 'noise' },
    });
    await makeClip(corpus, 'c.wav', { durationS: 1, container: 'wav', audio: { kind: 'sine', freq: 500 } });
    fs.writeFileSync(
      path.join(corpus, 'items.csv'),
      'text,label,file,split\n"Hello, world!",joy,a.mp4,train\nOh my god no,anger,b.mp4,train\nyou are fine,neutral,c.wav,dev\n',
    );
    for (const [name, file, extra] of [
      ['wav2vec2-base-960h', 'wav2vec2-base-960h/model.onnx', []],
      ['resnet-50', 'resnet-50/model.onnx', []],
      ['all-MiniLM-L6-v2', 'all-MiniLM-L6-v2/model.onnx', ['--tokenizer', path.join(mirror, 'all-MiniLM-L6-v2/tokenizer.json')]],
    ] as const) {
      const r = await cli(['models', 'import', path.join(mirror, file), '--as', name, ...extra, '--data-dir', data]);
      expect(r.code, r.stderr).toBe(0);
    }
    const imp = await cli([
      'import',
      path.join(corpus, 'items.csv'),
      '--columns',
      'text=text,label=label,file=file,split=split',
      '--db',
      db,
    ]);
    expect(imp.code, imp.stderr).toBe(0);
  });

  it('stores per-utterance audio and text vectors and per-frame video vectors with model, version and provider', async () => {
    const r = await cli(['extract', '--db', db, '--data-dir', data, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    expect(s.text).toMatchObject({ encoded: 3, failed: 0, encoder: 'all-MiniLM-L6-v2' });
    expect(s.encoders.map((e: { model: string; encoded: number; provider: string }) => [e.model, e.encoded, e.provider])).toEqual([
      ['wav2vec2-base-960h', 3, 'cpu'],
      ['resnet-50', 2, 'cpu'],
      ['all-MiniLM-L6-v2', 3, 'cpu'],
    ]);
    expect(r.stderr).toMatch(/resnet-50: fed from the media stage's decode on cpu \(\d+ threads\)/);

    const list = (await cli(['list', '--db', db, '--json'])).json() as { id: number; media: string; status: string }[];
    const a = list.find((x) => x.media.endsWith('a.mp4'))!;
    const show = (await cli(['show', String(a.id), '--db', db, '--json'])).json();
    const v = (name: 'wav2vec2-base-960h' | 'resnet-50' | 'all-MiniLM-L6-v2') =>
      `${findInstalled(data, name)!.version}-${name === 'wav2vec2-base-960h' ? WAV2VEC2_PREP : 'p1'}`;
    expect(show.audio.embedding).toEqual({ model: 'wav2vec2-base-960h', dim: 768, version: v('wav2vec2-base-960h'), provider: 'cpu' });
    expect(show.video.embedding).toEqual({ model: 'resnet-50', dim: 2048, version: v('resnet-50'), provider: 'cpu' });
    expect(show.text_features).toEqual({ encoder: 'all-MiniLM-L6-v2', dim: 384, version: v('all-MiniLM-L6-v2'), provider: 'cpu' });
    const human = await cli(['show', String(a.id), '--db', db]);
    expect(human.stdout).toContain('text features: all-MiniLM-L6-v2 (384, cpu)');
    expect(human.stdout).toContain('video embedding: resnet-50 (2048 per selected frame, cpu)');
    expect(list.every((x) => x.status === 'done')).toBe(true);

    const sql = new Database(db, { readonly: true });
    const rows = sql
      .prepare("SELECT frame, dim, version FROM feature WHERE utterance_id = ? AND kind = 'video.embedding' ORDER BY frame")
      .all(a.id) as { frame: number; dim: number; version: string }[];
    expect(rows.map((x) => x.frame)).toEqual([...show.video.selected_frames].sort((x: number, y: number) => x - y));
    expect(rows.length).toBeGreaterThan(1);
    const installed = findInstalled(data, 'resnet-50')!;
    expect(new Set(rows.map((x) => x.version))).toEqual(new Set([`${installed.version}-p1`]));

    // the stored text vector is the hand-computed masked mean, L2-normalised
    const blob = (kind: string) => {
      const b = (
        sql.prepare('SELECT data FROM feature WHERE utterance_id = ? AND kind = ? AND frame = -1').get(a.id, kind) as { data: Buffer }
      ).data;
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const { ids } = tokenize(loadTokenizer(path.join(mirror, 'all-MiniLM-L6-v2/tokenizer.json')), 'Hello, world!', 256);
    expect(ids).toHaveLength(6);
    const { E, T, M } = minilmWeights();
    const want = new Float64Array(384);
    for (const id of ids) for (let d = 0; d < 384; d++) want[d] += E[id * 384 + d] + T[d] + M[d];
    const n = Math.hypot(...want);
    const text = blob('text');
    for (let d = 0; d < 384; d += 37) expect(text[d]).toBeCloseTo(want[d] / n, 5);
    // the stored audio vector is the encoder's output on the clip's 16 kHz PCM
    const enc = await Wav2Vec2Encoder.open(findInstalled(data, 'wav2vec2-base-960h')!, 'cpu', () => {});
    const direct = await enc.embed(await decodePcm16k(clipFfmpeg(), clipA));
    await enc.release();
    const audio = blob('audio.embedding');
    for (let d = 0; d < 768; d += 41) expect(audio[d]).toBeCloseTo(direct[d], 5);
    // the red portrait clip: ffmpeg resizes and crops its selected frames to 224x224 red; each frame's
    // stored vector is the tiny ResNet's output for that colour after ImageNet normalisation
    const b = list.find((x) => x.media.endsWith('b.mp4'))!;
    const sel = (await cli(['show', String(b.id), '--db', db, '--json'])).json().video.selected_frames as number[];
    const crops = await decodeCroppedFrames(clipFfmpeg(), path.join(corpus, 'b.mp4'), sel, { crop: CROP, resize: RESIZE });
    expect(crops.rgb.length).toBe(sel.length * 224 * 224 * 3);
    const mean = [0, 1, 2].map((c) => {
      let s2 = 0;
      for (let p = c; p < 224 * 224 * 3; p += 3) s2 += crops.rgb[p];
      return s2 / (224 * 224);
    });
    expect(mean[0]).toBeGreaterThan(235);
    expect(mean[1] + mean[2]).toBeLessThan(30);
    const { W, B } = resnetWeights();
    const norm = mean.map((m, c) => (m / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]);
    const frames = sql.prepare("SELECT data FROM feature WHERE utterance_id = ? AND kind = 'video.embedding' ORDER BY frame").all(b.id) as {
      data: Buffer;
    }[];
    expect(frames).toHaveLength(sel.length);
    for (const f of frames) {
      const v = new Float32Array(f.data.buffer.slice(f.data.byteOffset, f.data.byteOffset + f.data.byteLength));
      for (let c = 0; c < 2048; c += 97)
        expect(v[c]).toBeCloseTo(B[c] + W[c * 3] * norm[0] + W[c * 3 + 1] * norm[1] + W[c * 3 + 2] * norm[2], 4);
    }
    sql.close();
  });

  it('a second run encodes nothing; a newly installed model version re-encodes its kind only', async () => {
    const again = (await cli(['extract', '--db', db, '--data-dir', data, '--device', 'cpu', '--json'])).json();
    expect(again.encoders).toEqual([]);
    expect(again.text.encoded).toBe(0);
    // the same graph with a task head: a different file, so a different version
    const heads = writeTinyModels(path.join(t.dir, 'mirror-heads'), { publishedHeads: true });
    expect((await cli(['models', 'import', heads.resnet, '--as', 'resnet-50', '--data-dir', data])).code).toBe(0);
    const third = (await cli(['extract', '--db', db, '--data-dir', data, '--device', 'cpu', '--json'])).json();
    expect(third.encoders.map((e: { model: string; encoded: number }) => [e.model, e.encoded])).toEqual([['resnet-50', 2]]);
    const sql = new Database(db, { readonly: true });
    const versions = sql.prepare("SELECT DISTINCT version FROM feature WHERE kind = 'video.embedding'").all();
    sql.close();
    expect(versions).toEqual([{ version: `${findInstalled(data, 'resnet-50')!.version}-p1` }]);
  });

  it('doctor --json lists the installed models and the ONNX Runtime providers', async () => {
    const d = (await cli(['doctor', '--data-dir', data, '--db', db, '--json'])).json();
    expect(d.models.map((m: { name: string; present: boolean }) => [m.name, m.present])).toEqual([
      ['wav2vec2-base-960h', true],
      ['resnet-50', true],
      ['all-MiniLM-L6-v2', true],
    ]);
    expect(d.models[1].path).toBe(path.join(data, 'models/resnet-50/model.onnx'));
    expect(d.models[1].version).toBe(findInstalled(data, 'resnet-50')!.version);
    const cpu = d.onnxruntime.providers.find((p: { name: string }) => p.name === 'cpu');
    expect(cpu).toEqual({ name: 'cpu', bundled: true, installed: true, auto: true });
    const webgpu = d.onnxruntime.providers.find((p: { name: string }) => p.name === 'webgpu');
    expect(webgpu.auto).toBe(gpuDevicePresent());
    expect(d.onnxruntime.providers.map((p: { name: string }) => p.name)).toContain('cuda');
    expect(d.onnxruntime.cuda_install).toContain('--onnxruntime-node-install=cuda12');
  });

  it('--device webgpu without a GPU falls back to cpu with one line saying why; train records the encoders', async () => {
    const heads = writeTinyModels(path.join(t.dir, 'mirror-heads2'), { publishedHeads: true });
    expect((await cli(['models', 'import', heads.wav2vec2, '--as', 'wav2vec2-base-960h', '--data-dir', data])).code).toBe(0);
    const r = await cli(['extract', '--db', db, '--data-dir', data, '--device', 'webgpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const fallback = r.stderr.split('\n').filter((l) => l.startsWith('webgpu execution provider unavailable'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toMatch(/^webgpu execution provider unavailable \(.+\); using cpu$/);
    expect(r.json().encoders.map((e: { model: string; encoded: number; provider: string }) => [e.model, e.encoded, e.provider])).toEqual([
      ['wav2vec2-base-960h', 3, 'cpu'],
    ]);
    const tr = await cli(['train', '--db', db, '--json', '--fusion', 'none']);
    expect(tr.code, tr.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const params = (sql.prepare('SELECT params FROM model ORDER BY version DESC LIMIT 1').get() as { params: string }).params;
    sql.close();
    expect(params).toMatch(/resnet-50@[0-9a-f]{12}-p1/);
    expect(params).toMatch(new RegExp(`wav2vec2-base-960h@[0-9a-f]{12}-${WAV2VEC2_PREP}`));
    expect(params).toMatch(/all-MiniLM-L6-v2@[0-9a-f]{12}\+[0-9a-f]{8}-p1/);
  });

  it('a damaged installed model is reported in one line and skipped; the rest of the job carries on', async () => {
    const data2 = path.join(t.dir, 'data-damaged');
    fs.cpSync(data, data2, { recursive: true });
    fs.writeFileSync(path.join(data2, 'models/resnet-50/model.onnx'), 'garbage');
    fs.writeFileSync(path.join(data2, 'models/all-MiniLM-L6-v2/model.onnx'), 'garbage');
    const db2 = path.join(t.dir, 'damaged.db');
    fs.copyFileSync(db, db2);
    const sql = new Database(db2);
    sql.prepare("DELETE FROM feature WHERE kind = 'video.embedding'").run();
    sql.prepare("DELETE FROM stage_status WHERE stage = 'text'").run();
    sql.close();
    const r = await cli(['extract', '--db', db2, '--data-dir', data2, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`resnet-50: cannot load ${path.join(data2, 'models/resnet-50/model.onnx')}: `);
    expect(r.stderr).toMatch(/all-MiniLM-L6-v2: cannot load .*model.onnx: .*; skipped/);
    expect(r.json().text).toMatchObject({ encoded: 3, failed: 0 });
    expect(r.json().text.encoder).toBeUndefined(); // the built-in text encoder took over
    const show = (await cli(['show', '1', '--db', db2, '--json'])).json();
    expect(show.text_features.encoder).toBe('builtin-hashed-tfidf');
    expect(show.video.embedding).toBeNull();
  });

  it('the API extraction job (UI, serve) runs the installed encoders too, on the device it is given', async () => {
    const db3 = path.join(t.dir, 'api.db');
    const imp = await cli([
      'import',
      path.join(corpus, 'items.csv'),
      '--columns',
      'text=text,label=label,file=file,split=split',
      '--db',
      db3,
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    const handle = openDb(db3);
    const api = createApi({
      db: handle,
      dbPath: db3,
      dataDir: data,
      mode: 'browser',
      urls: { media: () => '', thumbnail: () => '' },
      ffmpeg: clipFfmpeg(),
      workers: 1,
    });
    const finished = new Promise<any>((resolve) =>
      api.onJob((e) => {
        if (e.type === 'finished') resolve(e.job);
      }),
    );
    const started = await api.call('jobs.extract', { device: 'cpu' });
    expect(started.ok).toBe(true);
    expect(await api.call('jobs.extract', { device: 'tpu' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('device') },
    });
    const job = await finished;
    await api.close();
    handle.close();
    expect(job.status, job.error).toBe('done');
    expect(job.result.encoders.map((e: { model: string; encoded: number; provider: string }) => [e.model, e.encoded, e.provider])).toEqual([
      ['wav2vec2-base-960h', 3, 'cpu'],
      ['resnet-50', 2, 'cpu'],
      ['all-MiniLM-L6-v2', 3, 'cpu'],
    ]);
    const show = (await cli(['show', '1', '--db', db3, '--json'])).json();
    expect(show.text_features).toMatchObject({ encoder: 'all-MiniLM-L6-v2', provider: 'cpu' });
    expect(show.audio.embedding).toMatchObject({ model: 'wav2vec2-base-960h', provider: 'cpu' });
  });

  it('the learning inputs carry the embeddings, and two model versions of one kind are refused', () => {
    const sql = new Database(db);
    const items = loadItems(sql);
    const withVideo = items.filter((i) => i.video);
    expect(withVideo).toHaveLength(2);
    for (const i of withVideo) expect(i.video!.length).toBe(FRAMES * (FRAME_DIM + 2048));
    for (const i of items) expect(i.audio!.length).toBe(768 + AUDIO_DIM);
    const a = items.find((i) => i.video)!;
    const emb = sql.prepare("SELECT data FROM feature WHERE utterance_id = ? AND kind = 'audio.embedding'").get(a.id) as { data: Buffer };
    expect(Array.from(a.audio!.subarray(0, 768))).toEqual(
      Array.from(new Float32Array(emb.data.buffer.slice(emb.data.byteOffset, emb.data.byteOffset + emb.data.byteLength))),
    );
    sql.prepare("UPDATE feature SET version = 'other' WHERE utterance_id = ? AND kind = 'audio.embedding'").run(a.id);
    expect(() => loadItems(sql)).toThrow(/audio.embedding features come from 2 model versions .*run extract again/);
    sql.close();
  });
});
