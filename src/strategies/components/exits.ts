/**
 * Exits (docs/strategies.md, "Exits"). Price-level exits rest at the venue from the entry fill,
 * so they fill intrabar and at the open on a gap (the simulated exchange's stop and limit rules);
 * time and end-of-day exits act at a bar close with a market order.
 */
import { UsageError } from '../../core/errors.js';
import { indicator } from './features.js';
import type { CloseExit, Filter, OrderExit } from './types.js';

function positive(name: string, x: number): number {
  if (!(Number.isFinite(x) && x > 0)) {
    throw new UsageError('USAGE_INVALID_OPTION', `${name} must be a positive number, got ${x}`, {
      hint: `give ${name} > 0`,
    });
  }
  return x;
}

/** A stop `multiple` x ATR (at entry) beyond the entry price: below it for longs, above for shorts. */
export function atrStop(multiple = 1.5, period = 14): OrderExit {
  positive('atrStop multiple', multiple);
  const name = `atr_${period}`;
  return {
    kind: 'order',
    name: `ATR stop ${multiple}x`,
    features: { [name]: indicator(`atr:${period}`) },
    create(col) {
      const a = col(name);
      return (_row, s) => {
        const atr = s.atEntry[a] as number;
        if (!(atr > 0)) return undefined;
        const price = s.entryPrice - Math.sign(s.qty) * multiple * atr;
        return price > 0 ? { type: 'stop', price, trailAmount: NaN } : undefined;
      };
    },
  };
}

/** A trailing stop `multiple` x ATR (at entry) behind the best price since entry (seed 004: 3 x ATR). */
export function atrTrailingStop(multiple = 3, period = 14): OrderExit {
  positive('atrTrailingStop multiple', multiple);
  const name = `atr_${period}`;
  return {
    kind: 'order',
    name: `ATR trailing stop ${multiple}x`,
    features: { [name]: indicator(`atr:${period}`) },
    create(col) {
      const a = col(name);
      return (_row, s) => {
        const atr = s.atEntry[a] as number;
        return atr > 0 ? { type: 'trailing_stop', price: NaN, trailAmount: multiple * atr } : undefined;
      };
    },
  };
}

/** A take-profit limit `percent` (0.05 = 5%) or `atrMultiple` x ATR beyond the entry price. */
export function takeProfit(options: {
  readonly percent?: number;
  readonly atrMultiple?: number;
  readonly period?: number;
}): OrderExit {
  const { percent, atrMultiple } = options;
  if ((percent === undefined) === (atrMultiple === undefined)) {
    throw new UsageError('USAGE_INVALID_OPTION', 'takeProfit needs exactly one of percent or atrMultiple', {
      hint: 'e.g. takeProfit({ percent: 0.05 }) or takeProfit({ atrMultiple: 2 })',
    });
  }
  const period = options.period ?? 14;
  const name = `atr_${period}`;
  return {
    kind: 'order',
    name: percent === undefined ? `take profit ${atrMultiple}x ATR` : `take profit ${percent * 100}%`,
    ...(atrMultiple === undefined ? {} : { features: { [name]: indicator(`atr:${period}`) } }),
    create(col) {
      const a = atrMultiple === undefined ? -1 : col(name);
      return (_row, s) => {
        const dir = Math.sign(s.qty);
        const dist =
          percent !== undefined
            ? s.entryPrice * positive('takeProfit percent', percent)
            : (atrMultiple as number) * (s.atEntry[a] as number);
        if (!(dist > 0)) return undefined;
        const price = s.entryPrice + dir * dist;
        return price > 0 ? { type: 'limit', price, trailAmount: NaN } : undefined;
      };
    },
  };
}

/** Exits at market once the position has been held `bars` bars. */
export function timeStop(bars: number): CloseExit {
  if (!(Number.isInteger(bars) && bars >= 1)) {
    throw new UsageError('USAGE_INVALID_OPTION', `timeStop bars must be a whole number >= 1, got ${bars}`, {
      hint: 'e.g. timeStop(10) exits after 10 bars',
    });
  }
  return {
    kind: 'close',
    name: `time stop ${bars} bars`,
    create: () => (_row, s) => (s.barsHeld >= bars ? `time stop: held ${s.barsHeld} bars` : undefined),
  };
}

/**
 * Intraday: never hold a position across a session close. At the close of the bar after which
 * only one bar of the session is left (`now + bar length + buffer >= session close`), exits at
 * market, so the order fills at the open of the session's last bar; outside a session any
 * position exits at once. Its `entryFilter` refuses entries that could not be closed in time.
 * Bars only arrive with data, so when a session's data stops before its close a position can
 * outlive it: it then exits at the first bar of the next session (whose previous bar is before
 * the session's open).
 */
export function endOfDay(bufferMinutes = 0): CloseExit & { readonly entryFilter: Filter } {
  const buffer = bufferMinutes * 60_000;
  return {
    kind: 'close',
    name: 'end of day',
    create: () => (_row, s) => {
      const session = s.ctx.session(s.symbol);
      if (session === undefined) return 'end of day: outside the trading session';
      const h = s.ctx.history(s.symbol);
      if (h.length > 1 && h.ts(1) < session.open) return 'end of day: held over from an earlier session';
      const now = s.ctx.now();
      const barMs = now - s.bar.ts;
      return now + barMs + buffer >= session.close ? 'end of day: flat before the session close' : undefined;
    },
    entryFilter: {
      name: 'end of day',
      create: () => (_row, s) => {
        const session = s.ctx.session(s.symbol);
        if (session === undefined) return 'outside the trading session';
        const now = s.ctx.now();
        const barMs = now - s.bar.ts;
        return now + 2 * barMs + buffer >= session.close ? 'too close to the session close to exit in time' : undefined;
      },
    },
  };
}
