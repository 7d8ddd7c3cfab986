// "Below the corpus root" goes by path segments: a clip named '..intro.mp4' inside the corpus is
// served, a path that really leads out ('../x', a symlink out) is not.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { isBelow } from '../../src/main/core/path-inside';
import { isWithin } from '../../src/main/core/api/files';
import { mediaFileOf } from '../../src/main/core/api/media-lookup';
import { openDb } from '../../src/main/core/store/db';
import { tmpDir } from '../helpers/tmp';

describe('isBelow', () => {
  it('goes by segments, not by a leading ".." in a name', () => {
    expect(isBelow('/c/..intro.mp4', '/c')).toBe(true);
    expect(isBelow('/c/...', '/c')).toBe(true);
    expect(isBelow('/c/a/..b/c.mp4', '/c')).toBe(true);
    expect(isBelow('/c/a.mp4', '/c')).toBe(true);
    expect(isBelow('/c', '/c')).toBe(false);
    expect(isBelow('/x.mp4', '/c')).toBe(false);
    expect(isBelow('/c/../x.mp4', '/c')).toBe(false);
    expect(isBelow('/', '/c')).toBe(false);
    expect(isBelow('/cc/a.mp4', '/c')).toBe(false);
    expect(isWithin('/c', '/c')).toBe(true);
    expect(isWithin('/c/..x', '/c')).toBe(true);
    expect(isWithin('/d/x', '/c')).toBe(false);
  });

  it("the media route serves a clip named '..intro.mp4' under the corpus root, and still not one outside", () => {
    const t = tmpDir('es-dots-');
    try {
      const root = path.join(t.dir, 'corpus');
      fs.mkdirSync(root);
      fs.writeFileSync(path.join(root, '..intro.mp4'), 'clip');
      fs.writeFileSync(path.join(t.dir, '..outside.mp4'), 'secret');
      const db = openDb(path.join(t.dir, 'm.db'));
      try {
        db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'folder')").run(root);
        [path.join(root, '..intro.mp4'), path.join(root, '..', '..outside.mp4')].forEach((file, k) => {
          db.prepare("INSERT INTO utterance (id, corpus_id, key, split) VALUES (?, 1, ?, 'train')").run(k + 1, `u${k}`);
          db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)').run(k + 1, file);
        });
        expect(mediaFileOf(db, 1)).toEqual({ ok: true, file: fs.realpathSync(path.join(root, '..intro.mp4')), size: 4, type: 'video/mp4' });
        expect(mediaFileOf(db, 2)).toMatchObject({ ok: false, status: 403 });
      } finally {
        db.close();
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('transcript dialogues', () => {
  it("a recording named '..talk.wav' in the corpus keeps its path as the dialogue", async () => {
    const { dialogueOf } = await import('../../src/main/core/corpus/transcript');
    expect(dialogueOf('/c', '/c/day1/..talk.wav', '/c/day1/..talk.TextGrid')).toBe('day1/..talk');
    expect(dialogueOf('/c', '/elsewhere/talk.wav', '/c/talk.TextGrid')).toBe('talk');
  });
});
