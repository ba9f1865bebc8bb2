import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { BarSeries } from '../core/bar.js';
import { DataError, UsageError } from '../core/errors.js';
import { equity, type Instrument } from '../core/instrument.js';
import type { Logger } from '../core/logger.js';
import { RawStore } from '../data/raw-store.js';
import { createDataProvider } from '../venues/registry.js';
import type { BacktestSpec } from './backtest-job.js';
import { fetchData } from './fetch-data.js';

/** The bars a run reads, how to make its instruments, and the files they came from. */
export interface RunData {
  readonly symbols: readonly string[];
  readonly series: readonly BarSeries[];
  readonly instrument: (symbol: string) => Instrument;
  /** Each symbol's calendar code, from the raw zone's manifest. */
  readonly calendars: ReadonlyMap<string, string>;
  readonly dataFiles: readonly { readonly path: string; readonly sha256: string }[];
  /** Symbols fetched first (synthetic provider, data missing). */
  readonly fetched: readonly string[];
}

/** Instruments from the calendar stored with the data: 24/7 symbols are crypto pairs, others equities. */
export function instrumentOf(calendars: ReadonlyMap<string, string>): (symbol: string) => Instrument {
  return (s) => {
    const cal = calendars.get(s) ?? 'XNYS';
    return cal === '24/7'
      ? { ...equity(s), assetClass: 'crypto', calendar: cal, lotSize: 0.00001, shortable: false }
      : equity(s, { calendar: cal });
  };
}

/**
 * Loads the raw bars of a run's symbols (the provider's default universe when none are given),
 * fetching them first when the configured provider is the synthetic one and data is missing.
 */
export async function loadRunData(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly spec: Pick<BacktestSpec, 'symbols' | 'timeframe' | 'start' | 'end' | 'seed'>;
  readonly logger?: Logger;
  readonly onFetch?: (symbol: string) => void;
}): Promise<RunData> {
  const { home, config, spec } = o;
  const provider = await createDataProvider(config.data.provider, {
    config: { ...config, venues: { ...config.venues, synthetic: { seed: spec.seed } } },
    env: o.env,
    home,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  });
  const store = new RawStore(home, config.data.format);
  const symbols = spec.symbols.length > 0 ? spec.symbols : [...(provider.defaultSymbols?.() ?? [])];
  if (symbols.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', 'no symbols to backtest', {
      hint: 'pass --symbols A,B',
      context: { flag: '--symbols' },
    });
  }
  const missing = symbols.filter((s) => store.storedFormat(s, spec.timeframe) === undefined);
  const fetched: string[] = [];
  if (missing.length > 0) {
    if (config.data.provider !== 'synthetic') {
      throw new DataError(
        'DATA_NOT_FOUND',
        `no ${spec.timeframe} data for ${missing.join(', ')} in ${join(home, 'data', 'raw')}`,
        {
          hint: `fetch or import it first: momentic data fetch --symbols ${missing.join(',')} (or momentic data import --file F --symbol S)`,
          context: { value: missing.join(',') },
        },
      );
    }
    await fetchData({
      home,
      provider,
      symbols: missing,
      timeframe: spec.timeframe,
      start: spec.start,
      end: spec.end,
      format: config.data.format,
      ...(o.logger === undefined ? {} : { logger: o.logger }),
      onSymbolDone: (s) => {
        fetched.push(s);
        o.onFetch?.(s);
      },
    });
  }
  const series: BarSeries[] = [];
  const dataFiles: { path: string; sha256: string }[] = [];
  const calendars = new Map<string, string>();
  for (const s of symbols) {
    const bars = await store.read(s, spec.timeframe);
    if (bars === undefined)
      throw new DataError('DATA_NOT_FOUND', `no ${spec.timeframe} data for ${s}`, {
        hint: `momentic data fetch --symbols ${s}`,
        context: { value: s },
      });
    series.push(bars);
    const entry = store.entry(s, spec.timeframe);
    if (entry !== undefined) {
      calendars.set(s, entry.calendar);
      for (const [path, f] of Object.entries(entry.files))
        dataFiles.push({ path: `data/raw/${path}`, sha256: f.sha256 });
    }
  }
  return { symbols, series, instrument: instrumentOf(calendars), calendars, dataFiles, fetched };
}
