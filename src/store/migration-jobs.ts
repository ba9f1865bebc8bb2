import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * 0008: the service's jobs (backtests, sweeps and walk-forwards asked of the API), so a restart
 * keeps the list and says what became of the jobs it was running. `server` names the process
 * that ran a job and `updated_at` is refreshed while it runs: a server starting marks the jobs
 * of a server that is gone `interrupted` instead of leaving them `running` for ever.
 */
export function jobsMigration(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('service_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('progress', 'double precision', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('result_id', 'text')
        .addColumn('error', 'text')
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('service_jobs_created').on('service_jobs').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('service_jobs_status').on('service_jobs').column('status').execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('service_jobs').execute();
    },
  };
}
