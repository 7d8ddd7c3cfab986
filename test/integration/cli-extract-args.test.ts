// extract's numeric options are checked before any work: `--workers abc` (and 0, -1, 1.5) is a usage
// error naming the option and the value, the database is left as it was and no job row is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { miniDemo } from '../helpers/mini-demo';

describe('extract --workers', () => {
  const t = tmpDir('es-xargs-');
  const db = path.join(t.dir, 'x.db');
  beforeAll(() => {
    expect(runCli(['import', miniDemo(path.join(t.dir, 'demo')), '--db', db, '--quiet']).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('refuses what is not a whole number of 1 or more, and does nothing', () => {
    const jobs = () => {
      const d = new Database(db, { readonly: true });
      try {
        return (
          (d.prepare('SELECT COUNT(*) n FROM job').get() as { n: number }).n +
          (d.prepare('SELECT COUNT(*) n FROM stage_status').get() as { n: number }).n
        );
      } finally {
        d.close();
      }
    };
    const before = jobs();
    for (const bad of ['abc', '0', '-1', '1.5', '']) {
      const r = runCli(['extract', '--db', db, `--workers=${bad}`, '--quiet']);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain(`--workers takes a whole number of 1 or more (got '${bad}')`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(jobs()).toBe(before);
  });
});
