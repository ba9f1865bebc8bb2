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
import { NO_MODELS, parseRegistryRef, type RegisteredModels } from './model-ref.js';

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
  return signalModelOfBytes(bytes, file);
}

/** A model from its bytes (a file's, or a registered artifact's); `file` names it in errors. */
export function signalModelOfBytes(bytes: Buffer, file: string): SignalModel {
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
 * Resolves a strategy's `model` reference to a loaded model: a model file, or a reference to the
 * model registry (model-ref.ts) that the run resolved in the ledger before it started and hands
 * over in `registered` (a strategy cannot wait on the ledger).
 */
export function resolveModel(ref: string, registered: RegisteredModels = NO_MODELS): SignalModel {
  const reg = registered.get(ref);
  if (reg !== undefined) return signalModelOfBytes(Buffer.from(reg.artifact, 'utf8'), `registry model ${reg.id}`);
  if (!existsSync(ref) && parseRegistryRef(ref) !== undefined) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `model "${ref}" is neither a model file nor a model resolved from the registry`,
      {
        hint: 'give the path of a model file, or run it through momentic backtest, paper or live, which resolve registry ids (NAME-vN, NAME or NAME@stage; momentic ml ls lists them) in the ledger',
        context: { key: 'params.model', value: ref },
      },
    );
  }
  return loadSignalModel(ref);
}
