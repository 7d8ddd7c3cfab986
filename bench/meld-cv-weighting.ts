// Issue 16: two feature weightings of the default's sparse text rows under grouped 3-fold CV on the
// TRAINING split only (dev and test never read), scored as bench/meld-cv-extra.ts and
// chooseSparseLinearCv (balanced, best C of CS per seed, mean held-out-fold weighted F1):
//   idf   the text re-encoded from the raw texts exactly as encoder v3 (encodeText: sublinear TF times
//         IDF^p, each block L2-normalised to an equal share, then sparse-rows.ts's vocabulary and
//         unit-length row), the smooth IDF (sklearn's) fit on the OUTER TRAINING FOLD only, for the
//         powers in IDFP. Note: the stored v3 vectors already carry IDF^1 fit on the whole training
//         split (extract), so p = 1 is the fold-honest default, p = 2 the stored TF-IDF weighted again
//         by IDF, p = 0 plain sublinear TF.
//   nb    NB-SVM (Wang & Manning 2012): per class c the log-count ratio r_c = log((p/|p|_1)/(q/|q|_1))
//         of the binarised text columns (alpha 1) over the outer training fold; class c's one-vs-rest
//         SVM (trainSparseLinear, two classes, C * balanced weight on the positives as the default's
//         one-vs-rest) trained on x * r_c; argmax of the per-class decisions; also the interpolation
//         w' = (1 - beta) mean|w| + beta w (beta 0.25), with the bias kept or scaled by beta.
//   nbbin NB-SVM on Wang & Manning's own input: the text columns binarised, each row L2-normalised
//         (the default's scale, so the same C grid applies), times r_c.
//   With LEXICON=1 every row also carries the six lexicon columns (features/text/lexicon.ts, weight
//   LEXICON_WEIGHT, as `train --lexicon`); idf / nb weight the text columns only.
//   npx esbuild bench/meld-cv-weighting.ts --bundle --platform=node --format=cjs --external:better-sqlite3 --outfile=bench/results/meld-cv-weighting.cjs
//   DB=meld.db SEEDS=1,2,3 IDFP='[1,2,0]' node bench/results/meld-cv-weighting.cjs base,idf,nb,nbbin   # LEXICON=1 likewise
import { openDb } from '../src/main/core/store/db';
import type { Item } from '../src/main/core/learn/dataset';
import { buildSparseRows, sparseWidth, type SparseLayout } from '../src/main/core/learn/sparse-rows';
import { blockCounts, encodeText, fitIdf, TFIDF_DIM, type SparseVec } from '../src/main/core/features/text/hashed-tfidf';
import { lexiconFeatures, LEXICON_WIDTH } from '../src/main/core/features/text/lexicon';
import { trainSparseLinear, balancedClassWeights, type SparseRow } from '../src/main/core/classify';
import { argmax, decisions, fit, foldParts, heldOutF1, mean, trainSet } from './meld-cv-common';

/** one text's two blocks as (hashed index, count) arrays, and the union of their indices */
interface Counts {
  blocks: { idx: Uint32Array; cnt: Float64Array }[];
  keys: Uint32Array;
}
function counts(text: string): Counts {
  const blocks = blockCounts(text)
    .filter((b) => b.size > 0)
    .map((b) => ({ idx: Uint32Array.from(b.keys()), cnt: Float64Array.from(b.values()) }));
  const keys = new Set<number>();
  for (const b of blocks) for (const i of b.idx) keys.add(i);
  return { blocks, keys: Uint32Array.from(keys) };
}
/** encodeText's vector with IDF^p (the same arithmetic: sublinear TF, equal-share block norms, float32) */
function encode(c: Counts, idf: Float32Array, p: number): SparseVec | null {
  if (c.blocks.length === 0) return null;
  const acc = new Map<number, number>();
  for (const b of c.blocks) {
    const w = Array.from(b.idx, (i, k) => (1 + Math.log(b.cnt[k])) * (p === 1 ? idf[i] : idf[i] ** p));
    let norm = 0;
    for (const v of w) norm += v * v;
    const f = 1 / Math.sqrt(norm * c.blocks.length);
    b.idx.forEach((i, k) => acc.set(i, (acc.get(i) ?? 0) + w[k] * f));
  }
  const indices = Uint32Array.from(acc.keys()).sort();
  return { indices, values: Float32Array.from(indices, (i) => acc.get(i)!) };
}
/** smooth IDF (fitIdf's formula) of the rows `rows` of `cs` */
function foldIdf(cs: Counts[], rows: number[]): Float32Array {
  const df = new Uint32Array(TFIDF_DIM);
  for (const j of rows) for (const i of cs[j].keys) df[i]++;
  const n = rows.length;
  const idf = new Float32Array(TFIDF_DIM);
  for (let i = 0; i < TFIDF_DIM; i++) idf[i] = Math.log((1 + n) / (1 + df[i])) + 1;
  return idf;
}

