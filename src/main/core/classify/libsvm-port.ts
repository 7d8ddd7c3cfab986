/**
 * A TypeScript port of the C-SVC parts of LIBSVM 3.x (Chang & Lin), dense features, RBF kernel:
 * - the SMO solver with second-order working-set selection (WSS3), shrinking and gradient
 *   reconstruction (Solver::Solve, select_working_set, do_shrinking, calculate_rho);
 * - one-vs-one multi-class training with per-class C (weighted_C = C * weight, LIBSVM's -wi);
 * - probability estimates: 5-fold internal cross-validation decision values per class pair,
 *   Platt's sigmoid fitted by Lin, Lin & Weng's Newton method (sigmoid_train), and pairwise
 *   coupling by Wu, Lin & Weng's second method (multiclass_probability);
 * - prediction by one-vs-one voting (svm_predict) and probabilities (svm_predict_probability).
 *
 * Numerics follow LIBSVM: kernel rows are cached as 32-bit floats (LIBSVM's Qfloat), all other
 * arithmetic in doubles, eps 1e-3, TAU 1e-12. Classes are taken in index order (as sklearn's
 * LIBSVM fork sorts labels), rows within a class in input order, so the solver path is the one
 * sklearn's SVC takes on the same data. The internal CV shuffle uses our seeded generator, so
 * probabilities (not predictions) differ slightly from any other LIBSVM build, as they do
 * between LIBSVM builds themselves.
 *
 * Why a port rather than libsvm-js (the emscripten build on npm): measured on MELD-sized data it
 * trains ~7x slower than sklearn's native LIBSVM (sparse node format, no SIMD), far from the time
 * target; this port uses dense rows and shares one kernel cache across all class pairs and CV
 * folds. The test suite checks it against libsvm-js and against sklearn.
 */

import { checkStop, type ShouldStop } from './stop';
export type DenseRows = ReadonlyArray<ArrayLike<number>>;

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/**
 * Lazily computed RBF Gram rows over a "universe" of row indices, kept as Float32 rows with LRU
 * eviction beyond a byte budget. Entries of already computed rows are reused by symmetry.
 */
export class GramCache {
  readonly size: number;
  private readonly d: number;
  private readonly data: Float64Array;
  private readonly sq: Float64Array;
  private readonly rows: (Float32Array | null)[];
  private readonly lru = new Map<number, true>();
  private readonly capacity: number;
  private readonly need: Int32Array;
  /** number of kernel rows computed (for diagnostics) */
  computed = 0;

  /**
   * @param X all rows
   * @param universe indices into X that this cache covers (position u = universe[u])
   */
  constructor(
    X: DenseRows,
    universe: ArrayLike<number>,
    private readonly gamma: number,
    budgetBytes: number,
  ) {
    const n = universe.length;
    const d = n > 0 ? X[universe[0]].length : 0;
    this.size = n;
    this.d = d;
    this.data = new Float64Array(n * d);
    this.sq = new Float64Array(n);
    for (let u = 0; u < n; u++) {
      const r = X[universe[u]];
      const off = u * d;
      for (let k = 0; k < d; k++) this.data[off + k] = r[k];
      this.sq[u] = this.dot(u, u);
    }
    this.rows = new Array(n).fill(null);
    this.need = new Int32Array(n);
    this.capacity = Math.max(2, Math.floor(budgetBytes / Math.max(1, 4 * n)));
  }

  /** x_a . x_b summed in feature order (one chain, as LIBSVM's dot), so K is exactly symmetric. */
  private dot(a: number, b: number): number {
    const d = this.d;
    const x = this.data;
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += x[oa + k] * x[ob + k];
    return s;
  }

  /** K(u, v) in double precision as LIBSVM's kernel_rbf (used for the diagonal QD). */
  kernel(u: number, v: number): number {
    return Math.exp(-this.gamma * (this.sq[u] + this.sq[v] - 2 * this.dot(u, v)));
  }

  /** Row u of the Gram matrix over the whole universe, as 32-bit floats. */
  row(u: number): Float32Array {
    const cached = this.rows[u];
    if (cached) {
      this.lru.delete(u);
      this.lru.set(u, true);
      return cached;
    }
    const out = this.computeRow(u);
    this.computed++;
    if (this.lru.size >= this.capacity) {
      const oldest = this.lru.keys().next().value as number;
      this.lru.delete(oldest);
      this.rows[oldest] = null;
    }
    this.rows[u] = out;
    this.lru.set(u, true);
    return out;
  }

