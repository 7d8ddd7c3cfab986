// The built CLI's train: the default retrain reuses the latest comparable C search and says so
// (JSON selection.method 'reused', from_model; the human line names the model and --search);
// --search searches again; --C with --search is a usage error. Real SQLite, small word corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

describe('cli train: reuse of the C search', () => {
  const t = tmpDir('es-cli-reuse-');
  const dbPath = path.join(t.dir, 'es.db');
  beforeAll(() => {
    const db = openDb(dbPath);
    buildWordDialogues(db, {
      trainDialogues: 30,
      length: () => 5,
      text: (label, n, d, u) => `${WORDS[label][n % 3]} ${n % 3 === 0 ? WORDS[LABELS[(d + u + 1) % 3]][(n >> 1) % 3] : 'well'} number ${n}`,
    });
    db.close();
  });
  afterAll(() => t.cleanup());
  const train = (...extra: string[]) =>
    runCli(['train', '--db', dbPath, '--fusion', 'none', '--classifier', 'linear', '--modalities', 'text', ...extra]);

  it('searches first, then reuses and says so; --search searches again', () => {
    const a = train('--json');
    expect(a.code, a.stderr).toBe(0);
    expect(a.json().selection.method).toBe('cv');
    expect(a.stderr).toMatch(/choose: C=0\.05: cross-validated weighted F1/);
    const b = train();
    expect(b.code, b.stderr).toBe(0);
    const v = a.json().version;
    expect(b.stdout).toMatch(
      new RegExp(
        `C ${a.json().C}( balanced)? reused from model ${v} \\(chosen by 3-fold CV on 150 training rows; 0 training items changed since\\); --search to choose again`,
      ),
    );
    expect(b.stderr).not.toMatch(/cross-validated weighted F1/);
    const c = train('--json');
    expect(c.json().selection).toMatchObject({
      method: 'reused',
      from_model: v,
      chosen: a.json().selection.chosen,
      score: a.json().selection.score,
    });
    expect(c.json().grid).toBeNull();
    const s = train('--json', '--search');
    expect(s.json().selection.method).toBe('cv');
    expect(s.stderr).toMatch(/cross-validated weighted F1/);
    // one correction: reused, and the line counts it in the singular
    const first = (runCli(['list', '--db', dbPath, '--json']).json() as { id: number; split: string; label: string }[]).find(
      (u) => u.split === 'train',
    )!;
    expect(runCli(['relabel', '--db', dbPath, String(first.id), first.label === LABELS[0] ? LABELS[1] : LABELS[0]]).code).toBe(0);
    const one = train();
    expect(one.stdout).toMatch(/reused from model \d+ \(chosen by 3-fold CV on 150 training rows; 1 training item changed since\)/);
    const bad = train('--C', '0.1', '--search');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--search chooses C/);
  });
});
