/**
 * The process's one embedded DuckDB (in memory), created on first use and shared by the data
 * layer, plus the bulk paths between DuckDB and Float64Array columns (no per-row objects).
 * Only the built-in extensions (parquet, json, icu, core_functions) are available offline, so
 * automatic extension installs are switched off.
 * @see https://duckdb.org/docs/stable/clients/node_neo/overview
 */
import type * as DuckDbApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * The native package, loaded on first use: it takes longer to load than a whole daily backtest
 * of one symbol, and runs on CSV data never need it.
 */
const duckDbApi = (): Promise<typeof DuckDbApi> => import('@duckdb/node-api');

let instance: Promise<DuckDBInstance> | undefined;

function duckDb(): Promise<DuckDBInstance> {
  if (instance === undefined) {
    const created = duckDbApi().then(({ DuckDBInstance }) =>
      DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' }),
    );
    // A failed start is not cached: the next call tries again.
    created.catch(() => {
      if (instance === created) instance = undefined;
    });
    instance = created;
  }
  return instance;
}

/**
 * Runs `f` on a fresh connection to the shared instance. Each call gets its own connection, so
 * concurrent calls never share temp tables or a transaction.
 */
export async function withConnection<T>(f: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const con = await (await duckDb()).connect();
  try {
    return await f(con);
  } finally {
    con.closeSync();
  }
}

/** Closes the shared instance (tests, CLI shutdown); the next use opens a new one. */
export async function closeDuckDb(): Promise<void> {
  const p = instance;
  instance = undefined;
  if (p !== undefined) (await p).closeSync();
}

/** A SQL string literal (single quotes doubled). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Creates temp table `table` with one DOUBLE column per name and bulk-appends `columns` (equal
 * lengths) through the Appender, one data chunk (the standard vector size, 2048 rows) at a time.
 */
export async function appendDoubleColumns(
  con: DuckDBConnection,
  table: string,
  names: readonly string[],
  columns: readonly Float64Array[],
): Promise<void> {
  const { DOUBLE, DuckDBDataChunk, DuckDBVector } = await duckDbApi();
  await con.run(`CREATE TEMP TABLE ${table} (${names.map((n) => `"${n}" DOUBLE`).join(', ')})`);
  const appender = await con.createAppender(table);
  const n = columns[0]?.length ?? 0;
  const size = DuckDBVector.standardSize();
  const types = names.map(() => DOUBLE);
  const chunk = DuckDBDataChunk.create(types);
  let values: number[] = [];
  try {
    for (let start = 0; start < n; start += size) {
      const rows = Math.min(size, n - start);
      chunk.rowCount = rows;
      if (values.length !== rows) values = new Array<number>(rows).fill(0);
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c] as Float64Array;
        for (let i = 0; i < rows; i++) values[i] = col[start + i] as number;
        chunk.setColumnValues(c, values);
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Growable Float64Array columns filled from query results. */
export class DoubleColumns {
  readonly #width: number;
  #cols: Float64Array[];
  #length = 0;

  constructor(width: number, capacity = 1024) {
    this.#width = width;
    this.#cols = Array.from({ length: width }, () => new Float64Array(Math.max(1, capacity)));
  }

  get length(): number {
    return this.#length;
  }

  /** Column `c` trimmed to the rows filled (no copy when the capacity was exact). */
  column(c: number): Float64Array {
    const a = this.#cols[c] as Float64Array;
    return a.length === this.#length ? a : a.slice(0, this.#length);
  }

  /** The filled part of column `c`, sharing memory (valid until the next `reserve`). */
  view(c: number): Float64Array {
    return (this.#cols[c] as Float64Array).subarray(0, this.#length);
  }

  /** Room for `more` rows after the current ones; returns the arrays to write into. */
  reserve(more: number): readonly Float64Array[] {
    const need = this.#length + more;
    const cap = (this.#cols[0] as Float64Array).length;
    if (need > cap) {
      const next = Math.max(need, cap * 2);
      this.#cols = this.#cols.map((a) => {
        const b = new Float64Array(next);
        b.set(a.subarray(0, this.#length));
        return b;
      });
    }
    return this.#cols;
  }

  advance(rows: number): void {
    this.#length += rows;
  }

  get width(): number {
    return this.#width;
  }
}

/**
 * Streams `sql` (every result column DOUBLE) chunk by chunk into `into`. A NULL cell calls
 * `onNull(columnIndex, rowIndexInThisQuery)`, which must throw.
 */
export async function readDoubleColumns(
  con: DuckDBConnection,
  sql: string,
  params: readonly string[],
  into: DoubleColumns,
  onNull: (column: number, row: number) => never,
): Promise<number> {
  const result = await con.stream(sql, [...params]);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const rc = chunk.rowCount;
    const cols = into.reserve(rc);
    const at = into.length;
    for (let c = 0; c < into.width; c++) {
      const vector = chunk.getColumnVector(c);
      const out = cols[c] as Float64Array;
      for (let i = 0; i < rc; i++) {
        const x = vector.getItem(i);
        if (typeof x !== 'number') onNull(c, rows + i);
        out[at + i] = x as number;
      }
    }
    into.advance(rc);
    rows += rc;
  }
  return rows;
}