  private computeRow(u: number): Float32Array {
    const n = this.size;
    const d = this.d;
    const x = this.data;
    const sq = this.sq;
    const g = this.gamma;
    const squ = sq[u];
    const out = new Float32Array(n);
    const rows = this.rows;
    const need = this.need;
    let m = 0;
    // entries already known from cached rows (K is symmetric), the rest computed below
    for (let v = 0; v < n; v++) {
      const rv = rows[v];
      if (rv) out[v] = rv[u];
      else need[m++] = v;
    }
    const ou = u * d;
    let t = 0;
    // four columns at a time: x_u is loaded once for four independent sums
    for (; t + 3 < m; t += 4) {
      const v0 = need[t];
      const v1 = need[t + 1];
      const v2 = need[t + 2];
      const v3 = need[t + 3];
      const o0 = v0 * d;
      const o1 = v1 * d;
      const o2 = v2 * d;
      const o3 = v3 * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const a = x[ou + k];
        s0 += a * x[o0 + k];
        s1 += a * x[o1 + k];
        s2 += a * x[o2 + k];
        s3 += a * x[o3 + k];
      }
      out[v0] = Math.exp(-g * (squ + sq[v0] - 2 * s0));
      out[v1] = Math.exp(-g * (squ + sq[v1] - 2 * s1));
      out[v2] = Math.exp(-g * (squ + sq[v2] - 2 * s2));
      out[v3] = Math.exp(-g * (squ + sq[v3] - 2 * s3));
    }
    for (; t < m; t++) {
      const v = need[t];
      out[v] = Math.exp(-g * (squ + sq[v] - 2 * this.dot(u, v)));
    }
    return out;
  }
}

export interface BinarySolution {
  /** y_i * alpha_i for each row of the subproblem, in the subproblem's order */
  coef: Float64Array;
  rho: number;
  iterations: number;
}

/**
 * LIBSVM's solve_c_svc: min 0.5 a'Qa - e'a, 0 <= a_i <= C_{y_i}, y'a = 0, Q_ij = y_i y_j K_ij.
 * @param gram kernel rows
 * @param uidx0 universe position of each row of the subproblem
 * @param y0 +1 / -1 per row
 */
export function solveCSVC(
  gram: GramCache,
  uidx0: ArrayLike<number>,
  y0: ArrayLike<number>,
  Cp: number,
  Cn: number,
  eps = 1e-3,
  shrinking = true,
  shouldStop?: ShouldStop,
): BinarySolution {
  const s = new Solver(gram, uidx0, y0, Cp, Cn, eps);
  return s.solve(shrinking, shouldStop);
}

/**
 * Solver::Solve of LIBSVM for C-SVC. Arrays are indexed by solver position; positions are
 * swapped by shrinking exactly as LIBSVM's swap_index does. Q_ij = y_i y_j K[uidx_i][uidx_j]:
 * sign flips are exact, so every quantity is bitwise the one LIBSVM computes from Qfloat rows.
 */
class Solver {
  readonly l: number;
  readonly uidx: Int32Array;
  readonly y: Float64Array;
  readonly p: Float64Array;
  readonly alpha: Float64Array;
  readonly status: Uint8Array;
  readonly activeSet: Int32Array;
  readonly QD: Float64Array;
  readonly G: Float64Array;
  readonly Gbar: Float64Array;
  activeSize: number;
  unshrink = false;

  constructor(
    readonly gram: GramCache,
    uidx0: ArrayLike<number>,
    y0: ArrayLike<number>,
    readonly Cp: number,
    readonly Cn: number,
    readonly eps: number,
  ) {
    const l = uidx0.length;
    this.l = l;
    this.uidx = Int32Array.from(uidx0);
    this.y = new Float64Array(l);
    for (let i = 0; i < l; i++) this.y[i] = y0[i] > 0 ? 1 : -1;
    this.p = new Float64Array(l).fill(-1);
    this.alpha = new Float64Array(l);
    this.status = new Uint8Array(l); // LOWER: alpha starts at 0
    this.activeSet = new Int32Array(l);
    this.QD = new Float64Array(l);
    this.G = new Float64Array(l);
    this.Gbar = new Float64Array(l);
    for (let i = 0; i < l; i++) {
      this.activeSet[i] = i;
      this.QD[i] = gram.kernel(this.uidx[i], this.uidx[i]);
      this.G[i] = this.p[i];
    }
    this.activeSize = l;
  }

  private getC(i: number): number {
    return this.y[i] > 0 ? this.Cp : this.Cn;
  }

  private updateStatus(i: number): void {
    const c = this.getC(i);
    const a = this.alpha[i];
    this.status[i] = a >= c ? UPPER : a <= 0 ? LOWER : FREE;
  }

  private swap(i: number, j: number): void {
    swapI(this.uidx, i, j);
    swapF(this.y, i, j);
    swapF(this.G, i, j);
    const t = this.status[i];
    this.status[i] = this.status[j];
    this.status[j] = t;
    swapF(this.alpha, i, j);
    swapF(this.p, i, j);
    swapI(this.activeSet, i, j);
    swapF(this.Gbar, i, j);
    swapF(this.QD, i, j);
  }

