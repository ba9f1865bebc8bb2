import type { AssetClass } from './enums.js';

/** A tradable instrument and the venue rules that shape its orders. */
export interface Instrument {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Trading calendar code, e.g. `XNYS` or `24/7`. */
  readonly calendar: string;
  /** Smallest price increment. */
  readonly tickSize: number;
  /** Smallest quantity increment (1 for whole shares, e.g. 1e-5 for crypto). */
  readonly lotSize: number;
  readonly shortable: boolean;
  readonly currency: string;
}

/** Sensible defaults for a US equity on the NYSE calendar. */
export function equity(symbol: string, overrides: Partial<Omit<Instrument, 'symbol'>> = {}): Instrument {
  return {
    symbol,
    assetClass: 'equity',
    calendar: 'XNYS',
    tickSize: 0.01,
    lotSize: 1,
    shortable: true,
    currency: 'USD',
    ...overrides,
  };
}

/** Defaults for a spot crypto pair on the 24/7 calendar. */
export function cryptoPair(symbol: string, overrides: Partial<Omit<Instrument, 'symbol'>> = {}): Instrument {
  return {
    symbol,
    assetClass: 'crypto',
    calendar: '24/7',
    tickSize: 0.01,
    lotSize: 0.00001,
    shortable: false,
    currency: 'USD',
    ...overrides,
  };
}

/** Rounds a price to the instrument's tick (half away from zero), without float residue. */
export function roundToTick(price: number, tickSize: number): number {
  const decimals = decimalsOf(tickSize);
  return Number((Math.round(price / tickSize) * tickSize).toFixed(decimals));
}

/** Rounds a quantity down (toward zero) to the instrument's lot. */
export function roundToLot(qty: number, lotSize: number): number {
  const decimals = decimalsOf(lotSize);
  const lots = Math.trunc(Number((qty / lotSize).toFixed(9)));
  return Number((lots * lotSize).toFixed(decimals));
}

const decimalsCache = new Map<number, number>();

/** Decimal places of a tick or lot size (0.01 -> 2), cached: instruments reuse a few sizes. */
function decimalsOf(step: number): number {
  let d = decimalsCache.get(step);
  if (d === undefined) {
    const s = step.toExponential();
    const [mantissa, exp] = s.split('e') as [string, string];
    const frac = mantissa.split('.')[1]?.length ?? 0;
    d = Math.max(0, frac - Number(exp));
    if (decimalsCache.size < 1024) decimalsCache.set(step, d);
  }
  return d;
}
