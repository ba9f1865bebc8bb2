import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar } from '../../core/bar.js';
import { DataError } from '../../core/errors.js';
import { equity, type Instrument } from '../../core/instrument.js';
import { fileSymbol, legacyFileSymbol } from '../../data/paths.js';
import { readUserCsvFile } from '../../data/user-csv.js';
import type { BarRequest, DataProvider } from '../../engine/ports.js';

export interface CsvProviderOptions {
  /** Folder holding `{SYMBOL}.csv` (or `.txt`) files; default `{home}/data/import`. */
  readonly dir: string;
  readonly tz?: string;
  readonly adjusted?: boolean;
  readonly calendar?: string;
}

/**
 * Serves bars from user CSV files in a folder, one file per symbol, with the same automatic
 * column mapping as `momentic data import`. Rows whose time cannot be read are not served
 * (import the file with `data import` to quarantine them with their reason); rows with bad
 * values are served and stopped by the quality gates of the fetch.
 */
export class CsvFileProvider implements DataProvider {
  readonly name = 'csv';
  readonly #o: CsvProviderOptions;

  constructor(options: CsvProviderOptions) {
    this.#o = options;
  }

  instrument(symbol: string): Instrument {
    return equity(symbol, { calendar: this.#o.calendar ?? 'XNYS' });
  }

  /** Whether the folder holds a file for the symbol: a fetch checks every symbol before the first. */
  serves(symbol: string): boolean {
    return this.#fileOf(symbol) !== undefined;
  }

  /** The symbol's file; files named the way earlier versions named them (`BTC-USD.csv` for BTC/USD) are still found. */
  #fileOf(symbol: string): string | undefined {
    const names = [...new Set([fileSymbol(symbol), legacyFileSymbol(symbol)])];
    return names
      .flatMap((n) => [`${n}.csv`, `${n}.txt`])
      .map((f) => join(this.#o.dir, f))
      .find((f) => existsSync(f));
  }

  async *fetchBars(request: BarRequest): AsyncIterable<readonly Bar[]> {
    const file = this.#fileOf(request.symbol);
    if (file === undefined) {
      throw new DataError('DATA_NOT_FOUND', `no CSV file for ${request.symbol} in ${this.#o.dir}`, {
        hint: `put ${fileSymbol(request.symbol)}.csv there, or use momentic data import --file F --symbol ${request.symbol}`,
        context: { file: this.#o.dir },
      });
    }
    const parsed = readUserCsvFile(file, {
      file,
      timeframe: request.timeframe,
      ...(this.#o.tz === undefined ? {} : { tz: this.#o.tz }),
      ...(this.#o.adjusted === undefined ? {} : { adjusted: this.#o.adjusted }),
    });
    const bars = parsed.candidates
      .filter((c) => !Number.isNaN(c.ts) && c.ts >= request.start && c.ts < request.end)
      .map((c) => ({
        symbol: request.symbol,
        ts: c.ts,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      }))
      .sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < bars.length; i += 10_000) yield bars.slice(i, i + 10_000);
  }
}
