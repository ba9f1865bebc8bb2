/**
 * The two learners research trains, behind one face: fit on rows, predict P(class 1), report
 * each feature's MDI (mean decrease of impurity: the GBDT's split gains; for the logistic model
 * |coefficient| on standardized features, its linear analogue), and write the artifact the
 * registry stores.
 */
import { DataError, UsageError } from '../../core/errors.js';
import { GbdtModel } from '../gbdt/model.js';
import { resolveParams, type GbdtParams } from '../gbdt/params.js';
import { trainGbdt } from '../gbdt/train.js';
import { fitLogistic } from '../linear/logistic.js';
import type { ModelKind } from './spec.js';

export interface Fitted {
  predict(x: Float64Array, rows: number): Float64Array;
  /** One value >= 0 per feature. */
  mdi(): Float64Array;
  /** The artifact text (GBDT artifact JSON, or the logistic model's JSON). */
  artifact(): string;
}

/** Research defaults: small trees that train in milliseconds on a few thousand samples. */
export const GBDT_RESEARCH_DEFAULTS: Partial<GbdtParams> = {
  objective: 'binary',
  num_iterations: 50,
  learning_rate: 0.1,
  num_leaves: 8,
  min_data_in_leaf: 20,
  seed: 7,
};

export const LOGISTIC_FORMAT = 'momentic-logistic';

/** Checks the parameters once, before any fit, so a typo fails before minutes of training. */
export function checkParams(kind: ModelKind, params: Readonly<Record<string, unknown>>): void {
  if (kind === 'gbdt') {
    resolveParams({ ...GBDT_RESEARCH_DEFAULTS, ...(params as Partial<GbdtParams>), objective: 'binary' });
    return;
  }
  for (const [k, v] of Object.entries(params)) {
    if (k !== 'lambda' || typeof v !== 'number' || !(v >= 0)) {
      throw new UsageError('USAGE_INVALID_OPTION', `logistic parameter ${k}=${String(v)} is not known`, {
        hint: 'the logistic model takes --param lambda=L (L2 penalty >= 0, default 1)',
        context: { flag: '--param', key: k },
      });
    }
  }
}

export function fit(
  kind: ModelKind,
  params: Readonly<Record<string, unknown>>,
  x: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  names: readonly string[],
): Fitted {
  if (kind === 'gbdt') {
    const p = { ...GBDT_RESEARCH_DEFAULTS, ...(params as Partial<GbdtParams>), objective: 'binary' as const };
    const m = trainGbdt(p, { features: x, rows, cols, labels: y }, { featureNames: names });
    return gbdtFitted(m);
  }
  const lambda = typeof params.lambda === 'number' ? params.lambda : 1;
  const mean = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * cols + j]!;
    mean[j] = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * cols + j]! - mean[j]!) ** 2;
    sd[j] = Math.sqrt(v / Math.max(1, rows - 1)) || 1;
  }
  const z = standardize(x, rows, cols, mean, sd);
  const m = fitLogistic({ rows, cols, data: z }, y, { lambda });
  return logisticFitted({
    coef: Array.from(m.coef),
    intercept: m.intercept,
    mean: Array.from(mean),
    sd: Array.from(sd),
    names: [...names],
  });
}

function standardize(
  x: Float64Array,
  rows: number,
  cols: number,
  mean: ArrayLike<number>,
  sd: ArrayLike<number>,
): Float64Array {
  const z = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < cols; j++) z[r * cols + j] = (x[r * cols + j]! - mean[j]!) / sd[j]!;
  return z;
}

export function gbdtFitted(m: GbdtModel): Fitted {
  return {
    predict: (x) => m.predict(x),
    mdi: () => m.featureImportance('gain'),
    artifact: () => JSON.stringify(m.toJSON()),
  };
}

interface LogisticJson {
  readonly coef: number[];
  readonly intercept: number;
  readonly mean: number[];
  readonly sd: number[];
  readonly names: string[];
}

function logisticFitted(j: LogisticJson): Fitted {
  const cols = j.coef.length;
  return {
    predict: (x, rows) => {
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = j.intercept;
        for (let c = 0; c < cols; c++) s += (j.coef[c]! * (x[r * cols + c]! - j.mean[c]!)) / j.sd[c]!;
        out[r] = 1 / (1 + Math.exp(-s));
      }
      return out;
    },
    mdi: () => Float64Array.from(j.coef, Math.abs),
    artifact: () => JSON.stringify({ format: LOGISTIC_FORMAT, version: 1, feature_names: j.names, ...j }),
  };
}

/** A registered artifact back as a learner (for importance and scoring). */
export function fittedFromArtifact(kind: string, text: string, id: string): Fitted {
  const json = JSON.parse(text) as Record<string, unknown>;
  if (kind === 'gbdt') return gbdtFitted(GbdtModel.fromJSON(json));
  if (kind === 'logistic' && json.format === LOGISTIC_FORMAT) return logisticFitted(json as unknown as LogisticJson);
  throw new DataError('ML_MODEL_UNSUPPORTED', `model ${id} is a ${kind} model, which research cannot re-score`, {
    hint: 'importance and gates read models trained by momentic ml train (gbdt or logistic)',
    context: { value: id },
  });
}
