/**
 * Stale data, per symbol: while a symbol's market is open, its next bar is due when that bar's
 * interval ends (the bar after the newest one received, or the first of the session); a bar
 * later than `afterMs` past that is a fault. This catches a symbol that stops printing
 * altogether, which the kill switch's own stale-data limit cannot see: that one judges the age
 * of each bar as it arrives (`live.stale_after`), and a bar that never comes never arrives.
 */
import { span, type Check, type Verdict } from './check.js';

/** A session's open and close (epoch ms). */
export interface MarketHours {
  readonly open: number;
  readonly close: number;
}

export interface StaleDataOptions {
  readonly symbols: readonly string[];
  /** The bar size (ms): a bar starting at `ts` is complete at `ts + barMs`. */
  readonly barMs: number;
  readonly afterMs: number;
  readonly everyMs: number;
  /** When the session began watching (its clock): the first bar is due one bar after it. */
  readonly startedAt: number;
  /** Start of the newest bar of `symbol` the session received. */
  readonly lastBar: (symbol: string) => number | undefined;
  /** The trading session of the symbol's market around `ts`, or undefined while it is closed. */
  readonly hours: (symbol: string, ts: number) => MarketHours | undefined;
}

const iso = (ts: number): string => new Date(ts).toISOString();

export function staleDataCheck(o: StaleDataOptions): Check {
  return {
    names: ['stale_data'],
    everyMs: o.everyMs,
    run(now) {
      const out: Verdict[] = [];
      for (const symbol of o.symbols) {
        const hours = o.hours(symbol, now);
        // A closed market prints nothing; no bar is due before its open.
        if (hours === undefined) {
          out.push({ check: 'stale_data', subject: symbol });
          continue;
        }
        const last = o.lastBar(symbol);
        const next = last === undefined ? o.startedAt + o.barMs : last + 2 * o.barMs;
        const due = Math.max(next, hours.open + o.barMs);
        const late = now - due;
        if (late <= o.afterMs) {
          out.push({ check: 'stale_data', subject: symbol });
          continue;
        }
        const since = last === undefined ? 'no bar yet' : `the last began ${iso(last)}`;
        out.push({
          check: 'stale_data',
          subject: symbol,
          fault: `no ${symbol} bar for ${span(late)} past the one due at ${iso(due)} (${since}; limit ${span(o.afterMs)})`,
        });
      }
      return out;
    },
  };
}
