import { sql, type Kysely, type Migration } from 'kysely';
import { MODEL_STAGES } from './model-types.js';

type Db = Kysely<unknown>;

/**
 * 0006: the model registry (docs/ml/registry.md). One row per registered model version: the
 * artifact itself (momentic's GBDT JSON, a logistic model's JSON, or an imported model's text),
 * what it was trained on (features and their hash, label, data range), how it was validated (the
 * CV design, per-fold metrics, the CPCV path Sharpe distribution and the search's trials), and
 * its stage with the history of every move. A version is never edited after registration except
 * for its stage: a retrained model is a new version.
 */
export function modelsMigration(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('ml_models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('stage', 'text', (c) =>
          c.notNull().check(sql.raw(`stage in (${MODEL_STAGES.map((s) => `'${s}'`).join(',')})`)),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('artifact', 'text', (c) => c.notNull())
        .addColumn('features', 'text', (c) => c.notNull())
        .addColumn('feature_hash', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('data_range', 'text', (c) => c.notNull())
        .addColumn('cv', 'text', (c) => c.notNull())
        .addColumn('folds', 'text', (c) => c.notNull())
        .addColumn('path_sharpes', 'text', (c) => c.notNull())
        .addColumn('evaluation', 'text', (c) => c.notNull())
        .addColumn('trials', 'integer', (c) => c.notNull())
        .addColumn('code_version', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('promoted_at', 'bigint')
        .addColumn('stage_history', 'text', (c) => c.notNull())
        .addUniqueConstraint('ml_models_name_version', ['name', 'version'])
        .execute();
      await db.schema.createIndex('ml_models_name_stage').on('ml_models').columns(['name', 'stage']).execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('ml_models').execute();
    },
  };
}
