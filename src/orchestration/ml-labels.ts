/**
 * `momentic ml label`: the labels of the workspace's daily bars (loaded as `ml train` loads them,
 * the synthetic universe generated when missing) written to a CSV or Parquet file, atomically.
 * Columns: symbol, start, end (ISO dates of the label's first and last bar), then LABEL_COLUMNS.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Config } from '../config/schema.js';
import { tsToDate } from '../core/dates.js';
import { DataError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { commitTemp, tempPathFor, writeFileAtomic } from '../data/atomic.js';
import { appendDoubleColumns, sqlString, withConnection } from '../data/duckdb.js';
import { LABEL_COLUMNS, labelRows, type LabelRows, type LabelTableSpec } from '../ml/research/label-table.js';
import { loadMlBars } from './ml-data.js';

export interface LabelJobResult {
  readonly file: string;
  readonly format: 'csv' | 'parquet';
  readonly rows: number;
  readonly perSymbol: Readonly<Record<string, number>>;
  readonly columns: readonly string[];
}

/** The output format of `--out`, by its ending. */
export function labelFormatOf(file: string): 'csv' | 'parquet' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new UsageError('USAGE_INVALID_OPTION', `--out ${file}: the file must end in .csv or .parquet`, {
    hint: 'name the labels file labels.csv or labels.parquet',
    context: { flag: '--out', value: file },
  });
}

export async function runLabelJob(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly symbols: readonly string[];
  readonly spec: LabelTableSpec;
  readonly out: string;
  readonly start?: string;
  readonly end?: string;
  readonly logger?: Logger;
}): Promise<LabelJobResult> {
  const format = labelFormatOf(o.out);
  const tables = (await loadMlBars(o)).map((b) => labelRows(b.symbol, b.ts, b.close, o.spec));
  const rows = tables.reduce((n, t) => n + t.start.length, 0);
  if (rows === 0) {
    throw new DataError('DATA_INVALID', `no labels: the bars of ${o.symbols.join(', ')} are too few for the label`, {
      hint: 'widen --start/--end, or shorten the horizon (h=) and the volatility span (vol=)',
      context: { flag: '--label' },
    });
  }
  if (format === 'csv') writeFileAtomic(o.out, csvLines(tables));
  else await writeParquet(o.out, tables);
  return {
    file: o.out,
    format,
    rows,
    perSymbol: Object.fromEntries(tables.map((t) => [t.symbol, t.start.length])),
    columns: ['symbol', 'start', 'end', ...LABEL_COLUMNS],
  };
}

const cell = (v: number): string => (Number.isNaN(v) ? '' : String(v));

function* csvLines(tables: readonly LabelRows[]): Iterable<string> {
  yield `symbol,start,end,${LABEL_COLUMNS.join(',')}\n`;
  for (const t of tables) {
    for (let i = 0; i < t.start.length; i++) {
      const values = LABEL_COLUMNS.map((c) => cell(t[c][i] as number));
      yield `${t.symbol},${tsToDate(t.start[i]!)},${tsToDate(t.end[i]!)},${values.join(',')}\n`;
    }
  }
}

/** One Parquet file of every symbol's rows: symbol (text), start and end (dates), doubles (NaN as NULL). */
async function writeParquet(file: string, tables: readonly LabelRows[]): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const cat = (pick: (t: LabelRows, i: number, k: number) => number): Float64Array => {
    const out: number[] = [];
    tables.forEach((t, k) => {
      for (let i = 0; i < t.start.length; i++) out.push(pick(t, i, k));
    });
    return Float64Array.from(out);
  };
  const symIdx = cat((_t, _i, k) => k);
  const names = ['sym', 'start_ms', 'end_ms', ...LABEL_COLUMNS];
  const cols = [
    symIdx,
    cat((t, i) => t.start[i]!),
    cat((t, i) => t.end[i]!),
    ...LABEL_COLUMNS.map((c) => cat((t, i) => t[c][i]!)),
  ];
  const symbols = `[${tables.map((t) => sqlString(t.symbol)).join(', ')}]`;
  const values = LABEL_COLUMNS.map((c) => `CASE WHEN isnan("${c}") THEN NULL ELSE "${c}" END AS "${c}"`).join(', ');
  try {
    await withConnection(async (con) => {
      await appendDoubleColumns(con, 'labels_in', names, cols);
      await con.run(
        `COPY (SELECT ${symbols}[CAST(sym AS INTEGER) + 1] AS symbol, ` +
          'CAST(epoch_ms(CAST(start_ms AS BIGINT)) AS DATE) AS "start", CAST(epoch_ms(CAST(end_ms AS BIGINT)) AS DATE) AS "end", ' +
          `${values} FROM labels_in) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await con.run('DROP TABLE labels_in');
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
