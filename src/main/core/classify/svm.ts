/**
 * The SVM classifier used after feature extraction / fusion: trainSvm, predict, predictProba,
 * serialize, loadSvm. Pure functions over arrays; no database, no worker, no electron.
 *
 * kernel 'rbf': C-SVC as LIBSVM / sklearn's SVC(kernel='rbf', class_weight='balanced',
 *   probability=True) - our TypeScript port of LIBSVM (see libsvm-port.ts), predictions by
 *   one-vs-one voting, probabilities by Platt scaling on internal 5-fold CV and pairwise coupling.
 * kernel 'linear': LIBLINEAR-style one-vs-rest linear SVM (linear-svc.ts on linear-solver.ts),
 *   probabilities by per-class Platt sigmoids on k-fold CV decision values, normalised.
 *   (This is not SVC(kernel='linear'); it is LinearSVC + CalibratedClassifierCV.)
 *
 * Class indices are 0..nClasses-1; predictProba columns are in that order and rows sum to 1
 * (a class absent from training gets probability 0). Training is deterministic given `seed`.
 */
import { decisionLinear, predictLinear, predictProbaLinear, trainLinear, type LinearModelData } from './linear-svc';
import { decisionRbf, predictProbaRbf, predictRbf, trainRbf, type RbfModelData } from './rbf-svc';
import type { ShouldStop } from './stop';

export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

export interface SvmOptions {
  kernel: 'rbf' | 'linear';
  C: number;
  /** RBF width; 'scale' (default) = 1 / (n_features * X.var()) over the training rows, as sklearn */
  gamma?: number | 'scale';
  /** class weights n_samples / (n_classes * count_k) (sklearn's 'balanced'); otherwise all 1 */
  balanced: boolean;
  probability: boolean;
  /** seed of the internal shuffles (probability CV, linear fold split); default 0 */
  seed?: number;
  /** number of classes (predictProba columns); default max(y) + 1 */
  nClasses?: number;
  /** RBF kernel cache in MiB (default 512); the whole Gram matrix is kept when it fits */
  cacheMB?: number;
  /** stopping tolerance: RBF LIBSVM -e (default 1e-3); linear LIBLINEAR -e (default 0.01 primal) */
  eps?: number;
  /** linear only: 'primal' TRON (default) or 'dual' coordinate descent */
  linearSolver?: 'primal' | 'dual';
  /** linear only: folds of the CV behind the probability sigmoids (default 3) */
  probabilityFolds?: number;
  /** progress of the training steps (binary problems) */
  onProgress?: (done: number, total: number) => void;
  /** polled inside the solvers: true stops the fit with an AbortError (a cancelled job) */
  shouldStop?: ShouldStop;
}

export interface SvmParams {
  kernel: 'rbf' | 'linear';
  C: number;
  /** resolved numeric gamma (rbf), null for linear */
  gamma: number | null;
  gammaSpec: number | 'scale' | null;
  balanced: boolean;
  probability: boolean;
  seed: number;
  /** the per-class weights used (C of class k = C * classWeight[k]) */
  classWeight: number[];
}

export interface SvmInfo {
  trainSeconds: number;
  nTrain: number;
  /** RBF: number of support vectors */
  nSupportVectors: number | null;
  /** solver iterations (RBF: SMO steps; linear: Newton iterations or epochs) */
  iterations: number;
}

export interface SvmModel {
  readonly kernel: 'rbf' | 'linear';
  readonly nClasses: number;
  readonly nFeatures: number;
  /** class indices seen in training, ascending */
  readonly classes: number[];
  readonly params: SvmParams;
  readonly info: SvmInfo;
  readonly hasProbability: boolean;
  /** predicted class index per row (RBF: one-vs-one votes as LIBSVM / sklearn's predict) */
  predict(X: FeatureRows): number[];
  /** class probabilities per row, columns 0..nClasses-1, rows sum to 1 */
  predictProba(X: FeatureRows): number[][];
  /** raw decision values: RBF one-vs-one pairs in LIBSVM order; linear one-vs-rest per trained class */
  decisionFunction(X: FeatureRows): number[][];
  /** JSON text (typed arrays base64) that loadSvm restores to identical predictions */
  serialize(): string;
}

