/** Classifier layer: metrics, standardisation, SVMs, parameter choice. Pure functions over arrays. */
export { evaluate, rocCurve, trapezoid, aucMannWhitney, weightedF1 } from './metrics';
export type { Metrics, ClassMetrics, RocCurve } from './metrics';
export { fitStandardizer, standardize, loadStandardizer } from './standardize';
export type { StandardizerParams } from './standardize';
export { trainSvm, loadSvm, gammaScale, balancedClassWeights, linearSvmFromData } from './svm';
export { trainSparseLinear, trainSparseLinearAsync, predictSparse, predictProbaSparse, decisionSparse } from './sparse-linear-svc';
export type { SparseRow, SparseLinearOptions } from './sparse-linear-svc';
export type { SvmModel, SvmOptions, SvmParams, SvmInfo, FeatureRows } from './svm';
export { chooseParams, chooseSparseLinear, chooseSparseLinearCv, groupFolds } from './choose-params';
export type { ChooseParamsOptions, ChosenParams, GridScore, SparseChoiceOptions, SparseCvOptions, CvScore } from './choose-params';
