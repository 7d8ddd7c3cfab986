// LIBLINEAR's primal solver of the linear SVM (-s 2), trust-region Newton, over dense or sparse rows
// (LinearRows); hand-written as the rest of linear-solver.ts, no maintained LIBLINEAR build on npm.
/*
 * Where a fit's CPU goes (2 December 2026, the default retrain's C search on the 10,000-row media
 * rows, 210 problems on one thread, performance.now() around each part): Hessian products 51%
 * (5,121 of them, 27.5M active rows), CG's loops over the 102,097 columns 17%, the passes over the
 * rows for f, the gradient and the preconditioner 30% (2,562 passes), the rest 2%. The start now
 * skips the passes that repeated work (f(0) from zero margins, a cold start's second pass at 0, a
 * warm start's products from the previous C's margins): 2,100 passes, the same bits. The passes
 * run in the CSR rows' WebAssembly kernel (LinearRows.dots / axpys / axpysSq), one call each.
 * TRON is a generator of its Hessian products (tronSteps) so that the C search can run a fold's
 * classes side by side and answer their products in one SIMD pass (linear-lockstep.ts); CG's column
 * loops sit in plain functions outside the generator. Alone (tronL2Svc, primalBinary) each product is
 * X.hessVec as before: the same bits.
 */
import type { LinearRows } from './linear-rows';
import { addScaled, cgStart, sumOf, TronWork } from './linear-tron-cg';
import { checkStop, type ShouldStop } from './stop';

/** A Hessian product TRON asks for (tronSteps yields it): Hs += sum over t < m of Ci[i] (x_i . s) x_i, i = I[t]. */
export interface HessVecAsk {
  /** rows, ascending (TRON's active set) */
  I: Int32Array;
  m: number;
  Ci: Float64Array;
  s: Float64Array;
  /** all +0 when asked */
  Hs: Float64Array;
}

/**
 * LIBLINEAR's primal solver for the binary problem (`-s 2`): trust-region Newton with
 * preconditioned conjugate gradients (TRON, Lin & Moré 1999; Hsia, Chiang & Lin 2018) on
 *   f(w) = 0.5 w'w + sum_i C_i max(0, 1 - y_i w'x_i)^2
 * stopping when ||grad f(w)|| <= eps * max(min(#pos, #neg), 1) / l * ||grad f(0)||.
 * Much faster than the dual when C is not small (the dual needs its 1000 epochs there).
 * `w` is the starting point and receives the solution. `margins.z`, when given: y_i w'x_i of the
 * starting w (saves a pass over the rows); on return, those of the solution (null when TRON's last
 * evaluation was a rejected trial point). The iterates are the same bits with or without them.
 * `fullDim`: X.dim of the problem before its unused columns were dropped (CsrLinearRows.compact), so
 * that CG's iteration cap, max(dim, 5), stays that problem's. @returns the Newton iterations
 */
export function tronL2Svc(
  X: LinearRows,
  y: Int8Array,
  Ci: Float64Array,
  eps: number,
  maxIter: number,
  w: Float64Array,
  shouldStop?: ShouldStop,
  margins?: { z: Float64Array | null },
  fullDim?: number,
): number {
  return alone(X, tronSteps(X, y, Ci, eps, maxIter, w, shouldStop, margins, fullDim));
}

/** Runs TRON's steps alone, answering each Hessian product with X.hessVec. */
function alone<R>(X: LinearRows, steps: Generator<HessVecAsk, R, void>): R {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const a = r.value;
    X.hessVec(a.I, a.m, a.Ci, a.s, a.Hs);
  }
}

/**
 * tronL2Svc as a generator: it yields each Hessian product it needs (the same object every time),
 * to be added into ask.Hs before it resumes; the rest (CG, the passes for f, the gradient and the
 * preconditioner) runs inside. tronL2Svc answers each with X.hessVec; the C search answers the asks
 * of several classes' TRONs with one pass over the rows (LinearRows.hessVecs, linear-lockstep.ts).
 * @returns the Newton iterations
 */
