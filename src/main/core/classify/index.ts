/** Classifier layer: metrics, standardisation, SVMs, parameter choice. Pure functions over arrays. */
export { evaluate, rocCurve, trapezoid, aucMannWhitney, weightedF1 } from './metrics';
export type { Metrics, ClassMetrics, RocCurve } from './metrics';
export { fitStandardizer, standardize, loadStandardizer } from './standardize';
export type { StandardizerParams } from './standardize';
export { trainSvm, loadSvm, gammaScale, balancedClassWeights } from './svm';
export type { SvmModel, SvmOptions, SvmParams, SvmInfo, FeatureRows } from './svm';
export { chooseParams } from './choose-params';
export type { ChooseParamsOptions, ChosenParams, GridScore } from './choose-params';
