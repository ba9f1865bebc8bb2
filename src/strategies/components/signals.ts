/**
 * Signal components (seed 002's signal mixins): each returns the direction it wants, 1 long,
 * -1 short, 0 flat, or NaN for no opinion at this bar. docs/strategies.md, "Signals".
 */
import { indicator, price } from './features.js';
import type { FeatureRow, SignalComponent } from './types.js';

/**
 * Relative difference under which two averages count as equal. Moving averages are running sums,
 * so an exact tie (ORCL's close equals its SMA(15) on 1998-06-15, exactly, in decimal) comes out
 * of float arithmetic a few 1e-16 off either way; 1e-10 is far above that drift and far below a
 * real difference of prices quoted to 6 decimals.
 */
export const EQUAL_WITHIN = 1e-10;

export interface CrossoverOptions {
  /**
   * Enter only on a pullback after the cross: once `fast` has crossed above `slow`, go long on the
   * first bar whose low touches `fast` while fast stays above slow (mirrored for shorts). Exits
   * (the opposite cross) stay immediate.
   */
  readonly pullback?: boolean;
}

/**
 * A cross of feature `fast` over `slow`: 1 on the bar where fast - slow turns from negative to
 * positive, -1 where it turns from positive to negative, NaN otherwise. A bar where they are
 * equal keeps the previous sign; the first bar both are ready only sets the sign.
 */
export function crossover(fast = 'fast', slow = 'slow', options: CrossoverOptions = {}): SignalComponent {
  const pullback = options.pullback === true;
  return {
    name: `crossover(${fast}, ${slow})`,
    ...(pullback ? { features: { low: price('low'), high: price('high') } } : {}),
    create(col) {
      const f = col(fast);
      const s = col(slow);
      const lo = pullback ? col('low') : -1;
      const hi = pullback ? col('high') : -1;
      let sign = 0;
      let armed = 0;
      return (row) => {
        const a = row.cur[f] as number;
        const b = row.cur[s] as number;
        if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
        const d = a - b;
        const prev = sign;
        if (!(Math.abs(d) <= EQUAL_WITHIN * Math.max(Math.abs(a), Math.abs(b)))) sign = d > 0 ? 1 : -1;
        if (prev === 0) return NaN;
        if (!pullback) return sign !== prev ? sign : NaN;
        if (sign !== prev) armed = sign;
        if (armed !== 0) {
          const touched = sign > 0 ? (row.cur[lo] as number) <= a : (row.cur[hi] as number) >= a;
          if (touched) {
            armed = 0;
            return sign;
          }
        }
        // The cross itself closes a position held the other way; the entry waits for the pullback.
        return sign !== prev ? 0 : NaN;
      };
    },
  };
}

export interface ThresholdOptions {
  /** Long above this value. */
  readonly above?: number;
  /** Short (or flat when shorts are off) below this value. */
  readonly below?: number;
  /** Flat when the value falls back inside [exitBelow, exitAbove]; default: hold. */
  readonly exitInside?: readonly [number, number];
}

/** A level rule on one feature: long above `above`, short below `below`, optionally flat back inside a band. */
export function threshold(feature: string, options: ThresholdOptions): SignalComponent {
  const above = options.above ?? Infinity;
  const below = options.below ?? -Infinity;
  const [lo, hi] = options.exitInside ?? [NaN, NaN];
  return {
    name: `threshold(${feature})`,
    create(col) {
      const c = col(feature);
      return (row) => {
        const x = row.cur[c] as number;
        if (Number.isNaN(x)) return NaN;
        if (x > above) return 1;
        if (x < below) return -1;
        if (x >= lo && x <= hi) return 0;
        return NaN;
      };
    },
  };
}

/**
 * Time-series momentum (Moskowitz, Ooi and Pedersen 2012): long when the feature (a past return)
 * is above `threshold`, short below `-threshold`, flat in between.
 */
