import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { scanMediaFolder } from '../../src/main/core/corpus/folder';
import { findClip, indexMediaFiles, splitHint } from '../../src/main/core/corpus/media-index';
import { ImportError } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

function tree(files: string[]): string {
  t = tmpDir();
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), 'x');
  }
  return t.dir;
}

describe('splitHint', () => {
  it('reads split folders, MELD archive folders included', () => {
    expect(splitHint('train_splits')).toBe('train');
    expect(splitHint('MELD.Raw/dev/dev_splits_complete')).toBe('dev');
    expect(splitHint('output_repeated_splits_test')).toBe('test');
    expect(splitHint('Validation')).toBe('dev');
    expect(splitHint('train/extra')).toBe('train');
    expect(splitHint('train/test')).toBe('test');
    expect(splitHint('train_test')).toBe('unsplit');
    expect(splitHint('contest/trainer')).toBe('unsplit');
    expect(splitHint('.')).toBe('unsplit');
  });
});

describe('scanMediaFolder', () => {
  it('finds media recursively, keyed by relative path, with splits from folder names', () => {
    const d = tree([
      'Saison 1/épisode 2/clip un.mp4',
      'Saison 1/épisode 2/notes.txt',
      'train/a.WAV',
      'dev_splits_complete/dia3_utt4.mp4',
      'test/deep/er/b.opus',
      'node_modules/x.mp4',
      '.cache/y.mp4',
      '.z.mp4',
      'top.mkv',
    ]);
    const b = scanMediaFolder(d);
    expect(b).toMatchObject({ kind: 'folder', corpusRoot: d, labelSet: [], issues: [], missingMedia: 0 });
    expect(b.records.map((r) => [r.key, r.split])).toEqual([
      ['Saison 1/épisode 2/clip un.mp4', 'unsplit'],
      ['dev_splits_complete/dia3_utt4.mp4', 'dev'],
      ['test/deep/er/b.opus', 'test'],
      ['top.mkv', 'unsplit'],
      ['train/a.WAV', 'train'],
    ]);
    const r = b.records[0];
    expect(r).toMatchObject({ text: null, label: null, speaker: null, dialogue: null, index: null, row: null });
    expect(r.mediaPath).toBe(path.join(d, 'Saison 1/épisode 2/clip un.mp4'));
    expect(fs.existsSync(r.mediaPath!)).toBe(true);
    expect(b.records[1]).toMatchObject({ dialogue: '3', index: 4 });
    expect(scanMediaFolder(d)).toEqual(b); // deterministic
  });

  it('reports an empty folder as an issue and a missing one as an ImportError', () => {
    const d = tree(['readme.txt']);
    expect(scanMediaFolder(d).issues).toEqual([{ file: d, row: null, message: 'no media files found in this folder' }]);
    expect(() => scanMediaFolder(path.join(d, 'gone'))).toThrow(ImportError);
  });
});

describe('indexMediaFiles', () => {
  it('indexes by (split, name) and by name with a deterministic duplicate rule', () => {
    const d = tree([
      'train_splits/dia0_utt0.mp4',
      'dev_splits_complete/dia0_utt0.mp4',
      'output_repeated_splits_test/dia0_utt0.mp4',
      'audio/dia0_utt0.wav',
      'train_splits/dia0_utt1.wav',
      'train_splits/dia0_utt1.mp4',
      'train_splits/sub/dia0_utt2.mp4',
      'train_splits/dia0_utt2.mp4',
    ]);
    const ix = indexMediaFiles(d);
    const rel = (p: string | null | undefined) => (p ? path.relative(d, p) : p);
    expect(rel(ix.get('train/dia0_utt0'))).toBe(path.join('train_splits/dia0_utt0.mp4'));
    expect(rel(ix.get('dev/dia0_utt0'))).toBe(path.join('dev_splits_complete/dia0_utt0.mp4'));
    expect(rel(ix.get('test/dia0_utt0'))).toBe(path.join('output_repeated_splits_test/dia0_utt0.mp4'));
    expect(rel(ix.get('dia0_utt0'))).toBe(path.join('audio/dia0_utt0.wav')); // the folder naming no split first
    expect(rel(ix.get('train/dia0_utt1'))).toBe(path.join('train_splits/dia0_utt1.mp4')); // video before audio
    expect(rel(ix.get('train/dia0_utt2'))).toBe(path.join('train_splits/dia0_utt2.mp4')); // shallower first
    expect(rel(findClip(ix, 'dia0_utt1', 'dev'))).toBe(null); // dia0_utt1 exists only in train
    expect(rel(findClip(ix, 'dia0_utt0', 'dev'))).toBe(path.join('dev_splits_complete/dia0_utt0.mp4'));
    expect(rel(findClip(ix, 'dia0_utt1', 'unsplit'))).toBe(path.join('train_splits/dia0_utt1.mp4'));
  });
});