const FORMAT = 'emotion-studio-svm';
const VERSION = 1;

/** sklearn's gamma='scale': 1 / (n_features * variance of all entries); 1 when that variance is 0. */
export function gammaScale(X: FeatureRows): number {
  const n = X.length;
  if (n === 0) throw new Error('gammaScale: no rows');
  const d = X[0].length;
  let sum = 0;
  for (const r of X) for (let k = 0; k < d; k++) sum += r[k];
  const mean = sum / (n * d);
  let v = 0;
  for (const r of X) {
    for (let k = 0; k < d; k++) {
      const t = r[k] - mean;
      v += t * t;
    }
  }
  v /= n * d;
  return v > 0 ? 1 / (d * v) : 1;
}

/** sklearn's compute_class_weight('balanced'): n / (n_present_classes * count_k); 1 for absent classes. */
export function balancedClassWeights(y: ArrayLike<number>, nClasses: number): number[] {
  const count = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) count[y[i]]++;
  const present = count.filter((c) => c > 0).length;
  return count.map((c) => (c > 0 ? y.length / (present * c) : 1));
}

function validate(X: FeatureRows, y: ArrayLike<number>, nClasses: number): void {
  if (X.length === 0) throw new Error('trainSvm: no training rows');
  if (X.length !== y.length) throw new Error(`trainSvm: ${X.length} rows but ${y.length} labels`);
  const d = X[0].length;
  if (d === 0) throw new Error('trainSvm: rows have no features');
  for (let i = 0; i < X.length; i++) {
    const r = X[i];
    if (r.length !== d) throw new Error(`trainSvm: row ${i} has ${r.length} features, expected ${d}`);
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(r[k])) throw new Error(`trainSvm: row ${i} feature ${k} is not finite (${r[k]})`);
    }
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) throw new Error(`trainSvm: label ${c} of row ${i} not in 0..${nClasses - 1}`);
  }
}

export function trainSvm(X: FeatureRows, y: ArrayLike<number>, opts: SvmOptions): SvmModel {
  const t0 = performance.now();
  let maxY = -1;
  for (let i = 0; i < y.length; i++) if (y[i] > maxY) maxY = y[i];
  const nClasses = opts.nClasses ?? maxY + 1;
  validate(X, y, nClasses);
  if (!(opts.C > 0)) throw new Error(`trainSvm: C must be > 0 (got ${opts.C})`);
  const seed = opts.seed ?? 0;
  const classWeight = opts.balanced ? balancedClassWeights(y, nClasses) : new Array<number>(nClasses).fill(1);
  if (opts.kernel === 'rbf') {
    const gammaSpec = opts.gamma ?? 'scale';
    const gamma = gammaSpec === 'scale' ? gammaScale(X) : gammaSpec;
    if (!(gamma > 0)) throw new Error(`trainSvm: gamma must be > 0 (got ${gamma})`);
    const { model, info } = trainRbf(X, y, {
      C: opts.C,
      gamma,
      classWeight,
      probability: opts.probability,
      seed,
      cacheBytes: (opts.cacheMB ?? 512) * 1024 * 1024,
      eps: opts.eps,
      onProgress: opts.onProgress,
      shouldStop: opts.shouldStop,
    });
    const params: SvmParams = {
      kernel: 'rbf',
      C: opts.C,
      gamma,
      gammaSpec,
      balanced: opts.balanced,
      probability: opts.probability,
      seed,
      classWeight,
    };
    const svmInfo: SvmInfo = {
      trainSeconds: (performance.now() - t0) / 1000,
      nTrain: X.length,
      nSupportVectors: model.svIndices.length,
      iterations: info.iterations,
    };
    return new RbfSvm(model, nClasses, params, svmInfo);
  }
  if (opts.kernel !== 'linear') throw new Error(`trainSvm: unknown kernel ${String(opts.kernel)}`);
  const { model, info } = trainLinear(X, y, {
    C: opts.C,
    classWeight,
    probability: opts.probability,
    seed,
    eps: opts.eps,
    solver: opts.linearSolver,
    folds: opts.probabilityFolds,
    onProgress: opts.onProgress,
    shouldStop: opts.shouldStop,
  });
  const params: SvmParams = {
    kernel: 'linear',
    C: opts.C,
    gamma: null,
    gammaSpec: null,
    balanced: opts.balanced,
    probability: opts.probability,
    seed,
    classWeight,
  };
  const svmInfo: SvmInfo = {
    trainSeconds: (performance.now() - t0) / 1000,
    nTrain: X.length,
    nSupportVectors: null,
    iterations: info.epochs,
  };
  return new LinearSvm(model, nClasses, params, svmInfo);
}

