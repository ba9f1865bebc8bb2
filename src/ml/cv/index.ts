export { CvMethod, type CvPlan, type CvSplit, type PurgeOptions, type SampleRange } from './split.js';
export { purgedKFold, shuffledKFold, type PurgedKFoldOptions, type ShuffledKFoldOptions } from './k-fold.js';
export { MAX_CPCV_SPLITS, combinatorialPurgedCv, cpcvPaths, type CpcvOptions, type CpcvPlan } from './cpcv.js';
export { walkForwardSplits, type WalkForwardOptions } from './walk-forward.js';
export { explainSplits, type ExplainedRange, type SplitExplanation } from './explain.js';
