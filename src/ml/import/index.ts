export { readFeatureCsv, parseFeatureCell, type FeatureMatrix } from './feature-csv.js';
export { formatValue, shortestFloat32 } from './format-number.js';
export { K_ZERO_THRESHOLD, isLightgbmText, readLightgbmText } from './lightgbm-text.js';
export { invalidModel, unsupportedModel, type ImportedModel, type Objective } from './model.js';
export {
  LIGHTGBM_SUPPORTED,
  XGBOOST_OBJECTIVES,
  lightgbmObjective,
  xgboostLogit,
  xgboostSigmoid,
} from './objective.js';
export { predict, prepareInputs, type Predictions } from './predict.js';
export { READERS, readModelBytes, readModelFile, type ModelReader } from './read-model.js';
export { isXgboostJson, readXgboostJson } from './xgboost-json.js';
