/**
 * Minute bars the stream cannot give: the warm-up history before the first live bar (so
 * indicators are ready at the open) and the bars of a gap while the socket was down. The stream
 * replays nothing (spec A.7), so both come from the REST bars provider.
 */
import type { Bar } from '../../../core/bar.js';
import type { DataProvider } from '../../../engine/ports.js';
import { isCryptoSymbol } from '../mapper.js';

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Regular-session minutes of a US stock trading day. */
const SESSION_MINUTES = 390;

export interface HistoryRange {
  readonly symbol: string;
  readonly start: number;
  readonly end: number;
  /** Keep only the last N bars of the range (a warm-up). */
  readonly keepLast?: number;
}

/**
 * Where to start looking for a symbol's last `bars` minute bars before `end`: a pair trades
 * every minute; a stock only in sessions, so ask for enough calendar days to cover weekends
 * and holidays (twice the sessions needed, plus four days).
 */
export function warmupStart(symbol: string, bars: number, end: number): number {
  if (isCryptoSymbol(symbol)) return end - bars * MINUTE_MS;
  return end - (Math.ceil(bars / SESSION_MINUTES) * 2 + 4) * DAY_MS;
}

/** The bars of every range, in time order, bars of one minute in the order of `ranges`. */
export async function fetchHistory(
  provider: DataProvider,
  ranges: readonly HistoryRange[],
  signal: AbortSignal,
): Promise<Bar[]> {
  const all: Bar[] = [];
  for (const r of ranges) {
    if (!(r.start < r.end) || r.keepLast === 0) continue;
    const bars: Bar[] = [];
    for await (const page of provider.fetchBars(
      { symbol: r.symbol, timeframe: '1m', start: r.start, end: r.end },
      { signal },
    )) {
      bars.push(...page);
    }
    all.push(...(r.keepLast === undefined ? bars : bars.slice(Math.max(0, bars.length - r.keepLast))));
  }
  // A stable sort keeps the ranges' order within a minute.
  return all.sort((a, b) => a.ts - b.ts);
}
