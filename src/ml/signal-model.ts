/**
 * A model a strategy scores one row at a time: momentic's GBDT artifact (docs/ml/gbdt.md), an
 * XGBoost JSON or a LightGBM text model (docs/ml/model-import.md), behind one face. The file is
 * read once; scoring reproduces `GbdtModel.predict` and `momentic ml predict` exactly, so a
 * strategy's probabilities are the ones the research produced.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError, DataError } from '../core/errors.js';
import { ARTIFACT_FORMAT } from './gbdt/artifact.js';
import { GbdtModel } from './gbdt/model.js';
import { predict } from './import/predict.js';
import { readModelBytes } from './import/read-model.js';

export interface SignalModel {
  /** The model file as the user named it (for error messages). */
  readonly file: string;
  readonly format: 'momentic-gbdt' | 'xgboost-json' | 'lightgbm-text';
  /** Feature names stored in the model, or undefined when it stores none (columns by position). */
  readonly featureNames: readonly string[] | undefined;
  readonly numFeatures: number;
  /** `probability` for a binary classifier, `value` for regression. */
  readonly output: 'probability' | 'value';
  /** The prediction of one row of `numFeatures` values in the model's order (NaN for missing). */
  score(row: Float64Array): number;
}

/** A model of momentic's GBDT as a SignalModel. */
export function gbdtSignalModel(model: GbdtModel, file: string): SignalModel {
  return {
    file,
    format: 'momentic-gbdt',
    featureNames: model.featureNames,
    numFeatures: model.numFeatures,
    output: model.objective === 'binary' ? 'probability' : 'value',
    score: (row) => model.predict(row)[0] as number,
  };
}

/** Reads a model file of any format momentic scores; errors name the file. */
export function loadSignalModel(path: string, file: string = path): SignalModel {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_NOT_FOUND', `cannot read model ${file}: ${code === 'ENOENT' ? 'no such file' : code}`, {
      hint: code === 'EISDIR' ? 'give the model file, not its folder' : 'check the model path',
      context: { file, key: 'params.model' },
    });
  }
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined; // readModelBytes names the parse error
    }
    if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === ARTIFACT_FORMAT) {
      try {
        return gbdtSignalModel(GbdtModel.fromJSON(json), file);
      } catch (e) {
        if (e instanceof DataError) {
          throw new DataError('ML_MODEL_INVALID', `model ${file}: ${e.message}`, {
            hint: e.hint,
            context: { ...e.context, file },
          });
        }
        throw e;
      }
    }
  }
  const m = readModelBytes(bytes, file);
  return {
    file,
    format: m.format,
    featureNames: m.featureNames,
    numFeatures: m.numFeatures,
    output: m.objective.output,
    score: (row) => predict(m, row, 1).value[0] as number,
  };
}

/**
 * Resolves a strategy's `model` reference to a loaded model. Today a reference is a path to a
 * model file; ids of the model registry (docs/ml/registry.md) resolve here once the registry
 * can hand out a promoted model's file.
 */
export function resolveModel(ref: string): SignalModel {
  const looksLikePath = /[\\/]/.test(ref) || /\.(json|txt|model)$/i.test(ref);
  if (!looksLikePath && !existsSync(ref)) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `model "${ref}" is not a model file`, {
      hint: 'give the path of a model file (a momentic GBDT artifact .json, an XGBoost .json or a LightGBM .txt); registry ids are not resolved here yet',
      context: { key: 'params.model', value: ref },
    });
  }
  return loadSignalModel(ref);
}
