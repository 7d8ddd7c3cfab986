// The one responder for clip requests (HTTP server and Electron's es-media protocol): whole file,
// byte ranges, suffix ranges, unsatisfiable ranges, and a clip outside its corpus, on a real SQLite file.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { mediaAnswer } from '../../src/main/core/api/media-lookup';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-answer-');
afterAll(() => t.cleanup());

describe('mediaAnswer', () => {
  const corpus = path.join(t.dir, 'corpus');
  fs.mkdirSync(corpus);
  const clip = path.join(corpus, 'a.mp4');
  fs.writeFileSync(clip, Buffer.alloc(1000, 7));
  const outside = path.join(t.dir, 'elsewhere.mp4');
  fs.writeFileSync(outside, 'x');
  const db = openDb(path.join(t.dir, 'a.db'));
  db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'folder')").run(corpus);
  db.prepare("INSERT INTO utterance (id, corpus_id, key, split) VALUES (1, 1, 'a', 'train'), (2, 1, 'b', 'train')").run();
  db.prepare('INSERT INTO media (utterance_id, path) VALUES (1, ?), (2, ?)').run(clip, outside);

  it('answers the whole file, a range and a suffix range with their headers', () => {
    expect(mediaAnswer(db, 1, undefined)).toMatchObject({
      status: 200,
      headers: { 'Content-Length': '1000', 'Accept-Ranges': 'bytes' },
      body: { file: fs.realpathSync(clip), start: 0, end: 999 },
    });
    expect(mediaAnswer(db, 1, 'bytes=100-199')).toMatchObject({
      status: 206,
      headers: { 'Content-Length': '100', 'Content-Range': 'bytes 100-199/1000' },
      body: { start: 100, end: 199 },
    });
    expect(mediaAnswer(db, 1, 'bytes=-10')).toMatchObject({
      status: 206,
      headers: { 'Content-Range': 'bytes 990-999/1000' },
      body: { start: 990, end: 999 },
    });
    expect(mediaAnswer(db, 1, 'bytes=900-5000')).toMatchObject({ status: 206, body: { start: 900, end: 999 } });
  });

  it('refuses what cannot be served, with a status and a reason', () => {
    expect(mediaAnswer(db, 1, 'bytes=1000-')).toMatchObject({ status: 416, headers: { 'Content-Range': 'bytes */1000' } });
    const out = mediaAnswer(db, 2, undefined);
    expect(out.status).toBeGreaterThanOrEqual(400);
    expect(out.body).toMatchObject({ text: expect.any(String) });
    expect(mediaAnswer(db, 99, undefined).status).toBe(404);
  });
});
