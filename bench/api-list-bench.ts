// utterances.list (the corpus table's one query: filters + the latest model's prediction and
// confidence) at 13,000 utterances, beside the CLI's `list` query (no prediction) in the same run;
// and opening the app on that database: open the file, corpus.summary, then the first page (and
// all rows, which the corpus view's virtualised table asks for) through the API's dispatcher, each
// answer serialised to JSON as browser mode sends it.
// The corpus is a generic CSV of MELD-like texts imported by the real importer; the model version
// and its 13,000 predictions are written directly (a query-speed bench, not a training one).
//
//   npm run bench:api -- [--rows 13000] [--reps 7]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../src/main/core/store/db';
import { planImport } from '../src/main/core/corpus/import-plan';
import { saveImport } from '../src/main/core/store/corpus-repo';
import { listUtterances } from '../src/main/core/store/queries';
import { listRows, nextUncertain } from '../src/main/core/store/corpus-table';
import { createApi } from '../src/main/core/api';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const N = Number(opt('--rows', '13000'));
const REPS = Number(opt('--reps', '7'));
const LABELS = ['anger', 'disgust', 'sadness', 'joy', 'neutral', 'surprise', 'fear'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-api-bench-'));
async function main(): Promise<void> {
  try {
    const csv = path.join(dir, 'corpus.csv');
    fs.writeFileSync(
      csv,
      [
        'text,label,speaker,dialogue',
        ...Array.from({ length: N }, (_v, i) => `line ${i} of the corpus says something,${LABELS[i % 7]},S${i % 9},${Math.floor(i / 12)}`),
      ].join('\n'),
    );
    const db = openDb(path.join(dir, 'bench.db'));
    for (const b of planImport([csv], { columns: 'text=text,label=label,speaker=speaker,dialogue=dialogue' })) saveImport(db, b);
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    db.transaction(() => {
      db.prepare("INSERT INTO model (version, params, labels) VALUES (1, ?, '{}')").run(
        JSON.stringify({ fusion: 'none', classifier: 'linear', modalities: ['text'], context: false, labels: LABELS }),
      );
      const ins = db.prepare('INSERT INTO prediction (utterance_id, model_version, label, probabilities) VALUES (?, 1, ?, ?)');
      for (const { id } of db.prepare('SELECT id FROM utterance').all() as { id: number }[]) {
        const w = LABELS.map(() => rnd());
        const s = w.reduce((a, b) => a + b, 0);
        const p = Object.fromEntries(LABELS.map((l, k) => [l, w[k] / s]));
        ins.run(id, LABELS[w.indexOf(Math.max(...w))], JSON.stringify(p));
      }
    })();

    const time = (fn: () => unknown) => {
      fn();
      const t: number[] = [];
      for (let i = 0; i < REPS; i++) {
        const t0 = performance.now();
        fn();
        t.push(performance.now() - t0);
      }
      return t.sort((a, b) => a - b)[Math.floor(REPS / 2)];
    };
    const all = { offset: 0, limit: 20000 };
    const rows: [string, number][] = [
      ['reference: CLI list query (store/queries.ts, no prediction), all rows', time(() => listUtterances(db, {}))],
      ['utterances.list, all rows with prediction + confidence', time(() => listRows(db, all))],
      ['utterances.list, agreement=disagree', time(() => listRows(db, { ...all, agreement: 'disagree' }))],
      ['utterances.list, q=says + prediction=joy', time(() => listRows(db, { ...all, q: 'says', prediction: 'joy' }))],
      [
        'utterances.list, status=pending, page of 100 at offset 6000 (+ count)',
        time(() => listRows(db, { ...all, status: 'pending', offset: 6000, limit: 100 })),
      ],
      ['annotate.nextUncertain', time(() => nextUncertain(db, { exclude: [] }))],
    ];
    const total = listRows(db, all).total;
    db.close();

    // the app opening the database: a fresh connection each time (what `serve` and Electron do at start)
    const open = async (input: object) => {
      const file = path.join(dir, 'bench.db');
      const db2 = openDb(file);
      const api = createApi({
        db: db2,
        dbPath: file,
        dataDir: path.join(dir, 'data'),
        mode: 'browser',
        urls: { media: (id) => `/media/${id}`, thumbnail: (id, f) => `/thumb/${id}/${f}` },
      });
      try {
        for (const [m, i] of [
          ['corpus.summary', {}],
          ['utterances.list', input],
        ] as const) {
          const r = await api.call(m, i);
          if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
          JSON.stringify(r);
        }
      } finally {
        await api.close();
        db2.close();
      }
    };
    const timeAsync = async (fn: () => Promise<unknown>) => {
      await fn();
      const t: number[] = [];
      for (let i = 0; i < REPS; i++) {
        const t0 = performance.now();
        await fn();
        t.push(performance.now() - t0);
      }
      return t.sort((a, b) => a - b)[Math.floor(REPS / 2)];
    };
    rows.push(['open database + corpus.summary + first page of 100 rows (API, JSON)', await timeAsync(() => open({ limit: 100 }))]);
    rows.push(['open database + corpus.summary + all rows (API, JSON)', await timeAsync(() => open({}))]);
    console.log(
      `utterances: ${total}; median of ${REPS} runs; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
    );
    for (const [name, ms] of rows) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
