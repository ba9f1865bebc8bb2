import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LedgerTables } from './tables.js';

/** PostgreSQL types of the columns written in bulk, for `unnest` (text when not listed). */
export const PG_TYPES: Readonly<Record<string, string>> = {
  id: 'bigint',
  qty: 'double precision',
  limit_price: 'double precision',
  stop_price: 'double precision',
  filled_qty: 'double precision',
  avg_price: 'double precision',
  fees: 'double precision',
  fee: 'double precision',
  price: 'double precision',
  realized_pnl: 'double precision',
  equity: 'double precision',
  cash: 'double precision',
  gross_exposure: 'double precision',
  net_exposure: 'double precision',
  created_at: 'bigint',
  updated_at: 'bigint',
  sent_at: 'bigint',
  ts: 'bigint',
  sent: 'integer',
};

/** One array parameter of a column's values, typed for `unnest`. */
export function pgArray(column: string, values: readonly unknown[]): RawBuilder<unknown> {
  return sql`${values}::${sql.raw(PG_TYPES[column] ?? 'text')}[]`;
}

/**
 * Inserts rows (objects keyed by `columns`) with one `INSERT ... SELECT FROM unnest(...)` and one
 * array parameter per column, which the server parses far faster than thousands of parameters;
 * `conflict` appends `on conflict ... do nothing returning <column>` and returns that column of
 * the rows inserted.
 */
export async function unnestInsert(
  db: Kysely<LedgerTables>,
  table: keyof LedgerTables,
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
  conflict?: { readonly on: readonly string[]; readonly returning: string },
): Promise<unknown[]> {
  const arrays = columns.map((c) =>
    pgArray(
      c,
      rows.map((r) => r[c] ?? null),
    ),
  );
  const head = sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`;
  if (conflict === undefined) {
    await head.execute(db);
    return [];
  }
  const on = sql.join(conflict.on.map((c) => sql.ref(c)));
  const r = await sql<
    Record<string, unknown>
  >`${head} on conflict (${on}) do nothing returning ${sql.ref(conflict.returning)}`.execute(db);
  return r.rows.map((row) => row[conflict.returning]);
}
