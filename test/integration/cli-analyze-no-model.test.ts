// The built CLI's analyze on a labelled transcript whose name says no split: it says that nothing is in
// the training split and how to put it there, not that the training split "needs labels of 2 classes".
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { SEGMENTS, textGridLong } from '../helpers/transcripts';

describe('analyze without a training split', () => {
  const t = tmpDir('es-nomodel-'); // (a folder name with 'test' in it would be the test split)
  afterAll(() => t.cleanup());

  it('names the splits the utterances are in and the ways to set one', () => {
    const file = path.join(t.dir, 'talk.TextGrid');
    fs.writeFileSync(file, textGridLong(SEGMENTS, { labels: true }));
    const r = runCli(['analyze', file, '--db', path.join(t.dir, 'x.db'), '--no-report', '--data-dir', path.join(t.dir, 'data')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `no model trained: none of the ${SEGMENTS.length} utterances is in the training split (${SEGMENTS.length} unsplit); import with --split train, or put train, dev or test in the file or folder names`,
    );
  });
});
