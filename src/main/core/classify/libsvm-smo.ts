// LIBSVM's SMO solver for one binary C-SVC problem (Solver::Solve: WSS3, shrinking, gradient reconstruction),
// ported by hand: libsvm-js measured ~7x slower (libsvm-port.ts says more); its path is sklearn SVC's.
import type { GramCache } from './libsvm-kernel-cache';
import { checkStop, type ShouldStop } from './stop';

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

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
