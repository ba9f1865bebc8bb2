import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/** Statuses of a pipeline day (docs/operations.md, "Daily pipeline"). */
export const PIPELINE_DAY_STATUSES = ['running', 'done', 'failed'] as const;
/** Statuses of one step of a pipeline day. */
export const PIPELINE_STEP_STATUSES = ['running', 'done', 'failed', 'skipped'] as const;

const check = (values: readonly string[]) => sql.raw(`status in (${values.map((s) => `'${s}'`).join(',')})`);

/**
 * 0003: the daily pipeline's days and steps. One row per (pipeline, date) and one per
 * (pipeline, date, step): a rerun updates the rows it finds (its attempt counted), so a day run
 * twice is never recorded twice, and the step to resume at is read from them, never kept in
 * memory. Outputs and errors are JSON text (the same on both databases).
 */
export function pipelineMigration(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('pipeline_days')
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(check(PIPELINE_DAY_STATUSES)))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('failed_step', 'text')
        .addColumn('error', 'text')
        .addColumn('report_dir', 'text')
        .addPrimaryKeyConstraint('pipeline_days_pk', ['pipeline', 'date'])
        .execute();

      await db.schema
        .createTable('pipeline_steps')
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(check(PIPELINE_STEP_STATUSES)))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('outputs', 'text')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('pipeline_steps_pk', ['pipeline', 'date', 'step'])
        .addForeignKeyConstraint(
          'pipeline_steps_day',
          ['pipeline', 'date'],
          'pipeline_days',
          ['pipeline', 'date'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('pipeline_steps').execute();
      await db.schema.dropTable('pipeline_days').execute();
    },
  };
}
