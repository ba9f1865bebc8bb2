import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * 0008: the order transitions and fills are found by their run, not by their order. Client order
 * ids are hashes, so an index keyed on (run, client order id) took every new transition and fill
 * at a random place: recording a 19,000-order backtest spent about a third of the ledger's time
 * in those two indexes. An index on the run alone grows at its end. Reading one order's
 * transitions or fills now scans its run's, which the read paths that need many orders' do in
 * one pass; the foreign keys to the order are unchanged (a run's orders are never deleted one by
 * one, where the old index would have served the cascade).
 */
export function orderChildrenMigration(): Migration {
  return {
    async up(db: Db): Promise<void> {
      await db.schema.dropIndex('order_events_order').execute();
      await db.schema.dropIndex('fills_order').execute();
      await db.schema.createIndex('order_events_run').on('order_events').column('run_id').execute();
      await db.schema.createIndex('fills_run').on('fills').column('run_id').execute();
    },
    async down(db: Db): Promise<void> {
      await db.schema.dropIndex('fills_run').execute();
      await db.schema.dropIndex('order_events_run').execute();
      await db.schema.createIndex('fills_order').on('fills').columns(['run_id', 'client_order_id']).execute();
      await db.schema
        .createIndex('order_events_order')
        .on('order_events')
        .columns(['run_id', 'client_order_id'])
        .execute();
    },
  };
}
