import { closeSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { commitTemp, tempPathFor } from './atomic.js';
import { appendDoubleColumns, sqlString, withConnection } from './duckdb.js';

export interface ParquetTable {
  readonly symbol: string;
  /** `date` (daily: ts is the date at 00:00 UTC) or `timestamp` (UTC instant). */
  readonly timeColumn: 'date' | 'timestamp';
  readonly ts: Float64Array;
  readonly columns: readonly string[];
  readonly values: readonly Float64Array[];
  /** Key-value metadata stored in the Parquet footer (e.g. the feature-set hash). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const IDENT = /^[a-z][a-z0-9_]*$/;

/**
 * Writes a table of double columns (NaN stored as NULL) keyed by symbol and time, atomically,
 * ZSTD-compressed, with key-value metadata in the footer.
 */
export async function writeParquetTable(file: string, t: ParquetTable): Promise<void> {
  for (const c of t.columns) if (!IDENT.test(c)) throw new RangeError(`column name ${c} is not snake_case`);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const time =
    t.timeColumn === 'date'
      ? 'CAST(epoch_ms(CAST(ts AS BIGINT)) AS DATE) AS "date"'
      : 'epoch_ms(CAST(ts AS BIGINT)) AS "timestamp"';
  const cols = t.columns.map((c) => `CASE WHEN isnan("${c}") THEN NULL ELSE "${c}" END AS "${c}"`).join(', ');
  const meta = Object.entries(t.metadata ?? {})
    .map(([k, v]) => `${k}: ${sqlString(v)}`)
    .join(', ');
  try {
    await withConnection(async (con) => {
      await appendDoubleColumns(con, 'table_in', ['ts', ...t.columns], [t.ts, ...t.values]);
      await con.run(
        `COPY (SELECT CAST(${sqlString(t.symbol)} AS VARCHAR) AS symbol, ${time}${cols === '' ? '' : `, ${cols}`} FROM table_in) ` +
          `TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd${meta === '' ? '' : `, KV_METADATA {${meta}}`})`,
      );
      await con.run('DROP TABLE table_in');
    });
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  commitTemp(tmp, file);
}

/** Footer key-value metadata of a Parquet file. */
export async function readParquetMetadata(file: string): Promise<Record<string, string>> {
  return withConnection(async (con) => {
    const r = await con.runAndReadAll(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${sqlString(file)})`,
    );
    return Object.fromEntries(r.getRowObjects().map((o) => [String(o.k), String(o.v)]));
  });
}