  private reconstructGradient(): void {
    const { l, activeSize, G, Gbar, p, status, alpha, y, uidx, gram } = this;
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j] + p[j];
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Ki = gram.row(uidx[i]);
        const yi = y[i];
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) G[i] += alpha[j] * (yi * y[j] * Ki[uidx[j]]);
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Ki = gram.row(uidx[i]);
        const ai = alpha[i];
        const yi = y[i];
        for (let j = activeSize; j < l; j++) G[j] += ai * (yi * y[j] * Ki[uidx[j]]);
      }
    }
  }

  /** WSS3; returns i * l + j, or -1 when optimal within eps. */
  private selectWorkingSet(): number {
    const { activeSize, G, y, status, QD, uidx, eps } = this;
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      const st = status[t];
      if (y[t] > 0) {
        if (st !== UPPER) {
          const v = -G[t];
          if (v >= Gmax) {
            Gmax = v;
            GmaxIdx = t;
          }
        }
      } else if (st !== LOWER) {
        const v = G[t];
        if (v >= Gmax) {
          Gmax = v;
          GmaxIdx = t;
        }
      }
    }
    if (GmaxIdx === -1) {
      // I_up empty: only Gmax2 matters and no pair can be chosen
      return -1;
    }
    const Ki = this.gram.row(uidx[GmaxIdx]);
    const QDi = QD[GmaxIdx];
    for (let j = 0; j < activeSize; j++) {
      const st = status[j];
      let yG: number;
      if (y[j] > 0) {
        if (st === LOWER) continue;
        yG = G[j];
      } else {
        if (st === UPPER) continue;
        yG = -G[j];
      }
      // y_j G_j is the I_low value; grad_diff = Gmax + y_j G_j
      if (yG >= Gmax2) Gmax2 = yG;
      const gradDiff = Gmax + yG;
      if (gradDiff > 0) {
        // QD[i] + QD[j] - 2 y_i Q_ij with y_i Q_ij = y_j K_ij ... = QD_i + QD_j - 2 K_ij in both branches
        const quad = QDi + QD[j] - 2 * Ki[uidx[j]];
        const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
        if (objDiff <= objDiffMin) {
          GminIdx = j;
          objDiffMin = objDiff;
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return -1;
    return GmaxIdx * this.l + GminIdx;
  }

  private beShrunk(i: number, Gmax1: number, Gmax2: number): boolean {
    const st = this.status[i];
    const g = this.G[i];
    if (st === UPPER) return this.y[i] > 0 ? -g > Gmax1 : -g > Gmax2;
    if (st === LOWER) return this.y[i] > 0 ? g > Gmax2 : g > Gmax1;
    return false;
  }

  private doShrinking(): void {
    const { G, y, status } = this;
    let Gmax1 = -Infinity; // max { -y_i * grad(f)_i | i in I_up(alpha) }
    let Gmax2 = -Infinity; // max { y_i * grad(f)_i | i in I_low(alpha) }
    for (let i = 0; i < this.activeSize; i++) {
      if (y[i] > 0) {
        if (status[i] !== UPPER && -G[i] >= Gmax1) Gmax1 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax2) Gmax2 = G[i];
      } else {
        if (status[i] !== UPPER && -G[i] >= Gmax2) Gmax2 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax1) Gmax1 = G[i];
      }
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (this.beShrunk(i, Gmax1, Gmax2)) {
        this.activeSize--;
        while (this.activeSize > i) {
          if (!this.beShrunk(this.activeSize, Gmax1, Gmax2)) {
            this.swap(i, this.activeSize);
            break;
          }
          this.activeSize--;
        }
      }
    }
  }

  /** Two-variable update on (i, j) and the gradient update. */
  private step(i: number, j: number): void {
    const { alpha, G, Gbar, y, QD, uidx, status, l } = this;
    const Ki = this.gram.row(uidx[i]);
    const Kj = this.gram.row(uidx[j]);
    const Kij = Ki[uidx[j]];
    const Ci = this.getC(i);
    const Cj = this.getC(j);
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    let ai = oldAi;
    let aj = oldAj;
    let quad = QD[i] + QD[j] - 2 * Kij; // QD_i + QD_j -/+ 2 Q_ij in both cases
    if (quad <= 0) quad = TAU;
    if (y[i] !== y[j]) {
      const delta = (-G[i] - G[j]) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      const delta = (G[i] - G[j]) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;

    // G_k += Q_ik da_i + Q_jk da_j, Q_ik = y_i y_k K_ik
    const di = y[i] * (ai - oldAi);
    const dj = y[j] * (aj - oldAj);
    const n = this.activeSize;
    for (let k = 0; k < n; k++) {
      const u = uidx[k];
      G[k] += y[k] * (Ki[u] * di + Kj[u] * dj);
    }

    const ui = status[i] === UPPER;
    const uj = status[j] === UPPER;
    this.updateStatus(i);
    this.updateStatus(j);
    // G_bar_k +/-= C_i Q_ik when alpha_i enters / leaves its upper bound
    if (ui !== (status[i] === UPPER)) addSignedRow(Gbar, y, uidx, Ki, (ui ? -Ci : Ci) * y[i], l);
    if (uj !== (status[j] === UPPER)) addSignedRow(Gbar, y, uidx, Kj, (uj ? -Cj : Cj) * y[j], l);
  }

  private calculateRho(): number {
    const { y, G, status } = this;
    let nrFree = 0;
    let ub = Infinity;
    let lb = -Infinity;
    let sumFree = 0;
    for (let i = 0; i < this.activeSize; i++) {
      const yG = y[i] * G[i];
      if (status[i] === UPPER) {
        if (y[i] < 0) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (status[i] === LOWER) {
        if (y[i] > 0) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nrFree++;
        sumFree += yG;
      }
    }
    return nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
  }

  solve(shrinking: boolean, shouldStop?: ShouldStop): BinarySolution {
    const l = this.l;
    const maxIter = Math.max(10_000_000, l > 21474836 ? 2147483647 : 100 * l);
    let counter = Math.min(l, 1000) + 1;
    let iter = 0;
    while (iter < maxIter) {
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        checkStop(shouldStop); // a cancelled job stops here (every <= 1000 SMO steps)
        if (shrinking) this.doShrinking();
      }
      let ws = this.selectWorkingSet();
      if (ws < 0) {
        this.reconstructGradient();
        this.activeSize = l;
        ws = this.selectWorkingSet();
        if (ws < 0) break;
        counter = 1; // do shrinking next iteration
      }
      ++iter;
      this.step(Math.floor(ws / l), ws % l);
    }
    if (iter >= maxIter && this.activeSize < l) {
      this.reconstructGradient();
      this.activeSize = l;
    }
    const rho = this.calculateRho();
    const coef = new Float64Array(l);
    for (let i = 0; i < l; i++) coef[this.activeSet[i]] = this.alpha[i] * this.y[i];
    return { coef, rho, iterations: iter };
  }
}