// ---------------------------------------------------------------- serialisation helpers

type Typed = Float32Array | Float64Array | Int32Array;
interface Packed {
  dtype: 'f32' | 'f64' | 'i32';
  b64: string;
}

function pack(a: Typed): Packed {
  const dtype = a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : 'i32';
  return { dtype, b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

function unpack(p: Packed): Typed {
  const buf = Buffer.from(p.b64, 'base64');
  const ab = new ArrayBuffer(buf.length);
  new Uint8Array(ab).set(buf);
  if (p.dtype === 'f32') return new Float32Array(ab);
  if (p.dtype === 'f64') return new Float64Array(ab);
  if (p.dtype === 'i32') return new Int32Array(ab);
  throw new Error(`loadSvm: unknown dtype ${String(p.dtype)}`);
}

function packOrNull(a: Float64Array | null): Packed | null {
  return a ? pack(a) : null;
}

function unpackF64OrNull(p: Packed | null): Float64Array | null {
  return p ? (unpack(p) as Float64Array) : null;
}

/** What both kernels' model data share. */
interface CommonModelData {
  nFeatures: number;
  classes: number[];
  probA: Float64Array | null;
}

abstract class BaseSvm<M extends CommonModelData = CommonModelData> implements SvmModel {
  abstract readonly kernel: 'rbf' | 'linear';
  constructor(
    protected readonly m: M,
    readonly nClasses: number,
    readonly params: SvmParams,
    readonly info: SvmInfo,
  ) {}
  get nFeatures(): number {
    return this.m.nFeatures;
  }
  get classes(): number[] {
    return this.m.classes.slice();
  }
  get hasProbability(): boolean {
    return this.m.probA !== null || this.m.classes.length === 1;
  }
  abstract predict(X: FeatureRows): number[];
  abstract predictProba(X: FeatureRows): number[][];
  abstract decisionFunction(X: FeatureRows): number[][];
  protected abstract modelJson(): unknown;
  serialize(): string {
    return JSON.stringify({
      format: FORMAT,
      version: VERSION,
      kernel: this.kernel,
      nClasses: this.nClasses,
      params: this.params,
      info: this.info,
      model: this.modelJson(),
    });
  }
}

class RbfSvm extends BaseSvm<RbfModelData> {
  readonly kernel = 'rbf' as const;
  predict(X: FeatureRows): number[] {
    return predictRbf(this.m, X);
  }
  predictProba(X: FeatureRows): number[][] {
    return predictProbaRbf(this.m, X, this.nClasses);
  }
  decisionFunction(X: FeatureRows): number[][] {
    return decisionRbf(this.m, X);
  }
  protected modelJson(): unknown {
    const m = this.m;
    return {
      nFeatures: m.nFeatures,
      gamma: m.gamma,
      classes: m.classes,
      nSV: m.nSV,
      sv: pack(m.sv),
      svCoef: pack(m.svCoef),
      rho: pack(m.rho),
      probA: packOrNull(m.probA),
      probB: packOrNull(m.probB),
      svIndices: pack(m.svIndices),
    };
  }
  static fromJson(j: Record<string, unknown>, nClasses: number, params: SvmParams, info: SvmInfo): RbfSvm {
    const m: RbfModelData = {
      nFeatures: j.nFeatures as number,
      gamma: j.gamma as number,
      classes: j.classes as number[],
      nSV: j.nSV as number[],
      sv: unpack(j.sv as Packed) as Float32Array | Float64Array,
      svCoef: unpack(j.svCoef as Packed) as Float64Array,
      rho: unpack(j.rho as Packed) as Float64Array,
      probA: unpackF64OrNull(j.probA as Packed | null),
      probB: unpackF64OrNull(j.probB as Packed | null),
      svIndices: unpack(j.svIndices as Packed) as Int32Array,
    };
    const total = m.nSV.reduce((a, b) => a + b, 0);
    if (m.sv.length !== total * m.nFeatures || m.svCoef.length !== Math.max(0, m.classes.length - 1) * total) {
      throw new Error('loadSvm: inconsistent RBF model arrays');
    }
    return new RbfSvm(m, nClasses, params, info);
  }
}

class LinearSvm extends BaseSvm<LinearModelData> {
  readonly kernel = 'linear' as const;
  predict(X: FeatureRows): number[] {
    return predictLinear(this.m, X);
  }
  predictProba(X: FeatureRows): number[][] {
    return predictProbaLinear(this.m, X, this.nClasses);
  }
  decisionFunction(X: FeatureRows): number[][] {
    return decisionLinear(this.m, X);
  }
  protected modelJson(): unknown {
    const m = this.m;
    return { nFeatures: m.nFeatures, classes: m.classes, W: pack(m.W), probA: packOrNull(m.probA), probB: packOrNull(m.probB) };
  }
  static fromJson(j: Record<string, unknown>, nClasses: number, params: SvmParams, info: SvmInfo): LinearSvm {
    const m: LinearModelData = {
      nFeatures: j.nFeatures as number,
      classes: j.classes as number[],
      W: unpack(j.W as Packed) as Float64Array,
      probA: unpackF64OrNull(j.probA as Packed | null),
      probB: unpackF64OrNull(j.probB as Packed | null),
    };
    if (m.W.length !== m.classes.length * (m.nFeatures + 1) && !(m.classes.length === 1)) {
      throw new Error('loadSvm: inconsistent linear model arrays');
    }
    return new LinearSvm(m, nClasses, params, info);
  }
}

/**
 * Wraps a linear model trained elsewhere (sparse-linear-svc.ts) as an SvmModel, so that it is
 * serialised, stored and restored like one trained by trainSvm.
 */
export function linearSvmFromData(model: LinearModelData, nClasses: number, params: SvmParams, info: SvmInfo): SvmModel {
  return new LinearSvm(model, nClasses, params, info);
}

/** Restore a model written by SvmModel.serialize(). */
export function loadSvm(serialized: string | Buffer | Uint8Array): SvmModel {
  const text = typeof serialized === 'string' ? serialized : Buffer.from(serialized).toString('utf8');
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`loadSvm: not JSON (${(e as Error).message})`);
  }
  if (j.format !== FORMAT) throw new Error('loadSvm: not a serialized SVM model');
  if (j.version !== VERSION) throw new Error(`loadSvm: unsupported version ${String(j.version)}`);
  const params = j.params as SvmParams;
  const info = j.info as SvmInfo;
  const nClasses = j.nClasses as number;
  const model = j.model as Record<string, unknown>;
  if (j.kernel === 'rbf') return RbfSvm.fromJson(model, nClasses, params, info);
  if (j.kernel === 'linear') return LinearSvm.fromJson(model, nClasses, params, info);
  throw new Error(`loadSvm: unknown kernel ${String(j.kernel)}`);
}
