import { sql, type Kysely } from 'kysely';
import { isUniqueViolation } from './db-errors.js';
import { pgArray } from './pg-bulk.js';
import { recordingRows, runConflict, type TableRows } from './record-rows.js';
import type { LedgerTables } from './tables.js';
import type { RunRecording } from './types.js';

type Db = Kysely<LedgerTables>;

/**
 * Inserts a table's rows with one `INSERT ... SELECT FROM unnest(...)` and one array parameter
 * per column, which spares the server from parsing statements with thousands of parameters
 * (2.4 s -> well under 1 s for a 20,000-order backtest; bench/ledger.ts). The arrays are cut
 * straight from the flat values, with no object per row.
 */
async function insertAll(trx: Db, t: TableRows): Promise<void> {
  const width = t.columns.length;
  const total = t.values.length / width;
  if (total === 0) return;
  const arrays = t.columns.map((c, j) => {
    const column = new Array<unknown>(total);
    for (let i = 0; i < total; i++) column[i] = t.values[i * width + j];
    return pgArray(c, column);
  });
  const columns = sql.join((t.runId === undefined ? t.columns : ['run_id', ...t.columns]).map((c) => sql.ref(c)));
  const run = t.runId === undefined ? sql`` : sql`${t.runId}::text, `;
  await sql`insert into ${sql.table(t.table)} (${columns}) select ${run}* from unnest(${sql.join(arrays)})`.execute(
    trx,
  );
}

/**
 * Writes a finished run on PostgreSQL in one transaction: the run, its orders in their final
 * state, every order's transitions, the fills, the positions the fills leave and optional equity
 * snapshots (record-rows.ts). All or nothing: a failure leaves no trace of the run. SQLite takes
 * prepared statements instead (sqlite-recorder.ts).
 */
export async function recordRunPostgres(db: Db, rec: RunRecording): Promise<void> {
  const [run, ...tables] = recordingRows(rec);
  const runRow = Object.fromEntries(run!.columns.map((c, j) => [c, run!.values[j]]));
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('runs')
        .values(runRow as never)
        .execute();
      for (const t of tables) await insertAll(trx, t);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw runConflict(rec.run.id);
    throw e;
  }
}
