/**
 * The one guard against symbols no command can have data for: not in the workspace's raw zone and
 * not served by the provider that would fetch them. Every command that reads or fetches bars
 * (backtest, sweep, walkforward, data fetch, features build) refuses them before anything is
 * fetched or written, naming the nearest dataset of the workspace, so a typo (ORLC for ORCL) is
 * caught instead of becoming invented bars or a run on nothing.
 */
import { closest } from '../core/did-you-mean.js';
import { DataError, type ErrorContext } from '../core/errors.js';
import { RawStore } from '../data/raw-store.js';
import type { DataProvider } from '../engine/ports.js';

/** The timeframes each symbol of the workspace's raw zone has data in. */
export function workspaceDatasets(home: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of new RawStore(home).list()) out.set(e.symbol, [...(out.get(e.symbol) ?? []), e.timeframe]);
  return out;
}

/** The symbols of the workspace's raw datasets (any timeframe), sorted. */
export function workspaceSymbols(home: string): string[] {
  return [...workspaceDatasets(home).keys()].sort();
}

/** `ORLC: no data; did you mean "ORCL"?` for each symbol. */
export function noDataText(symbols: readonly string[], candidates: readonly string[], what = 'no data'): string {
  return symbols
    .map((s) => {
      const near = closest(
        s,
        candidates.filter((c) => c.toUpperCase() !== s.toUpperCase()),
      );
      return `${s}: ${what}${near === undefined ? '' : `; did you mean "${near}"?`}`;
    })
    .join(' ');
}

/**
 * Refuses the symbols `provider` does not serve (a provider that cannot tell is trusted: only its
 * answer to a request would say), before any is fetched. Candidates for "did you mean" are the
 * workspace's datasets first, then the provider's own symbols.
 */
export function refuseUnknownSymbols(o: {
  readonly home: string;
  readonly symbols: readonly string[];
  readonly provider: DataProvider;
  /** The bar size asked for, to say what a symbol stored in another one lacks. */
  readonly timeframe?: string;
  /** Where the symbols came from (`--symbols`...). */
  readonly context?: ErrorContext;
}): void {
  const unknown = o.symbols.filter((s) => o.provider.serves?.(s) === false);
  if (unknown.length === 0) return;
  const stored = workspaceDatasets(o.home);
  const own = o.provider.defaultSymbols?.() ?? [];
  const text = unknown
    .map((s) => {
      const tfs = stored.get(s);
      if (tfs === undefined) return noDataText([s], [...[...stored.keys()].sort(), ...own]);
      const lacking = o.timeframe !== undefined && !tfs.includes(o.timeframe) ? `no ${o.timeframe} data, and ` : '';
      return `${s}: ${lacking}${o.provider.name} does not serve it (its ${tfs.join(', ')} data here came from elsewhere)`;
    })
    .join(' ');
  throw new DataError('DATA_UNKNOWN_SYMBOL', text, {
    hint:
      `check the spelling (momentic data ls lists the workspace's datasets${own.length > 0 ? `; ${o.provider.name} serves ${own.join(', ')}` : ''}), ` +
      `or import the data instead: momentic data import --file F --symbol ${unknown[0] ?? 'SYMBOL'}`,
    context: { ...o.context, value: unknown.join(',') },
  });
}
