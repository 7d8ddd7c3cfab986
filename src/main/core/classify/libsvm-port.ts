/**
 * A TypeScript port of the C-SVC parts of LIBSVM 3.x (Chang & Lin), dense features, RBF kernel; this
 * file is its entry and says why, the parts are libsvm-kernel-cache.ts, libsvm-smo.ts,
 * libsvm-probability.ts and rbf-svc.ts (multi-class training and prediction):
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
export type { DenseRows } from './libsvm-kernel-cache';
export { GramCache } from './libsvm-kernel-cache';
export { solveCSVC, type BinarySolution } from './libsvm-smo';
export { multiclassProbability, sigmoidPredict, sigmoidTrain } from './libsvm-probability';
