// jobs.import (the app's import) of an ELAN file labelled by two annotators and no gold tier, on a real
// SQLite file: the job's warnings carry the note on the gold rule, and the new database's rule is
// `majority` (the tie left open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openTestApi, type TestApi } from '../helpers/app-api';
import { tmpDir } from '../helpers/tmp';
import { ANA, BEN, SPEECH, eafWith } from '../helpers/eaf-tiers';

const t = tmpDir('es-api-goldnote-');
const root = path.join(t.dir, 'root');
let app: TestApi;
const importJob = (input: Record<string, unknown>) => app.runJob('jobs.import', { extract: false, ...input });

beforeAll(() => {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'talk.eaf'), eafWith([...SPEECH, ANA, BEN]));
  app = openTestApi(t.dir, [fs.realpathSync(root)]);
});
afterAll(async () => {
  await app?.close();
  t.cleanup();
});

describe('jobs.import of two annotators without a gold tier', () => {
  it('warns which rule made the gold labels; a new database gets majority', async () => {
    const file = path.join(fs.realpathSync(root), 'talk.eaf');
    const j = await importJob({ paths: [file] });
    expect(j.status, j.error ?? '').toBe('done');
    const notes = ((j.result as any).warnings as string[]).filter((w) => w.includes('no gold tier'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`${file}: labels by 2 annotators (ana, ben)`);
    expect(notes[0]).toContain("gold rule is set to 'majority'");
    expect(app.db.prepare('SELECT rule FROM gold_rule').pluck().get()).toBe('majority');
    const gold = app.db.prepare('SELECT text, label FROM utterance ORDER BY start_s').all();
    expect(gold).toEqual([
      { text: 'This smells awful.', label: 'disgust' },
      { text: 'Why did nobody tell me?', label: 'anger' },
      { text: 'There is hair in my soup.', label: null },
    ]);
  });
});