/** out_k += y_k * (c * K[uidx_k]) for k < l (a separate function: a rarely taken path). */
function addSignedRow(out: Float64Array, y: Float64Array, uidx: Int32Array, K: Float32Array, c: number, l: number): void {
  for (let k = 0; k < l; k++) out[k] += y[k] * (c * K[uidx[k]]);
}

function swapF(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function swapI(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Platt sigmoid fit (LIBSVM's sigmoid_train); labels > 0 positive. Returns [A, B]. */
export function sigmoidTrain(dec: ArrayLike<number>, labels: ArrayLike<number>): [number, number] {
  const l = dec.length;
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) {
    if (labels[i] > 0) prior1 += 1;
    else prior0 += 1;
  }
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(l);
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = 0;
  for (let i = 0; i < l; i++) {
    t[i] = labels[i] > 0 ? hiTarget : loTarget;
    const fApB = dec[i] * A + B;
    fval += fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i] * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        const e = Math.exp(-fApB);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(fApB);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2;
      h22 += d2;
      h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let stepsize = 1;
    while (stepsize >= minStep) {
      const newA = A + stepsize * dA;
      const newB = B + stepsize * dB;
      let newf = 0;
      for (let i = 0; i < l; i++) {
        const fApB = dec[i] * newA + newB;
        newf += fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
      }
      if (newf < fval + 0.0001 * stepsize * gd) {
        A = newA;
        B = newB;
        fval = newf;
        break;
      }
      stepsize /= 2;
    }
    if (stepsize < minStep) break; // line search fails
  }
  return [A, B];
}

/** P(positive | decision value) under the fitted sigmoid (LIBSVM's sigmoid_predict). */
export function sigmoidPredict(dec: number, A: number, B: number): number {
  const fApB = dec * A + B;
  if (fApB >= 0) {
    const e = Math.exp(-fApB);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(fApB));
}

/**
 * Pairwise coupling (LIBSVM's multiclass_probability, Wu, Lin & Weng 2004, method 2).
 * r[i][j] = P(class i | class i or j). Returns p summing to 1.
 */
export function multiclassProbability(k: number, r: Float64Array[]): Float64Array {
  const p = new Float64Array(k);
  const Q: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k));
  const Qp = new Float64Array(k);
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    Q[t][t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = Q[j][t];
    }
    for (let j = t + 1; j < k; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) {
      const error = Math.abs(Qp[t] - pQp);
      if (error > maxError) maxError = error;
    }
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}
