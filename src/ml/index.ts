// The ML research core: labels and sample weights, purged cross-validation, baseline models and
// their scores (docs/ml/labels-and-cv.md).
export * from './labels/index.js';
export * from './cv/index.js';
export * from './linear/index.js';
export { matrixFromColumns, matrixFromRows, selectRows, selectValues, type FeatureMatrix } from './matrix.js';
export * from './metrics.js';
export * from './knn.js';
export * from './random.js';
