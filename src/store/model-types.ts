/**
 * The model registry's records (docs/ml/registry.md). A model version moves candidate ->
 * staging -> production, and any stage -> retired; every move is kept in its stage history and
 * in the audit log.
 */
export const MODEL_STAGES = ['candidate', 'staging', 'production', 'retired'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** One move of a model's stage. */
export interface StageChange {
  readonly from: ModelStage | null;
  readonly to: ModelStage;
  readonly at: number;
  readonly actor: string;
  readonly reason?: string;
}

/** What `ml train` registers: everything needed to score, audit and gate the model. */
export interface NewModelVersion {
  readonly name: string;
  /** gbdt | logistic | xgboost-json | lightgbm-text. */
  readonly kind: string;
  /** The model's own text: a GBDT artifact's JSON, a logistic model's JSON, an imported model's file text. */
  readonly artifact: string;
  readonly features: readonly string[];
  readonly featureHash: string;
  readonly label: Readonly<Record<string, unknown>>;
  readonly dataRange: Readonly<Record<string, unknown>>;
  /** The CV design (method, folds or groups, embargo). */
  readonly cv: Readonly<Record<string, unknown>>;
  /** Per-fold (per-split) out-of-sample metrics. */
  readonly folds: readonly Readonly<Record<string, unknown>>[];
  /** Per-period Sharpe ratio of the long/short-by-sign strategy on each CPCV path (empty for k-fold). */
  readonly pathSharpes: readonly number[];
  /** What the promotion gates read: pooled OOS metrics, strategy returns, the search's trials. */
  readonly evaluation: Readonly<Record<string, unknown>>;
  readonly trials: number;
  readonly codeVersion: string;
  readonly createdAt: number;
}

export interface ModelVersion extends NewModelVersion {
  readonly id: string;
  readonly version: number;
  readonly stage: ModelStage;
  readonly promotedAt?: number;
  readonly stageHistory: readonly StageChange[];
}

/** A registry listing row: the version without its artifact and evaluation payloads. */
export type ModelSummary = Omit<ModelVersion, 'artifact' | 'evaluation' | 'folds'>;

export interface ModelFilter {
  readonly name?: string;
  readonly stage?: ModelStage;
  /** Newest first; default 50. */
  readonly limit?: number;
}
