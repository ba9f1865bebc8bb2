import { sql, type Kysely, type Migration } from 'kysely';
import type { LedgerDialect } from './migrations.js';

type Db = Kysely<unknown>;

/** Statuses of a scheduled job's run (docs/operations.md, "Scheduler"). */
export const JOB_RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'abandoned'] as const;

/**
 * 0002: the scheduler's lock and the record of its job runs. The lock is a row with an expiry on
 * both databases (not a PostgreSQL advisory lock, which belongs to one pooled connection and is
 * lost unseen with it); the unique (schedule, job, planned_at) key makes each planned run
 * claimable once, whichever scheduler tries.
 */
export function schedulerMigration(dialect: LedgerDialect): Migration {
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('scheduler_locks')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'bigint', (c) => c.notNull())
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('scheduler_runs')
        .addColumn('id', idType, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.generatedByDefaultAsIdentity().primaryKey(),
        )
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('planned_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql.raw(`status in (${JOB_RUN_STATUSES.map((s) => `'${s}'`).join(',')})`)),
        )
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('exit_code', 'integer')
        .addColumn('detail', 'text')
        .addColumn('log_file', 'text')
        .addUniqueConstraint('scheduler_runs_planned', ['schedule', 'job', 'planned_at'])
        .execute();
      await db.schema
        .createIndex('scheduler_runs_status')
        .on('scheduler_runs')
        .columns(['schedule', 'status'])
        .execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('scheduler_runs').execute();
      await db.schema.dropTable('scheduler_locks').execute();
    },
  };
}
