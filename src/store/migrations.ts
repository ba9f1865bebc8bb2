import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { pipelineMigration } from './migration-pipeline.js';
import { modelsMigration } from './migration-models.js';
import { jobsMigration } from './migration-jobs.js';
import { sweepQueueMigration } from './migration-sweep-queue.js';
import { adminMigration } from './migration-admin.js';
import { schedulerMigration } from './migration-scheduler.js';
import { serviceMigration } from './migration-service.js';
import { trialTradesMigration } from './migration-trial-trades.js';

export type LedgerDialect = 'sqlite' | 'postgres';

export { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './schema-version.js';

type Db = Kysely<unknown>;
type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/** An auto-numbered key: its order is the insertion order (events, fills, snapshots). */
function identity(dialect: LedgerDialect): { type: 'integer' | 'bigint'; col: Col } {
  return dialect === 'sqlite'
    ? { type: 'integer', col: (c) => c.primaryKey().autoIncrement() }
    : { type: 'bigint', col: (c) => c.generatedByDefaultAsIdentity().primaryKey() };
}

const ORDER_STATUSES = "('new','accepted','partially_filled','filled','cancelled','rejected','expired')";

/**
 * 0001: every table of the ledger (docs/ledger.md, "Schema"). Same DDL on both databases except
 * the identity column; `bigint` and `double precision` have integer and real affinity in SQLite.
 */
function initial(dialect: LedgerDialect): Migration {
  const id = identity(dialect);
  const notNull: Col = (c) => c.notNull();
  return {
    async up(db: Db): Promise<void> {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('backtest','paper','live')`))
        .addColumn('strategy', 'text', notNull)
        .addColumn('params', 'text', notNull)
        .addColumn('spec', 'text', notNull)
        .addColumn('started_at', 'bigint', notNull)
        .addColumn('finished_at', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','finished','failed')`))
        .addColumn('metrics', 'text')
        .addColumn('result_dir', 'text')
        .execute();
      await db.schema.createIndex('runs_started_at').on('runs').column('started_at').execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', id.type, id.col)
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('client_order_id', 'text', notNull)
        .addColumn('venue_order_id', 'text')
        .addColumn('symbol', 'text', notNull)
        .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('buy','sell')`))
        .addColumn('type', 'text', notNull)
        .addColumn('qty', 'double precision', notNull)
        .addColumn('limit_price', 'double precision')
        .addColumn('stop_price', 'double precision')
        .addColumn('tif', 'text', notNull)
        .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ${ORDER_STATUSES}`)))
        .addColumn('filled_qty', 'double precision', notNull)
        .addColumn('avg_price', 'double precision')
        .addColumn('fees', 'double precision', notNull)
        .addColumn('reason', 'text')
        .addColumn('strategy', 'text')
        .addColumn('tag', 'text')
        .addColumn('extra', 'text')
        .addColumn('created_at', 'bigint', notNull)
        .addColumn('updated_at', 'bigint', notNull)
        .addColumn('sent', 'integer', (c) => c.notNull().check(sql`sent in (0, 1)`))
        .addColumn('sent_at', 'bigint')
        .addUniqueConstraint('orders_run_client_order_id', ['run_id', 'client_order_id'])
        .execute();
      await db.schema.createIndex('orders_run_status').on('orders').columns(['run_id', 'status']).execute();
      await db.schema.createIndex('orders_symbol').on('orders').column('symbol').execute();

      const orderRef = (table: string) =>
        db.schema
          .createTable(table)
          .addColumn('id', id.type, id.col)
          .addColumn('run_id', 'text', notNull)
          .addColumn('client_order_id', 'text', notNull)
          .addForeignKeyConstraint(
            `${table}_order`,
            ['run_id', 'client_order_id'],
            'orders',
            ['run_id', 'client_order_id'],
            (fk) => fk.onDelete('cascade'),
          );
      await orderRef('order_events')
        .addColumn('status', 'text', (c) => c.notNull().check(sql.raw(`status in ${ORDER_STATUSES}`)))
        .addColumn('ts', 'bigint', notNull)
        .addColumn('reason', 'text')
        .execute();
      await db.schema
        .createIndex('order_events_order')
        .on('order_events')
        .columns(['run_id', 'client_order_id'])
        .execute();

      await orderRef('fills')
        .addColumn('exec_id', 'text')
        .addColumn('symbol', 'text', notNull)
        .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('buy','sell')`))
        .addColumn('qty', 'double precision', notNull)
        .addColumn('price', 'double precision', notNull)
        .addColumn('fee', 'double precision', notNull)
        .addColumn('ts', 'bigint', notNull)
        .addColumn('liquidity', 'text')
        .addUniqueConstraint('fills_run_exec_id', ['run_id', 'exec_id'])
        .execute();
      await db.schema.createIndex('fills_order').on('fills').columns(['run_id', 'client_order_id']).execute();

      await db.schema
        .createTable('positions')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('symbol', 'text', notNull)
        .addColumn('qty', 'double precision', notNull)
        .addColumn('avg_price', 'double precision')
        .addColumn('realized_pnl', 'double precision', notNull)
        .addColumn('fees', 'double precision', notNull)
        .addColumn('updated_at', 'bigint', notNull)
        .addPrimaryKeyConstraint('positions_pk', ['run_id', 'symbol'])
        .execute();

      await db.schema
        .createTable('equity_snapshots')
        .addColumn('id', id.type, id.col)
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('ts', 'bigint', notNull)
        .addColumn('equity', 'double precision', notNull)
        .addColumn('cash', 'double precision', notNull)
        .addColumn('gross_exposure', 'double precision', notNull)
        .addColumn('net_exposure', 'double precision', notNull)
        .addUniqueConstraint('equity_snapshots_run_ts', ['run_id', 'ts'])
        .execute();

      await db.schema
        .createTable('risk_events')
        .addColumn('id', id.type, id.col)
        .addColumn('run_id', 'text', (c) => c.references('runs.id').onDelete('cascade'))
        .addColumn('ts', 'bigint', notNull)
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('denial','kill_switch')`))
        .addColumn('check_name', 'text')
        .addColumn('symbol', 'text')
        .addColumn('client_order_id', 'text')
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .addColumn('reason', 'text', notNull)
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('risk_events_run_ts').on('risk_events').columns(['run_id', 'ts']).execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', id.type, id.col)
        .addColumn('ts', 'bigint', notNull)
        .addColumn('actor', 'text', notNull)
        .addColumn('action', 'text', notNull)
        .addColumn('subject', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_ts').on('audit_log').column('ts').execute();
    },
    async down(db: Db): Promise<void> {
      for (const t of [
        'audit_log',
        'risk_events',
        'equity_snapshots',
        'positions',
        'fills',
        'order_events',
        'orders',
        'runs',
      ]) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}

/**
 * The migrations in code, by version name. Names sort in the order they apply; a published one
 * is never edited: a schema change is a new entry (`0002_...`).
 */
export function ledgerMigrations(dialect: LedgerDialect): Readonly<Record<string, Migration>> {
  return {
    '0001_initial': initial(dialect),
    '0002_scheduler': schedulerMigration(dialect),
    '0003_pipeline': pipelineMigration(),
    '0004_service': serviceMigration(),
    '0005_admin': adminMigration(dialect),
    '0006_models': modelsMigration(),
    '0007_sweep_queue': sweepQueueMigration(dialect),
    '0008_jobs': jobsMigration(),
    '0009_trial_trades': trialTradesMigration(dialect),
  };
}

export function migrationProvider(dialect: LedgerDialect): MigrationProvider {
  return { getMigrations: async () => ({ ...ledgerMigrations(dialect) }) };
}
