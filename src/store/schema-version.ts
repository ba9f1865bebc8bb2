/**
 * Names of the ledger's schema bookkeeping, apart from the migrations themselves so that a writer
 * can check the schema version without loading the query builder.
 */

/** Kysely's bookkeeping tables (the applied migrations and the lock), named for this project. */
export const MIGRATION_TABLE = 'momentic_migration';
export const MIGRATION_LOCK_TABLE = 'momentic_migration_lock';

/** The last entry of `ledgerMigrations` (migrations.ts): a test keeps the two equal. */
export const LATEST_MIGRATION = '0009_trial_trades';
