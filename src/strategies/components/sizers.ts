/**
 * Sizers: how big a new position is, as a weight of equity or a quantity. docs/strategies.md,
 * "Sizers". Quantities are rounded down to the lot by the engine (weights) or the venue (qty).
 */
import { UsageError } from '../../core/errors.js';
import { indicator, price } from './features.js';
import type { Sizer } from './types.js';

function positive(name: string, x: number, hint: string): number {
  if (!(Number.isFinite(x) && x > 0)) {
    throw new UsageError('USAGE_INVALID_OPTION', `${name} must be a positive number, got ${x}`, { hint });
  }
  return x;
}

/** A fixed number of units per position. */
export function fixedUnits(qty: number): Sizer {
  positive('fixedUnits qty', qty, 'e.g. fixedUnits(100)');
  return { name: `fixed units ${qty}`, unit: 'qty', create: () => () => qty };
}

/** A fixed fraction of equity per position (0.1 = 10%). */
export function fixedFraction(weight: number): Sizer {
  positive('fixedFraction weight', weight, 'e.g. fixedFraction(0.1) for 10% of equity');
  return { name: `fixed fraction ${weight}`, unit: 'weight', create: () => () => weight };
}

/** 1 / (number of symbols of the run) of equity per position. */
export function equalWeight(): Sizer {
  return {
    name: 'equal weight',
    unit: 'weight',
    create: () => (_row, state) => 1 / Math.max(1, state.ctx.symbols.length),
  };
}

/**
 * Inverse volatility: weight_i = (1 / sigma_i) / sum_j (1 / sigma_j) over the run's symbols whose
 * `window`-bar realized volatility is known, so each contributes about the same risk. NaN (no
 * position) while the symbol's own volatility is unknown.
 */
export function inverseVolatility(window = 20): Sizer {
  return {
    name: `inverse volatility (${window} bars)`,
    unit: 'weight',
    features: { [`realized_vol_${window}`]: indicator(`realized_vol:${window}`) },
    create(col, universe) {
      const c = col(`realized_vol_${window}`);
      return (row) => {
        const own = row.cur[c] as number;
        if (!(own > 0)) return NaN;
        let sum = 0;
        for (const r of universe.rows) {
          const s = r.cur[c] as number;
          if (s > 0) sum += 1 / s;
        }
        return 1 / own / sum;
      };
    },
  };
}

/**
 * Volatility targeting (Moskowitz, Ooi and Pedersen 2012): each position is scaled to an annual
 * volatility of `target` and the book is spread equally over the run's symbols:
 * weight = min(maxWeight, target / sigma_annual) / number of symbols.
 */
export function volatilityTarget(target = 0.1, window = 20, maxWeight = 1, periodsPerYear = 252): Sizer {
  positive('volatilityTarget target', target, 'e.g. volatilityTarget(0.1) for 10% a year');
  positive('volatilityTarget maxWeight', maxWeight, 'e.g. 1 for no leverage per position');
  return {
    name: `volatility target ${target}`,
    unit: 'weight',
    features: { [`realized_vol_${window}_${periodsPerYear}`]: indicator(`realized_vol:${window},${periodsPerYear}`) },
    create(col) {
      const c = col(`realized_vol_${window}_${periodsPerYear}`);
      return (row, state) => {
        const s = row.cur[c] as number;
        if (!(s > 0)) return NaN;
        return Math.min(maxWeight, target / s) / Math.max(1, state.ctx.symbols.length);
      };
    },
  };
}

/**
 * Risk per trade (seed 004: 0.4% of equity): the quantity whose loss at a stop `multiple` x ATR
 * away is `risk` x equity: qty = risk x equity / (multiple x ATR), capped at `maxWeight` of equity.
 */
export function atrRisk(risk = 0.004, multiple = 1.5, period = 14, maxWeight = 1): Sizer {
  positive('atrRisk risk', risk, 'e.g. atrRisk(0.004) for 0.4% of equity per trade');
  positive('atrRisk multiple', multiple, 'the stop distance in ATRs, e.g. 1.5');
  return {
    name: `ATR risk ${risk}`,
    unit: 'qty',
    features: { [`atr_${period}`]: indicator(`atr:${period}`), close: price('close') },
    create(col) {
      const a = col(`atr_${period}`);
      const cl = col('close');
      return (row, state) => {
        const atr = row.cur[a] as number;
        if (!(atr > 0)) return NaN;
        const equity = state.ctx.portfolio.equity;
        const qty = (risk * equity) / (multiple * atr);
        return Math.min(qty, (maxWeight * Math.max(0, equity)) / (row.cur[cl] as number));
      };
    },
  };
}