export function momentum(feature = 'momentum', thresholdValue = 0): SignalComponent {
  return {
    name: `momentum(${feature})`,
    create(col) {
      const c = col(feature);
      return (row) => {
        const x = row.cur[c] as number;
        if (Number.isNaN(x)) return NaN;
        return x > thresholdValue ? 1 : x < -thresholdValue ? -1 : 0;
      };
    },
  };
}

export interface MeanReversionOptions {
  /** |z| at or beyond which to enter against the move (default 2). */
  readonly entry?: number;
  /** |z| under which to exit (default 0.5; 0 exits when z crosses its mean). */
  readonly exit?: number;
  /** A confirming oscillator (e.g. `rsi`): longs need it below `confirmBelow`, shorts above `confirmAbove`. */
  readonly confirm?: string;
  readonly confirmBelow?: number;
  readonly confirmAbove?: number;
}

/**
 * Mean reversion on a z-score feature: long when z <= -entry, short when z >= entry (with the
 * optional oscillator confirming), flat once |z| < exit (or z has crossed back through 0 when
 * exit is 0).
 */
export function meanReversion(z = 'z', options: MeanReversionOptions = {}): SignalComponent {
  const entry = options.entry ?? 2;
  const exit = options.exit ?? 0.5;
  const below = options.confirmBelow ?? 30;
  const above = options.confirmAbove ?? 70;
  return {
    name: `meanReversion(${z})`,
    create(col) {
      const zc = col(z);
      const cc = options.confirm === undefined ? -1 : col(options.confirm);
      let side = 0;
      return (row: FeatureRow) => {
        const x = row.cur[zc] as number;
        if (Number.isNaN(x)) return NaN;
        const conf = cc < 0 ? NaN : (row.cur[cc] as number);
        if (x <= -entry && (cc < 0 || conf < below)) return (side = 1);
        if (x >= entry && (cc < 0 || conf > above)) return (side = -1);
        const back = exit > 0 ? Math.abs(x) < exit : side > 0 ? x >= 0 : side < 0 ? x <= 0 : false;
        if (back) return (side = 0);
        return NaN;
      };
    },
  };
}

/**
 * A channel breakout (Donchian; the turtle rules): long when the close rises above the upper
 * channel of the previous bar, short when it falls below the lower one; with `exitUpper` /
 * `exitLower` (a narrower channel) flat when the close crosses the exit channel against the
 * position.
 */
export function breakout(
  upper = 'upper',
  lower = 'lower',
  options: { readonly exitUpper?: string; readonly exitLower?: string } = {},
): SignalComponent {
  return {
    name: `breakout(${upper}, ${lower})`,
    features: { close: price('close') },
    create(col) {
      const cl = col('close');
      const up = col(upper);
      const dn = col(lower);
      const xu = options.exitUpper === undefined ? -1 : col(options.exitUpper);
      const xl = options.exitLower === undefined ? -1 : col(options.exitLower);
      let side = 0;
      return (row) => {
        const c = row.cur[cl] as number;
        if (c > (row.prev[up] as number)) return (side = 1);
        if (c < (row.prev[dn] as number)) return (side = -1);
        if (side > 0 && xl >= 0 && c < (row.prev[xl] as number)) return (side = 0);
        if (side < 0 && xu >= 0 && c > (row.prev[xu] as number)) return (side = 0);
        return NaN;
      };
    },
  };
}

/**
 * Volume confirmation: passes the inner signal's entries only on bars whose volume is at least
 * `ratio` x its `window`-bar average; exits (0) and opinions of no entry pass unchanged.
 */
export function confirmByVolume(inner: SignalComponent, ratio = 1.5, window = 20): SignalComponent {
  return {
    name: `${inner.name} + volume x${ratio}`,
    features: {
      ...inner.features,
      volume: price('volume'),
      volume_avg: indicator(`sma:${window}`, { field: 'volume' }),
    },
    create(col) {
      const sig = inner.create(col);
      const v = col('volume');
      const avg = col('volume_avg');
      return (row, state) => {
        const d = sig(row, state);
        if (d === 0 || Number.isNaN(d)) return d;
        return (row.cur[v] as number) >= ratio * (row.cur[avg] as number) ? d : NaN;
      };
    },
  };
}
