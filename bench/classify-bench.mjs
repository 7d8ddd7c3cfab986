#!/usr/bin/env node
// Classifier timings on synthetic data of MELD's training size and class imbalance.
//
//   node bench/classify-bench.mjs [--dim 256] [--linear-dims 256,500] [--no-sklearn] [--no-rbf]
//                                 [--no-meld] [--meld DIR] [--python PY] [--json]
//
// MELD (when its CSVs are found, shared/data/meld beside the checkout): the product's quick retrain
// on the real text features, `train --fusion none --classifier linear --C 0.2 --balanced` in
// process (the sparse linear SVM with probabilities on MELD's 9,989 training utterances), and
// sklearn's LinearSVC + CalibratedClassifierCV(cv=3, sigmoid) on the very same sparse matrix.
//
// Prints: linear retrain seconds (with and without probability calibration) per feature size,
// RBF C-SVC with probabilities seconds (C=1, gamma='scale', balanced), and sklearn's
// SVC(kernel='rbf', C=1, gamma='scale', class_weight='balanced', probability=True) on the same
// data through the reference venv, with the ratio and the prediction agreement on held-out rows;
// likewise sklearn's LinearSVC (LIBLINEAR) for the linear rows.
// The TypeScript sources are bundled on the fly with esbuild (a dev dependency).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const DIM = Number(opt('--dim', '256'));
const LINEAR_DIMS = opt('--linear-dims', `${DIM},500`).split(',').filter(Boolean).map(Number);
// the reference venv: scripts/pyref/setup.sh's, or any venv with scikit-learn (pip --index-url the local index)
const PYTHON = opt(
  '--python',
  ['.venv-pyref', '.venv-sklearn'].map((v) => path.join(root, v, 'bin', 'python')).find((p) => fs.existsSync(p)) ??
    path.join(root, '.venv-pyref', 'bin', 'python'),
);
const MELD = opt(
  '--meld',
  [path.resolve(root, '../shared/data/meld'), '/work/shared/data/meld'].find((p) => fs.existsSync(path.join(p, 'train_sent_emo.csv'))) ??
    '',
);
const JSON_OUT = flag('--json');
const log = (...a) => (JSON_OUT ? console.error(...a) : console.log(...a));

