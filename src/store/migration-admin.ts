import { sql, type Kysely, type Migration } from 'kysely';
import type { LedgerDialect } from './migrations.js';

type Db = Kysely<unknown>;

/**
 * Statuses of an operator's command to a trading node (docs/operations.md, "Admin controls"):
 * `pending` until the node takes it, then `done` or `refused` (the node's answer), or `expired`
 * when no answer came in time (the issuer gave up, and the node never applies it late).
 */
export const ADMIN_COMMAND_STATUSES = ['pending', 'done', 'refused', 'expired'] as const;

/**
 * 0005: the admin controls' two tables. `node_heartbeats` has one row per paper or live session,
 * rewritten every second while it runs (what `admin status` shows and how a running node is told
 * from a crashed one); `admin_commands` is the operator's inbox of each node, polled by it, with
 * the node's acknowledgement written back on the same row. Both belong to the session's run.
 */
export function adminMigration(dialect: LedgerDialect): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('node_heartbeats')
        .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('beat_at', 'bigint', (c) => c.notNull())
        .addColumn('stopped_at', 'bigint')
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('admin_commands')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.generatedByDefaultAsIdentity().primaryKey(),
        )
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('args', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql.raw(`status in (${ADMIN_COMMAND_STATUSES.map((s) => `'${s}'`).join(',')})`)),
        )
        .addColumn('acked_at', 'bigint')
        .addColumn('ack', 'text')
        .execute();
      await db.schema
        .createIndex('admin_commands_run_status')
        .on('admin_commands')
        .columns(['run_id', 'status'])
        .execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropTable('admin_commands').execute();
      await db.schema.dropTable('node_heartbeats').execute();
    },
  };
}
