import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from './migrations.js';

type Db = Kysely<unknown>;

/**
 * 0009: a queued trial's closed round trips (docs/scale.md, "Many machines"). A walk-forward's
 * out-of-sample fold run counts the trades it closed inside the fold's window (their exit time)
 * and their net P&L (the win rate, the trades gate), so a worker stores them beside the per-bar
 * returns: `exits` (exit epoch-ms) and `pnls`, float64 little-endian, one value per round trip
 * in the same order. Rows stored before this migration have none (read as no trades).
 * SQLite adds one column per ALTER TABLE, so each is its own statement on both databases.
 */
export function trialTradesMigration(dialect: LedgerDialect): Migration {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: Db): Promise<void> {
      await db.schema.alterTable('trial_results').addColumn('exits', blob).execute();
      await db.schema.alterTable('trial_results').addColumn('pnls', blob).execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.alterTable('trial_results').dropColumn('pnls').execute();
      await db.schema.alterTable('trial_results').dropColumn('exits').execute();
    },
  };
}