// MELD train split: neutral joy surprise anger sadness disgust fear
const COUNTS = [4710, 1743, 1205, 1109, 683, 271, 268];
const HELD_OUT = 1109; // MELD dev size

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'classify-bench-'));
const bundle = path.join(tmp, 'classify.mjs');
await build({
  entryPoints: [path.join(root, 'src/main/core/classify/index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const C = await import(pathToFileURL(bundle).href);

/** Gaussian classes: mean per class ~ N(0, 0.12^2) per feature, unit noise (overlapping, like MELD). */
function synth(d, seed, counts) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => {
    let u = 0;
    while (u === 0) u = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const means = counts.map(() => Float64Array.from({ length: d }, () => gauss() * 0.12));
  const draw = (cs) => {
    const X = [];
    const y = [];
    cs.forEach((c, k) => {
      for (let i = 0; i < c; i++) {
        const r = new Float32Array(d);
        for (let j = 0; j < d; j++) r[j] = means[k][j] + gauss();
        X.push(r);
        y.push(k);
      }
    });
    for (let i = X.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [X[i], X[j]] = [X[j], X[i]];
      [y[i], y[j]] = [y[j], y[i]];
    }
    return { X, y };
  };
  const train = draw(counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const held = draw(counts.map((c) => Math.max(1, Math.round((c * HELD_OUT) / total))));
  return { train, held };
}

const writeF32 = (rows, d, file) => {
  const buf = new Float32Array(rows.length * d);
  rows.forEach((r, i) => buf.set(r, i * d));
  fs.writeFileSync(file, Buffer.from(buf.buffer));
};
const haveSklearn = () => !flag('--no-sklearn') && fs.existsSync(PYTHON);
/** Runs a python snippet with argv[1] = tmp dir; returns the JSON its last stdout line holds, or null. */
const runPython = (code) => {
  const r = spawnSync(PYTHON, ['-c', code, tmp], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    log(`sklearn: failed (${r.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

/** [result, wall seconds, CPU seconds of this process] */
const time = (f) => {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = f();
  const u = process.cpuUsage(c);
  return [r, (performance.now() - t) / 1000, (u.user + u.system) / 1e6];
};
/** CPU seconds (user + system) of this process while f runs: the figure a loaded machine does not inflate. */
const cpuTime = async (f) => {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await f();
  const u = process.cpuUsage(c);
  return [r, (performance.now() - t) / 1000, (u.user + u.system) / 1e6];
};

const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
  rows: COUNTS.reduce((a, b) => a + b, 0),
  linear: [],
  rbf: null,
  sklearn: null,
  meld: null,
};
log(
  `classify bench: ${results.rows} training rows, 7 classes (MELD imbalance), ${os.cpus().length} CPUs, load ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);

for (const d of LINEAR_DIMS) {
  const { train, held } = synth(d, 42 + d, COUNTS);
  const sp = C.fitStandardizer(train.X);
  const Xtr = C.standardize(sp, train.X);
  const Xho = C.standardize(sp, held.X);
  const [m1, s1] = time(() => C.trainSvm(Xtr, train.y, { kernel: 'linear', C: 1, balanced: true, probability: false }));
  const [m2, s2, cpu2] = time(() => C.trainSvm(Xtr, train.y, { kernel: 'linear', C: 1, balanced: true, probability: true }));
  const [m3, s3] = time(() => C.trainSvm(Xtr, train.y, { kernel: 'linear', C: 0.1, balanced: true, probability: true }));
  const f1 = (m) =>
    C.evaluate(
      COUNTS.map((_, k) => `c${k}`),
      held.y,
      m.predict(Xho),
    ).weighted_f1;
  const row = {
    dim: d,
    C1: s1,
    C1_proba: s2,
    C1_proba_cpu: cpu2,
    C01_proba: s3,
    heldout_weighted_f1: { C1: f1(m1), C1_proba: f1(m2), C01: f1(m3) },
    sklearn: null,
  };
  results.linear.push(row);
  log(
    `linear  ${results.rows} x ${d}: C=1 ${s1.toFixed(2)} s | C=1 + probabilities ${s2.toFixed(2)} s (${cpu2.toFixed(2)} s CPU) | C=0.1 + probabilities ${s3.toFixed(2)} s  (target <= 5 s; held-out wF1 ${row.heldout_weighted_f1.C1.toFixed(3)})`,
  );
  if (haveSklearn()) {
    writeF32(Xtr, d, path.join(tmp, 'Ltr.f32'));
    writeF32(Xho, d, path.join(tmp, 'Lho.f32'));
    fs.writeFileSync(path.join(tmp, 'Lytr.json'), JSON.stringify(train.y));
    // the same problem for LIBLINEAR: primal (-s 2), class_weight='balanced' (C of each one-vs-rest
    // problem's positive rows scaled, as ours), tolerance 0.01
    const out = runPython(`
import json, sys, time, warnings
warnings.filterwarnings('ignore')
import numpy as np
from sklearn.svm import LinearSVC
d = ${d}; t = sys.argv[1]
X = np.fromfile(t + '/Ltr.f32', dtype=np.float32).reshape(-1, d).astype(np.float64)
H = np.fromfile(t + '/Lho.f32', dtype=np.float32).reshape(-1, d).astype(np.float64)
y = np.array(json.load(open(t + '/Lytr.json')))
s = time.time()
m = LinearSVC(C=1, dual=False, tol=0.01, class_weight='balanced').fit(X, y)
print(json.dumps({'fit_s': time.time() - s, 'pred': m.predict(H).tolist()}))
`);
    if (out) {
      const ours = m1.predict(Xho);
      const agree = out.pred.filter((v, i) => v === ours[i]).length / ours.length;
      row.sklearn = { LinearSVC_C1_s: out.fit_s, ratio_ours_over_sklearn: s1 / out.fit_s, prediction_agreement: agree };
      log(
        `        sklearn LinearSVC(C=1, dual=False, tol=0.01, class_weight='balanced'): ${out.fit_s.toFixed(2)} s; ours / sklearn = ${(s1 / out.fit_s).toFixed(2)}; prediction agreement ${(agree * 100).toFixed(1)}%`,
      );
    }
  }
}

if (!flag('--no-rbf')) {
  const { train, held } = synth(DIM, 7, COUNTS);
  const sp = C.fitStandardizer(train.X);
  const Xtr = C.standardize(sp, train.X);
  const Xho = C.standardize(sp, held.X);
  const [m, s, sCpu] = time(() =>
    C.trainSvm(Xtr, train.y, { kernel: 'rbf', C: 1, gamma: 'scale', balanced: true, probability: true, seed: 0 }),
  );
  const [pred, sp1] = time(() => m.predict(Xho));
  const [, sp2] = time(() => m.predictProba(Xho));
  const wf1 = C.evaluate(
    COUNTS.map((_, k) => `c${k}`),
    held.y,
    pred,
  ).weighted_f1;
  results.rbf = {
    dim: DIM,
    train_proba_s: s,
    train_proba_cpu_s: sCpu,
    nSV: m.info.nSupportVectors,
    predict_s: sp1,
    predict_proba_s: sp2,
    heldout_rows: Xho.length,
    heldout_weighted_f1: wf1,
  };
  log(
    `rbf     ${results.rows} x ${DIM}: train + probabilities ${s.toFixed(2)} s, ${sCpu.toFixed(2)} s CPU (target <= 60 s), ${m.info.nSupportVectors} SVs; predict ${Xho.length} rows ${sp1.toFixed(2)} s, probabilities ${sp2.toFixed(2)} s; held-out wF1 ${wf1.toFixed(3)}`,
  );

  if (!haveSklearn()) {
    log(
      `sklearn: skipped (${flag('--no-sklearn') ? '--no-sklearn' : `${PYTHON} not found; make the venv with scikit-learn, see scripts/pyref/make_classify_fixtures.py`})`,
    );
  } else {
    writeF32(Xtr, DIM, path.join(tmp, 'Xtr.f32'));
    writeF32(Xho, DIM, path.join(tmp, 'Xho.f32'));
    fs.writeFileSync(path.join(tmp, 'ytr.json'), JSON.stringify(train.y));
    const out = runPython(`
import json, sys, time, warnings
warnings.filterwarnings('ignore')
import numpy as np
from sklearn.svm import SVC
d = ${DIM}; t = sys.argv[1]
X = np.fromfile(t + '/Xtr.f32', dtype=np.float32).reshape(-1, d).astype(np.float64)
H = np.fromfile(t + '/Xho.f32', dtype=np.float32).reshape(-1, d).astype(np.float64)
y = np.array(json.load(open(t + '/ytr.json')))
s = time.time()
m = SVC(kernel='rbf', C=1, gamma='scale', class_weight='balanced', probability=True, random_state=0).fit(X, y)
fit = time.time() - s
print(json.dumps({'fit_s': fit, 'nSV': int(m.n_support_.sum()), 'pred': m.predict(H).tolist()}))
`);
    if (out) {
      const agree = out.pred.filter((v, i) => v === pred[i]).length / pred.length;
      results.sklearn = { fit_proba_s: out.fit_s, nSV: out.nSV, ratio_ours_over_sklearn: s / out.fit_s, prediction_agreement: agree };
      log(
        `sklearn SVC (same data and params, native LIBSVM): ${out.fit_s.toFixed(2)} s, ${out.nSV} SVs; ours / sklearn = ${(s / out.fit_s).toFixed(2)}; prediction agreement on held-out ${(agree * 100).toFixed(1)}%`,
      );
    }
  }
}

if (!flag('--no-meld')) {
  if (!MELD) log('meld: skipped (train_sent_emo.csv not found; --meld DIR)');
  else await meldQuickRetrain();
}

async function meldQuickRetrain() {
  // beside node_modules, so that the bundle's external packages (better-sqlite3, ...) resolve
  const lb = path.join(root, 'node_modules', '.cache', `classify-bench-learn-${process.pid}.cjs`);
  fs.mkdirSync(path.dirname(lb), { recursive: true });
  await build({
    stdin: {
      contents: `export { openDb } from './src/main/core/store/db';
export { planImport } from './src/main/core/corpus';
export { saveImport } from './src/main/core/store/corpus-repo';
export { runTextStage } from './src/main/core/jobs/text-stage';
export { trainModel, loadItems, chooseVocabulary, labelSet } from './src/main/core/learn';
export { buildSparseRows, sparseWidth } from './src/main/core/learn/sparse-rows';`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile: lb,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const L = createRequire(import.meta.url)(lb);
  fs.rmSync(lb, { force: true });
  const db = L.openDb(path.join(tmp, 'meld.db'));
  try {
    for (const b of L.planImport([path.join(MELD, 'train_sent_emo.csv'), path.join(MELD, 'dev_sent_emo.csv')])) L.saveImport(db, b);
    L.runTextStage(db);
    const Cq = 0.2;
    const [r, wall, cpu] = await cpuTime(() =>
      L.trainModel(db, { fusion: 'none', classifier: 'linear', modalities: ['text'], context: false, seed: 1, C: Cq, balanced: true }),
    );
    const m = {
      rows: r.nTrain,
      C: Cq,
      retrain_wall_s: wall,
      retrain_cpu_s: cpu,
      svm_wall_s: r.seconds.svm,
      dev_weighted_f1: r.metrics.dev?.weighted_f1 ?? null,
      sklearn: null,
    };
    results.meld = m;
    log(
      `meld    quick retrain (train --fusion none --classifier linear --C ${Cq} --balanced, text, ${r.nTrain} utterances, with probabilities): ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (SVM alone ${r.seconds.svm.toFixed(2)} s; target <= 5 s); dev wF1 ${m.dev_weighted_f1?.toFixed(4)}`,
    );
    if (!haveSklearn()) return;
    // the same sparse matrix for sklearn: CSR of train and dev rows
    const items = L.loadItems(db, ['text']);
    const labels = L.labelSet(db);
    const rowsOf = (split) => items.map((_, i) => i).filter((i) => items[i].split === split && items[i].label !== null);
    const tr = rowsOf('train');
    const dv = rowsOf('dev');
    const vocabulary = L.chooseVocabulary(
      tr.map((i) => items[i].text),
      Infinity,
    );
    const layout = { vocabulary, context: false, denseWidth: 0 };
    const writeCsr = (rows, name) => {
      const X = L.buildSparseRows(items, rows, layout);
      const indptr = new Int32Array(X.length + 1);
      X.forEach((x, k) => (indptr[k + 1] = indptr[k] + x.indices.length));
      const ind = new Int32Array(indptr[X.length]);
      const val = new Float64Array(indptr[X.length]);
      X.forEach((x, k) => {
        ind.set(x.indices, indptr[k]);
        val.set(x.values, indptr[k]);
      });
      fs.writeFileSync(path.join(tmp, `${name}.indptr`), Buffer.from(indptr.buffer));
      fs.writeFileSync(path.join(tmp, `${name}.ind`), Buffer.from(ind.buffer));
      fs.writeFileSync(path.join(tmp, `${name}.val`), Buffer.from(val.buffer));
      fs.writeFileSync(path.join(tmp, `${name}.y.json`), JSON.stringify(rows.map((i) => labels.indexOf(items[i].label))));
    };
    writeCsr(tr, 'Mtr');
    writeCsr(dv, 'Mdv');
    const out = runPython(`
import json, sys, time, warnings
warnings.filterwarnings('ignore')
import numpy as np, scipy.sparse as sp
from sklearn.svm import LinearSVC
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import f1_score
t = sys.argv[1]; d = ${vocabulary.length}
def load(n):
    ip = np.fromfile(t + '/' + n + '.indptr', dtype=np.int32)
    return sp.csr_matrix((np.fromfile(t + '/' + n + '.val', dtype=np.float64), np.fromfile(t + '/' + n + '.ind', dtype=np.int32), ip), shape=(len(ip) - 1, d)), np.array(json.load(open(t + '/' + n + '.y.json')))
X, y = load('Mtr'); D, yd = load('Mdv')
s = time.time(); m = LinearSVC(C=${Cq}, class_weight='balanced', tol=0.01, dual=True).fit(X, y); fit = time.time() - s
s = time.time(); c = CalibratedClassifierCV(LinearSVC(C=${Cq}, class_weight='balanced', tol=0.01, dual=True), cv=3, method='sigmoid', ensemble=False).fit(X, y); cal = time.time() - s
print(json.dumps({'fit_s': fit, 'fit_calibrated_s': fit + cal, 'dev_wf1': f1_score(yd, m.predict(D), average='weighted')}))
`);
    if (out) {
      m.sklearn = out;
      log(
        `        sklearn LinearSVC(C=${Cq}, class_weight='balanced', tol=0.01) on the same ${tr.length} x ${vocabulary.length} sparse matrix: ${out.fit_s.toFixed(2)} s, + CalibratedClassifierCV(cv=3) ${out.fit_calibrated_s.toFixed(2)} s; dev wF1 ${out.dev_wf1.toFixed(4)}`,
      );
    }
  } finally {
    db.close();
  }
}

// the two retrain targets of the product, side by side with the reference
const load = os.loadavg()[0];
if (results.meld)
  log(
    `target  quick retrain (linear, MELD text, probabilities) <= 5 s: ${results.meld.retrain_wall_s.toFixed(2)} s wall, ${results.meld.retrain_cpu_s.toFixed(2)} s CPU${results.meld.sklearn ? `; sklearn LinearSVC + calibration ${results.meld.sklearn.fit_calibrated_s.toFixed(2)} s` : ''}`,
  );
if (results.rbf)
  log(
    `target  full RBF with probabilities <= 60 s: ${results.rbf.train_proba_s.toFixed(2)} s wall, ${results.rbf.train_proba_cpu_s.toFixed(2)} s CPU${results.sklearn ? `; sklearn SVC ${results.sklearn.fit_proba_s.toFixed(2)} s` : ''}`,
  );
log(
  `(load average ${load.toFixed(2)} on ${os.cpus().length} CPUs: wall times above 1 load per CPU include waiting for the CPU; the CPU figure does not)`,
);

fs.rmSync(tmp, { recursive: true, force: true });
if (JSON_OUT) console.log(JSON.stringify(results, null, 2));
