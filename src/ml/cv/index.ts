export { CvMethod, type CvPlan, type CvSplit, type PurgeOptions, type SampleRange } from './split.js';
export * from './k-fold.js';
export * from './cpcv.js';
export * from './walk-forward.js';
export * from './explain.js';
