/**
 * Reads results folders for the API, keeping the parsed rows of the last files read (until a
 * file changes: size or modification time), so paging through a long orders.csv parses it once.
 * A session's files grow as it trades; each change is read again.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../backtest/csv.js';
import { DataError } from '../../core/errors.js';
import { toRow, type CsvTable } from './csv-tables.js';

const KEEP = 16;

export function missing(file: string, what: string): DataError {
  return new DataError('DATA_NOT_FOUND', `${what} has no ${file.split(/[\\/]/).pop() ?? file}`, {
    hint: 'a run folder holds its files once its run (or, for a session, its first bar) wrote them',
    context: { file },
  });
}

export class ResultsReader {
  readonly #cache = new Map<string, { readonly stamp: string; readonly rows: readonly Record<string, unknown>[] }>();

  /** Every row of `t` in `dir`, as JSON objects (columns the file lacks are null). */
  rows(dir: string, t: CsvTable, what: string): readonly Record<string, unknown>[] {
    const file = join(dir, t.file);
    if (!existsSync(file)) throw missing(file, what);
    const st = statSync(file);
    const stamp = `${st.size}:${st.mtimeMs}`;
    const hit = this.#cache.get(file);
    if (hit !== undefined && hit.stamp === stamp) {
      this.#cache.delete(file);
      this.#cache.set(file, hit);
      return hit.rows;
    }
    const [header = [], ...body] = parseCsv(readFileSync(file, 'utf8'));
    const at = t.columns.map((c) => header.indexOf(c));
    let rows: Record<string, unknown>[];
    try {
      rows = body.map((cells) =>
        toRow(
          t,
          at.map((i) => (i < 0 ? '' : (cells[i] ?? ''))),
        ),
      );
    } catch (e) {
      throw new DataError('DATA_INVALID', `${file} has a cell that is not valid JSON: ${(e as Error).message}`, {
        hint: 'the results files must not be edited; rerun the run to rewrite them',
        context: { file },
      });
    }
    this.#cache.set(file, { stamp, rows });
    if (this.#cache.size > KEEP) this.#cache.delete(this.#cache.keys().next().value as string);
    return rows;
  }

  json(file: string, what: string): unknown {
    if (!existsSync(file)) throw missing(file, what);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (e) {
      throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
        hint: 'the results files must not be edited; rerun the run to rewrite them',
        context: { file },
      });
    }
  }

  text(file: string, what: string): string {
    if (!existsSync(file)) throw missing(file, what);
    return readFileSync(file, 'utf8');
  }
}