export function* tronSteps(
  X: LinearRows,
  y: Int8Array,
  Ci: Float64Array,
  eps: number,
  maxIter: number,
  w: Float64Array,
  shouldStop?: ShouldStop,
  margins?: { z: Float64Array | null },
  fullDim?: number,
  work?: TronWork,
): Generator<HessVecAsk, number, void> {
  const n = X.n;
  const d1 = X.dim;
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i] > 0) pos++;
  const tol = (eps * Math.max(Math.min(pos, n - pos), 1)) / n;
  const z = new Float64Array(n); // y_i w'x_i
  const I = new Int32Array(n);
  let sizeI = 0;

  // f(ww) from the margins z of ww: 0.5 ww'ww, then the rows in order
  const fromMargins = (ww: Float64Array): number => {
    let f = 0;
    for (let k = 0; k < d1; k++) f += ww[k] * ww[k];
    f /= 2;
    for (let i = 0; i < n; i++) {
      const dd = 1 - z[i];
      if (dd > 0) f += Ci[i] * dd * dd;
    }
    return f;
  };
  // the passes over the rows: one call each (LinearRows.dots / axpys / axpysSq; the CSR kernel's)
  const fun = (ww: Float64Array): number => {
    X.dots(ww, y, z);
    return fromMargins(ww);
  };
  const A = new Float64Array(n); // per active row: its coefficient in the gradient
  const B = new Float64Array(n); // per active row: its coefficient in the preconditioner
  // the active set I of the point of the last fun() call, and A
  const active = (): void => {
    sizeI = 0;
    for (let i = 0; i < n; i++) {
      if (z[i] < 1) {
        I[sizeI] = i;
        A[sizeI++] = Ci[i] * y[i] * (z[i] - 1);
      }
    }
  };
  // gradient at the point of the last fun() call; also sets the active set I
  const grad = (ww: Float64Array, g: Float64Array): void => {
    active();
    g.fill(0);
    X.axpys(I, sizeI, A, g);
    for (let k = 0; k < d1; k++) g[k] = ww[k] + 2 * g[k];
  };
  // grad, and the preconditioner M on the same active rows, in one pass over them (LinearRows.axpysSq;
  // each sum as the separate passes had it)
  const gradPrecond = (ww: Float64Array, g: Float64Array, M: Float64Array): void => {
    active();
    for (let t = 0; t < sizeI; t++) B[t] = Ci[I[t]];
    g.fill(0);
    M.fill(0);
    X.axpysSq(I, sizeI, A, g, B, M);
    for (let k = 0; k < d1; k++) g[k] = ww[k] + 2 * g[k];
    const alphaPcg = 0.01;
    for (let k = 0; k < d1; k++) M[k] = 1 - alphaPcg + alphaPcg * (1 + 2 * M[k]);
  };
  const dotv = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < d1; k++) s += a[k] * b[k];
    return s;
  };
  const uTMv = (a: Float64Array, M: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < d1; k++) s += a[k] * M[k] * b[k];
    return s;
  };

  // the vectors over the columns: each written before it is read, but `zero`
  const cg = work ?? new TronWork(); // and CG's per-step loops over them
  const [g, M, s, r0, r1, dv, Hd, zz, wNew, zero] = cg.vectors(d1);
  let r = r0;
  let rNew = r1;
  const ask: HessVecAsk = { I, m: 0, Ci, s: dv, Hs: Hd };
  const sums = new Float64Array(2);

  // preconditioned CG on the trust region (LIBLINEAR's trpcg); returns reach_boundary
  function* trpcg(delta: number): Generator<HessVecAsk, boolean, void> {
    cgStart(s, r, zz, dv, g, M, d1);
    Hd.fill(0);
    let zTr = dotv(zz, r);
    const cgtol = 0.1 * Math.sqrt(zTr);
    let cgIter = 0;
    const maxCg = Math.max(fullDim ?? d1, 5);
    while (cgIter < maxCg) {
      if (Math.sqrt(zTr) <= cgtol) break;
      cgIter++;
      // Hd = H dv (the rows' part asked for; Hd is zero here), fused with dv'Hd; then one pass for
      // s += alpha dv with s'Ms and the residual update with z'r, the new residual in rNew so that
      // r stays for the boundary step. Each sum runs in the order of LIBLINEAR's separate loops
      // (the loops before this fusion), so the iterates are the same bits.
      ask.m = sizeI;
      yield ask;
      const dHd = cg.curvature(dv, Hd, d1);
      if (dHd <= 1e-16) break;
      let alpha = zTr / dHd;
      cg.move(s, dv, M, r, rNew, zz, Hd, alpha, d1, sums);
      const sMs = sums[0];
      const znew = sums[1];
      if (Math.sqrt(sMs) > delta) {
        addScaled(s, -alpha, dv, d1);
        const sTMd = uTMv(s, M, dv);
        const sTMs = uTMv(s, M, s);
        const dTMd = uTMv(dv, M, dv);
        const dsq = delta * delta;
        const rad = Math.sqrt(sTMd * sTMd + dTMd * (dsq - sTMs));
        alpha = sTMd >= 0 ? (dsq - sTMs) / (sTMd + rad) : (rad - sTMd) / dTMd;
        addScaled(s, alpha, dv, d1);
        addScaled(r, -alpha, Hd, d1);
        return true;
      }
      const rOld = r;
      r = rNew;
      rNew = rOld;
      const beta = znew / zTr;
      cg.next(dv, zz, Hd, beta, d1);
      zTr = znew;
    }
    return false;
  }

  const eta0 = 1e-4;
  const eta1 = 0.25;
  const eta2 = 0.75;
  const sigma1 = 0.25;
  const sigma2 = 0.5;
  const sigma3 = 4;
  // gradient norm at w = 0 for the stopping rule. There every margin is 0 (a row's product with zeros
  // adds zeros to the bias's 0; the rows are finite), so f(0) needs no pass over the rows; the
  // gradient does (it depends on C_i).
  z.fill(0);
  let f = fromMargins(zero);
  let cold = true;
  for (let k = 0; k < d1 && cold; k++) cold = w[k] === 0 && 1 / w[k] > 0;
  if (cold) gradPrecond(zero, g, M);
  else grad(zero, g);
  const gnorm0 = Math.sqrt(dotv(g, g));
  // f and the gradient at the start: at w = +0 everywhere (a cold start) the ones just computed
  // (fun(0) and grad(0) gave the same bits); with the margins of w given (a warm start along C: they
  // do not depend on C) f without a pass over the rows; else both afresh
  if (!cold) {
    if (margins?.z) {
      z.set(margins.z);
      f = fromMargins(w);
    } else f = fun(w);
    gradPrecond(w, g, M);
  }
  let gnorm = Math.sqrt(dotv(g, g));
  // whether z holds the margins of w (not of a rejected trial point)
  let zAtW = true;
  const search = gnorm > tol * gnorm0;
  let delta = Math.sqrt(uTMv(g, M, g));
  let iter = 1;
  while (iter <= maxIter && search) {
    checkStop(shouldStop);
    const reachBoundary = yield* trpcg(delta);
    sumOf(wNew, w, s, d1);
    const gs = dotv(g, s);
    const prered = -0.5 * (gs - dotv(s, r));
    const fnew = fun(wNew);
    zAtW = false;
    const actred = f - fnew;
    const sMnorm = Math.sqrt(uTMv(s, M, s));
    if (iter === 1) delta = Math.min(delta, sMnorm);
    const alpha = fnew - f - gs <= 0 ? sigma3 : Math.max(sigma1, -0.5 * (gs / (fnew - f - gs)));
    if (actred < eta0 * prered) delta = Math.min(alpha * sMnorm, sigma2 * delta);
    else if (actred < eta1 * prered) delta = Math.max(sigma1 * delta, Math.min(alpha * sMnorm, sigma2 * delta));
    else if (actred < eta2 * prered) delta = Math.max(sigma1 * delta, Math.min(alpha * sMnorm, sigma3 * delta));
    else if (reachBoundary) delta = sigma3 * delta;
    else delta = Math.max(delta, Math.min(alpha * sMnorm, sigma3 * delta));
    if (actred > eta0 * prered) {
      iter++;
      w.set(wNew);
      zAtW = true;
      f = fnew;
      gradPrecond(w, g, M); // z holds y_i w'x_i for w = wNew from the fun() call above
      gnorm = Math.sqrt(dotv(g, g));
      if (gnorm <= tol * gnorm0) break;
    }
    // a rejected step leaves g, M and the active set of w as they were
    if (f < -1e32) break;
    if (prered <= 0) break;
    if (Math.abs(actred) <= 1e-12 * Math.abs(f) && Math.abs(prered) <= 1e-12 * Math.abs(f)) break;
  }
  if (margins) margins.z = zAtW ? z : null;
  return iter;
}

