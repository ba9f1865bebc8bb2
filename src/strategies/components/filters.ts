/**
 * Filters gate entries, never exits (docs/strategies.md, "Filters"): a regime condition on a
 * feature, a liquidity floor, and a schedule within the trading session.
 */
import { UsageError } from '../../core/errors.js';
import { indicator, price } from './features.js';
import type { Filter } from './types.js';

export interface RegimeOptions {
  /** Entries only while the feature is above this level (e.g. ADX above 20: a trending market). */
  readonly above?: number;
  readonly below?: number;
  /** Longs only while the feature is above `other` and shorts only below it (e.g. close vs SMA(200)). */
  readonly trendVs?: string;
}

/** A regime filter on one feature. */
export function regime(feature: string, options: RegimeOptions): Filter {
  if (options.above === undefined && options.below === undefined && options.trendVs === undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', `regime(${feature}) needs above, below or trendVs`, {
      hint: "e.g. regime('adx', { above: 20 }) or regime('close', { trendVs: 'sma_200' })",
    });
  }
  const above = options.above ?? -Infinity;
  const below = options.below ?? Infinity;
  return {
    name: `regime(${feature})`,
    create(col) {
      const c = col(feature);
      const t = options.trendVs === undefined ? -1 : col(options.trendVs);
      return (row, _s, direction) => {
        const x = row.cur[c] as number;
        if (!(x > above)) return `${feature} ${fmt(x)} is not above ${above}`;
        if (!(x < below)) return `${feature} ${fmt(x)} is not below ${below}`;
        if (t >= 0) {
          const y = row.cur[t] as number;
          if (direction > 0 && !(x > y)) return `${feature} ${fmt(x)} is not above ${options.trendVs} ${fmt(y)}`;
          if (direction < 0 && !(x < y)) return `${feature} ${fmt(x)} is not below ${options.trendVs} ${fmt(y)}`;
        }
        return undefined;
      };
    },
  };
}

/**
 * A liquidity floor: entries only when close x average volume over `window` bars (an estimate of
 * the traded value per bar) is at least `minValue` (in the quote currency).
 */
export function liquidity(minValue: number, window = 20): Filter {
  const avg = `volume_sma_${window}`;
  return {
    name: `liquidity >= ${minValue}`,
    features: { close: price('close'), [avg]: indicator(`sma:${window}`, { field: 'volume' }) },
    create(col) {
      const c = col('close');
      const v = col(avg);
      return (row) => {
        const value = (row.cur[c] as number) * (row.cur[v] as number);
        return value >= minValue ? undefined : `traded value ${fmt(value)} per bar is under ${minValue}`;
      };
    },
  };
}

export interface ScheduleOptions {
  /** No entries during the first minutes of the session. */
  readonly skipOpenMinutes?: number;
  /** No entries during the last minutes of the session. */
  readonly skipCloseMinutes?: number;
  /** Weekdays (0 Sunday .. 6 Saturday, UTC date of the bar) on which entries are allowed. */
  readonly weekdays?: readonly number[];
}

/** Entries only at allowed times of the trading session. */
export function schedule(options: ScheduleOptions): Filter {
  const open = (options.skipOpenMinutes ?? 0) * 60_000;
  const close = (options.skipCloseMinutes ?? 0) * 60_000;
  const days = options.weekdays === undefined ? undefined : new Set(options.weekdays);
  return {
    name: 'schedule',
    create: () => (_row, s) => {
      if (days !== undefined && !days.has(new Date(s.bar.ts).getUTCDay())) return 'not an allowed weekday';
      if (open === 0 && close === 0) return undefined;
      const session = s.ctx.session(s.symbol);
      if (session === undefined) return 'outside the trading session';
      const now = s.ctx.now();
      if (now < session.open + open) return `within ${options.skipOpenMinutes} minutes of the open`;
      if (now > session.close - close) return `within ${options.skipCloseMinutes} minutes of the close`;
      return undefined;
    },
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1e4) / 1e4) : String(x);
}