async function main() {
  const db = openDb(process.env.DB ?? 'meld.db');
  const { items, labels, nC, trainRows, y, groups, vocabulary } = trainSet(db);
  const n = trainRows.length;
  const raw = new Map(
    (db.prepare("SELECT id, text FROM utterance WHERE split='train'").all() as { id: number; text: string | null }[]).map((r) => [
      r.id,
      r.text ?? '',
    ]),
  );
  const texts = trainRows.map((i) => raw.get(items[i].id)!);
  const useLex = process.env.LEXICON === '1';
  const layout: SparseLayout = { vocabulary, context: false, denseWidth: 0, lexiconWidth: useLex ? LEXICON_WIDTH : 0 };
  const d = sparseWidth(layout);
  const K = vocabulary.length;
  const lexicon: Float64Array[] = new Array(items.length);
  if (useLex) trainRows.forEach((i, j) => (lexicon[i] = lexiconFeatures(texts[j])));
  const rowsOf = (its: Item[]) => buildSparseRows(its, trainRows, layout, undefined, useLex ? lexicon : undefined);
  const X0 = rowsOf(items);
  const cs = texts.map(counts);
  const Xbin = X0.map((r) => {
    let nt = 0;
    for (let k = 0; k < r.indices.length; k++) if (r.indices[k] < K) nt++;
    return { indices: r.indices, values: Float64Array.from(r.values, (v, k) => (r.indices[k] < K ? 1 / Math.sqrt(nt) : v)) };
  });
  console.log(`rows ${n}, width ${d} (text ${K}), lexicon ${useLex}, classes ${labels.join(' ')}`);

  // check: re-encoding with the IDF of every training text gives the stored vectors
  const idfAll = fitIdf(texts);
  let maxDiff = 0;
  let mismatched = 0;
  for (let j = 0; j < n; j++) {
    const a = encode(cs[j], idfAll, 1);
    const b = items[trainRows[j]].text;
    const ea = encodeText(texts[j], idfAll);
    if (!a || !b || a.indices.length !== b.indices.length || ea.indices.length !== a.indices.length) {
      if (a || b) mismatched++;
      continue;
    }
    for (let k = 0; k < a.indices.length; k++) {
      if (a.indices[k] !== b.indices[k] || ea.indices[k] !== a.indices[k]) mismatched++;
      maxDiff = Math.max(maxDiff, Math.abs(a.values[k] - b.values[k]), Math.abs(ea.values[k] - a.values[k]));
    }
  }
  console.log(
    `re-encoding check (whole-train IDF vs stored v3 vectors and encodeText): max |diff| ${maxDiff.toExponential(2)}, mismatches ${mismatched}`,
  );

  const which = (process.argv[2] ?? 'base,idf,nb').split(',');
  const seeds = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
  const Cs: number[] = JSON.parse(process.env.CS ?? '[0.05,0.1,0.2]');
  const powers: number[] = JSON.parse(process.env.IDFP ?? '[1,2,0]');
  const unit = process.env.NBUNIT === '1';
  const results: Record<string, number[]> = {};
  const report = (name: string, seed: number, perC: number[][]) => {
    const means = perC.map(mean);
    const b = argmax(means);
    (results[name] ??= []).push(means[b]);
    console.log(
      `seed=${seed} ${name} best ${Cs[b]} cv=${means[b].toFixed(4)} | ${means.map((m, k) => `${Cs[k]}:${m.toFixed(4)}`).join(' ')}`,
    );
  };
  const cpu0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(cpu0);
    return `${((u.user + u.system) / 1e6).toFixed(0)} s CPU`;
  };

  for (const seed of seeds) {
    const parts = foldParts(groups, seed);
    const f1 = (he: number[], dec: ArrayLike<number>[]) => heldOutF1(nC, y, he, dec);
    /** the multiclass one-vs-rest SVM per C on the rows build(tr) gives; held-out F1 per C and fold */
    const run = (build: (tr: number[]) => SparseRow[]) => {
      const perC = Cs.map(() => [] as number[]);
      for (const { tr, he } of parts) {
        const X = build(tr);
        const yt = tr.map((j) => y[j]);
        Cs.forEach((C, c) => {
          const m = fit(
            tr.map((j) => X[j]),
            d,
            yt,
            nC,
            C,
          );
          perC[c].push(
            f1(
              he,
              decisions(
                m,
                he.map((j) => X[j]),
                nC,
              ),
            ),
          );
        });
      }
      return perC;
    };

    if (which.includes('base')) {
      report(
        'base',
        seed,
        run(() => X0),
      );
      console.log(`  (${cpu()})`);
    }
    if (which.includes('idf'))
      for (const p of powers) {
        const build = (tr: number[]) => {
          const idf = foldIdf(cs, tr);
          const its = items.slice();
          trainRows.forEach((i, j) => (its[i] = { ...items[i], text: encode(cs[j], idf, p) }));
          return rowsOf(its);
        };
        report(`idf^${p} (fit on the outer training fold)`, seed, run(build));
        console.log(`  (${cpu()})`);
      }
    // NB inputs: 'x' the default rows, 'bin' the text columns binarised and the row L2-normalised
    // (Wang & Manning's binarised input, at the default's scale); lexicon columns as they are
    const inputs: [string, SparseRow[]][] = [];
    if (which.includes('nb')) inputs.push(['x', X0]);
    if (which.includes('nbbin')) inputs.push(['bin', Xbin]);
    for (const [inName, XIn] of inputs) {
      // per C: beta 1, beta 0.25 (bias kept), beta 0.25 (bias scaled)
      const names = [`nb-svm ${inName}*r`, `nb-svm ${inName}*r, beta 0.25`, `nb-svm ${inName}*r, beta 0.25, bias * beta`];
      const perV = names.map(() => Cs.map(() => [] as number[]));
      for (const { tr, he } of parts) {
        const yt = tr.map((j) => y[j]);
        const cw = balancedClassWeights(yt, nC);
        const decs = names.map(() => Cs.map(() => he.map(() => new Float64Array(nC))));
        for (let c = 0; c < nC; c++) {
          // r over the text columns, binarised counts of the outer training fold, alpha 1
          const p = new Float64Array(K).fill(1);
          const q = new Float64Array(K).fill(1);
          for (const j of tr) {
            const t = y[j] === c ? p : q;
            const r = XIn[j];
            for (let k = 0; k < r.indices.length; k++) if (r.indices[k] < K && r.values[k] !== 0) t[r.indices[k]]++;
          }
          const lp = Math.log(p.reduce((s, v) => s + v, 0));
          const lq = Math.log(q.reduce((s, v) => s + v, 0));
          // NBUNIT=1: r = 1, a control that must give the default's figures (the 'x' input)
          const ratio = Float64Array.from(p, (pv, k) => (unit ? 1 : Math.log(pv) - lp - (Math.log(q[k]) - lq)));
          const scale = (r: SparseRow): SparseRow => ({
            indices: r.indices,
            values: Float64Array.from(r.values, (v, k) => (r.indices[k] < K ? v * ratio[r.indices[k]] : v)),
          });
          const Xt = tr.map((j) => scale(XIn[j]));
          const Xh = he.map((j) => scale(XIn[j]));
          const yb = yt.map((v) => (v === c ? 1 : 0));
          Cs.forEach((C, ci) => {
            const m = trainSparseLinear(Xt, d, yb, { C, classWeight: [1, cw[c]], probability: false, seed: 1 });
            // the positive class's problem is row 1 (classes [0, 1]): positives C * cw[c], negatives C
            const w = m.W.subarray(d + 1, 2 * (d + 1));
            let wbar = 0;
            for (let k = 0; k < d; k++) wbar += Math.abs(w[k]);
            wbar /= d;
            Xh.forEach((r, t) => {
              let s = 0;
              let s1 = 0;
              for (let k = 0; k < r.indices.length; k++) {
                s += w[r.indices[k]] * r.values[k];
                s1 += r.values[k];
              }
              const b = w[d];
              decs[0][ci][t][c] = s + b;
              decs[1][ci][t][c] = 0.75 * wbar * s1 + 0.25 * s + b;
              decs[2][ci][t][c] = 0.75 * wbar * s1 + 0.25 * (s + b);
            });
          });
        }
        names.forEach((_, v) => Cs.forEach((_, ci) => perV[v][ci].push(f1(he, decs[v][ci]))));
      }
      names.forEach((name, v) => report(name, seed, perV[v]));
      console.log(`  (${cpu()})`);
    }
  }
  console.log(`\nmean over seeds${useLex ? ' (with the lexicon columns)' : ''}:`);
  for (const [k, v] of Object.entries(results))
    console.log(`${k.padEnd(50)} ${v.map((x) => x.toFixed(4)).join(' ')} mean ${mean(v).toFixed(4)}`);
}
main();
