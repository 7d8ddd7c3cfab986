// The app's API in browser mode on a real SQLite file in a test's folder (what `serve` runs, without
// HTTP): calls that must succeed, and jobs started through the API waited to their end.
import path from 'node:path';
import { expect } from 'vitest';
import { openDb, type Db } from '../../src/main/core/store/db';
import { createApi, type AppApi } from '../../src/main/core/api';
import type { JobEvent, JobInfo } from '../../src/shared/api';

export interface TestApi {
  db: Db;
  api: AppApi;
  /** the settings folder (ui-settings.json) */
  dataDir: string;
  /** a call that must succeed: its value */
  call(method: string, input: unknown): Promise<any>;
  /** starts a job (jobs.import, ...) and waits for it to finish: the job as it ended */
  runJob(method: string, input: unknown): Promise<JobInfo>;
  close(): Promise<void>;
}

/** app.db and data/ in dir; the file browser may read browseRoots (real paths). */
export function openTestApi(dir: string, browseRoots: string[]): TestApi {
  const dataDir = path.join(dir, 'data');
  const db = openDb(path.join(dir, 'app.db'));
  const api = createApi({
    db,
    dbPath: path.join(dir, 'app.db'),
    dataDir,
    mode: 'browser',
    urls: { media: () => '', thumbnail: () => '' },
    browseRoots,
  });
  const call = async (method: string, input: unknown) => {
    const r = await api.call(method, input);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    return (r as { value: unknown }).value as any;
  };
  const runJob = async (method: string, input: unknown): Promise<JobInfo> => {
    // listening before the job starts: a short job may finish before its id is back
    let id = -1;
    const ended = new Map<number, JobInfo>();
    let wake: (j: JobInfo) => void = () => {};
    const off = api.onJob((e: JobEvent) => {
      if (e.type !== 'finished') return;
      ended.set(e.job.id, e.job);
      if (e.job.id === id) wake(e.job);
    });
    try {
      id = (await call(method, input)).id;
      return ended.get(id) ?? (await new Promise<JobInfo>((resolve) => (wake = resolve)));
    } finally {
      off();
    }
  };
  return {
    db,
    api,
    dataDir,
    call,
    runJob,
    close: async () => {
      await api.close();
      db.close();
    },
  };
}
