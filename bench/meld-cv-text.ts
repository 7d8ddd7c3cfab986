// Text feature variants of the built-in encoder under grouped 3-fold CV on a corpus's TRAINING split
// (dev and test are never read): each variant re-encodes the raw texts (word 1-2-grams + punctuation
// block, char n-gram block: 'wb' within words as encoder v2, 'char' across words as v3), fits the
// IDF and vocabulary on train, and scores the sparse linear SVM (balanced) per C by the mean
// held-out-fold weighted F1, folds grouped by dialogue. Used for docs/evaluation.md:
//   esbuild bench/meld-cv-text.ts --bundle --platform=node --format=cjs --external:better-sqlite3 --outfile=bench/results/meld-cv-text.cjs
//   DB=meld.db [SEED=1] [POW='[0.5,1]' (class weights balanced^pow)] node bench/results/meld-cv-text.cjs '[{}, {"charMode":"char","cmin":1}]' '[0.05,0.1,0.2,0.5]'
import Database from 'better-sqlite3';
import {
  chooseSparseLinearCv,
  groupFolds,
  trainSparseLinear,
  predictSparse,
  balancedClassWeights,
  weightedF1,
  type SparseRow,
} from '../src/main/core/classify';

interface V {
  name: string;
  bits: number;
  charMode: 'wb' | 'char' | 'none';
  cmin: number;
  cmax: number;
  wordN: number;
  wordW: number;
  sub: boolean;
  punct: boolean;
  lower: boolean;
}
const base: V = { name: 'v2', bits: 18, charMode: 'wb', cmin: 2, cmax: 5, wordN: 2, wordW: 0.5, sub: true, punct: true, lower: true };
const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
function fnv(s: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
function blocks(text: string, v: V): Map<number, number>[] {
  const mask = (1 << v.bits) - 1;
  const W = new Map<number, number>(),
    C = new Map<number, number>();
  const add = (m: Map<number, number>, f: string) => {
    const i = fnv(f) & mask;
    m.set(i, (m.get(i) ?? 0) + 1);
  };
  let norm = text.normalize('NFKC').replace(/’/g, "'");
  if (v.lower) norm = norm.toLowerCase();
  const toks = norm.match(WORD_RE) ?? [];
  for (let w = 0; w < toks.length; w++)
    for (let n = 1; n <= v.wordN && n <= w + 1; n++)
      add(W, (n === 1 ? 'w:' : n === 2 ? 'b:' : 't:') + toks.slice(w - n + 1, w + 1).join(' '));
  if (v.punct) for (const m of text.match(/[!?]+|\.\.\.|…/g) ?? []) add(W, 'p:' + m.replace('…', '...').slice(0, 3));
  if (v.charMode === 'wb')
    for (const t of norm.split(/\s+/)) {
      if (!t) continue;
      const p = ' ' + t + ' ';
      for (let n = v.cmin; n <= v.cmax; n++) for (let s = 0; s + n <= p.length; s++) add(C, 'c:' + p.slice(s, s + n));
    }
  if (v.charMode === 'char') {
    const p = norm.replace(/\s+/g, ' ').trim();
    for (let n = v.cmin; n <= v.cmax; n++) for (let s = 0; s + n <= p.length; s++) add(C, 'c:' + p.slice(s, s + n));
  }
  return [W, C];
}
async function main() {
  const db = new Database(process.env.DB ?? 'meld.db', { readonly: true });
  const rows = db
    .prepare("SELECT id, dialogue_id d, text, label FROM utterance WHERE split='train' AND label IS NOT NULL ORDER BY id")
    .all() as { id: number; d: number; text: string; label: string }[];
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const y = rows.map((r) => labels.indexOf(r.label));
  const groups = rows.map((r) => r.d);
  const variants: V[] = JSON.parse(process.argv[2] ?? '[{}]').map((o: Partial<V>) => ({ ...base, ...o, name: JSON.stringify(o) }));
  const Cs = JSON.parse(process.argv[3] ?? '[0.05,0.1,0.2,0.5]');
  for (const v of variants) {
    const t0 = performance.now();
    const bl = rows.map((r) => blocks(r.text ?? '', v));
    // IDF per hashed index over train (fold-internal IDF leak is negligible; same for all variants)
    const df = new Map<number, number>();
    for (const b of bl) {
      const seen = new Set<number>();
      for (const m of b) for (const k of m.keys()) seen.add(k);
      for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1);
    }
    const col = new Map<number, number>();
    for (const k of df.keys()) col.set(k, col.size);
    const n = rows.length;
    const X: SparseRow[] = bl.map((b) => {
      const acc = new Map<number, number>();
      const ne = b.filter((m) => m.size > 0);
      ne.forEach((m) => {
        const isWord = m === b[0];
        const share = ne.length === 1 ? 1 : isWord ? v.wordW : 1 - v.wordW;
        const w = [...m].map(([i, c]) => [i, (v.sub ? 1 + Math.log(c) : c) * (Math.log((1 + n) / (1 + df.get(i)!)) + 1)] as const);
        let s = 0;
        for (const [, x] of w) s += x * x;
        const f = Math.sqrt(share / s);
        for (const [i, x] of w) acc.set(col.get(i)!, (acc.get(col.get(i)!) ?? 0) + x * f);
      });
      const idx = Int32Array.from(acc.keys()).sort();
      return { indices: idx, values: Float64Array.from(idx, (i) => acc.get(i)!) };
    });
    if (process.env.FIT_COST) {
      // the retrain's cost of a variant: non-zeros per row and the CPU of one fit on all of train
      // (C FIT_COST, balanced, with the probability folds as the quick retrain does)
      const nnz = X.reduce((a, r) => a + r.indices.length, 0) / X.length;
      const c0 = process.cpuUsage();
      trainSparseLinear(X, col.size, y, {
        C: Number(process.env.FIT_COST),
        classWeight: balancedClassWeights(y, labels.length),
        probability: true,
        seed: 1,
      });
      const c1 = process.cpuUsage(c0);
      console.log(`${v.name} cols=${col.size} nnz/row=${nnz.toFixed(0)} fit CPU ${((c1.user + c1.system) / 1e6).toFixed(2)} s`);
      continue;
    }
    if (process.env.POW) {
      const fold = groupFolds(groups, 3, Number(process.env.SEED ?? 1));
      for (const pw of JSON.parse(process.env.POW))
        for (const C of Cs) {
          const per: number[] = [];
          for (let f = 0; f < 3; f++) {
            const tr = [...y.keys()].filter((i) => fold[i] !== f),
              he = [...y.keys()].filter((i) => fold[i] === f);
            const yt = tr.map((i) => y[i]);
            const cw = balancedClassWeights(yt, labels.length).map((w) => w ** pw);
            const m = trainSparseLinear(
              tr.map((i) => X[i]),
              col.size,
              yt,
              { C, classWeight: cw, probability: false, seed: 1 },
            );
            per.push(
              weightedF1(
                labels.length,
                he.map((i) => y[i]),
                predictSparse(
                  m,
                  he.map((i) => X[i]),
                ),
              ),
            );
          }
          console.log(
            `${v.name} pow=${pw} C=${C} cv=${(per.reduce((a, b) => a + b) / 3).toFixed(4)} folds=${per.map((p) => p.toFixed(4))}`,
          );
        }
      continue;
    }
    const r = await chooseSparseLinearCv(X, y, {
      Cs,
      balanced: [true],
      d: col.size,
      nClasses: labels.length,
      seed: Number(process.env.SEED ?? 1),
      folds: Number(process.env.FOLDS ?? 3),
      groups,
    });
    console.log(
      `${v.name} cols=${col.size} best C=${r.best.C} cv=${r.best.weighted_f1.toFixed(4)} | ` +
        r.scores.map((s) => `${s.C}:${s.weighted_f1.toFixed(4)}`).join(' ') +
        ` | ${((performance.now() - t0) / 1000).toFixed(0)}s`,
    );
  }
}
main();
