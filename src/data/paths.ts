import { join } from 'node:path';
import type { Timeframe } from '../core/enums.js';

export type BarFormat = 'csv' | 'parquet';

/** Folders of a workspace (DESIGN.md). */
export function zonePaths(home: string) {
  return {
    raw: join(home, 'data', 'raw'),
    processed: join(home, 'data', 'processed'),
    results: join(home, 'data', 'results'),
    quarantine: join(home, 'data', 'quarantine'),
    backup: join(home, 'data', 'raw', '.backup'),
    state: join(home, 'state'),
  } as const;
}

/** `data/raw/{tf}/{SYMBOL}.csv` */
export function rawCsvPath(home: string, tf: Timeframe, symbol: string): string {
  return join(zonePaths(home).raw, tf, `${fileSymbol(symbol)}.csv`);
}

/** `data/raw/{tf}/{SYMBOL}/{YEAR}.parquet` */
export function rawParquetPath(home: string, tf: Timeframe, symbol: string, year: number): string {
  return join(zonePaths(home).raw, tf, fileSymbol(symbol), `${year}.parquet`);
}

export function rawParquetDir(home: string, tf: Timeframe, symbol: string): string {
  return join(zonePaths(home).raw, tf, fileSymbol(symbol));
}

/**
 * Symbols such as `BTC/USD` or `X:BTCUSD` become safe file names (`BTC+USD`, `X=BTCUSD`). `+` and
 * `=` are not symbol characters (src/core/symbol.ts), so the mapping is reversible: `BTC/USD` and
 * `BTC-USD` are different files.
 */
export function fileSymbol(symbol: string): string {
  return symbol.replace(/\//g, '+').replace(/:/g, '=');
}

/** The symbol a file name stands for (the inverse of `fileSymbol`). */
export function symbolOfFile(name: string): string {
  return name.replace(/\+/g, '/').replace(/=/g, ':');
}

/** The names a symbol's file had before `fileSymbol` was reversible (`BTC-USD`, `X_BTCUSD`). */
export function legacyFileSymbol(symbol: string): string {
  return symbol.replace(/\//g, '-').replace(/:/g, '_');
}
