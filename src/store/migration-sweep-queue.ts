import { sql, type Kysely, type Migration } from 'kysely';
import type { LedgerDialect } from './migrations.js';

type Db = Kysely<unknown>;

/**
 * 0007: sweeps run through the queue on many machines (docs/scale.md, "Many machines").
 * `queue_sweeps` is one row per submitted sweep (its status, for `sweep status` and `sweep cancel`
 * from any machine); `queue_sweep_trials` maps a sweep's combinations to trial ids; `trial_results`
 * holds each trial's outcome once, keyed by the trial id (a hash of the run, params, data and code
 * version), so a trial finished twice (a worker killed after writing, a queue flushed) is stored
 * once. `seq` orders the results as they arrive: a submitter reads only the new ones.
 */
export function sweepQueueMigration(dialect: LedgerDialect): Migration {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('queue_sweeps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','finished','cancelled')`))
        .addColumn('code_version', 'text', (c) => c.notNull())
        .addColumn('dir', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('queue_sweep_trials')
        .addColumn('sweep_id', 'text', (c) => c.notNull().references('queue_sweeps.id').onDelete('cascade'))
        .addColumn('trial_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('queue_sweep_trials_pk', ['sweep_id', 'trial_id'])
        .execute();
      await db.schema.createIndex('queue_sweep_trials_trial').on('queue_sweep_trials').column('trial_id').execute();
      await db.schema
        .createTable('trial_results')
        .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.generatedByDefaultAsIdentity().primaryKey(),
        )
        .addColumn('trial_id', 'text', (c) => c.notNull().unique())
        .addColumn('ok', 'integer', (c) => c.notNull().check(sql`ok in (0, 1)`))
        .addColumn('metrics', 'text')
        .addColumn('error', 'text')
        .addColumn('returns', blob)
        .addColumn('ts', blob)
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('code_version', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('trial_results').execute();
      await db.schema.dropTable('queue_sweep_trials').execute();
      await db.schema.dropTable('queue_sweeps').execute();
    },
  };
}