/**
 * One one-vs-rest binary problem by TRON: rows `rows` of the training rows (X row r is training row
 * rows[r]), class `cls` positive with C `Cpos`, every other row negative with C `C`, from w = 0 or
 * from a copy of `w0` (the C search's warm start along C, linear-cv.ts; the stopping rule still
 * measures against the gradient at 0, so only where TRON starts changes), with `z0` its margins when
 * known (tronL2Svc's `margins`: the same iterates, one pass over the rows fewer), `fullDim` as
 * tronL2Svc's. The one code of the sequential fit (linear-solver.ts), the C search and their worker
 * threads (linear-worker.ts), so they give the same bits.
 */
export function primalBinary(
  X: LinearRows,
  y: ArrayLike<number>,
  rows: Int32Array,
  cls: number,
  Cpos: number,
  C: number,
  eps: number,
  maxIter: number,
  shouldStop?: ShouldStop,
  w0?: Float64Array,
  z0?: Float64Array | null,
  fullDim?: number,
): PrimalSolution {
  return alone(X, primalSteps(X, y, rows, cls, Cpos, C, eps, maxIter, shouldStop, w0, z0, fullDim));
}

/** What primalBinary returns: the weights, the Newton iterations and the weights' margins (null when unknown). */
export interface PrimalSolution {
  w: Float64Array;
  iter: number;
  z: Float64Array | null;
}

/** primalBinary as a generator of its Hessian products (tronSteps), for the C search's lockstep; `work`: tronSteps' vectors. */
export function* primalSteps(
  X: LinearRows,
  y: ArrayLike<number>,
  rows: Int32Array,
  cls: number,
  Cpos: number,
  C: number,
  eps: number,
  maxIter: number,
  shouldStop?: ShouldStop,
  w0?: Float64Array,
  z0?: Float64Array | null,
  fullDim?: number,
  work?: TronWork,
): Generator<HessVecAsk, PrimalSolution, void> {
  const n = rows.length;
  const yy = new Int8Array(n);
  const Ci = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    yy[r] = y[rows[r]] === cls ? 1 : -1;
    Ci[r] = yy[r] > 0 ? Cpos : C;
  }
  const w = w0 ? Float64Array.from(w0) : new Float64Array(X.dim);
  const margins = { z: z0 ?? null };
  const iter = yield* tronSteps(X, yy, Ci, eps, maxIter, w, shouldStop, margins, fullDim, work);
  return { w, iter, z: margins.z };
}
