import type { FeatureDef } from './feature.js';
import { adx } from '../indicators/adx.js';
import { ema } from '../indicators/ema.js';
import { linreg } from '../indicators/linreg.js';
import { macd } from '../indicators/macd.js';
import { rsi } from '../indicators/rsi.js';
import { sma } from '../indicators/sma.js';
import { map2, nans } from './rolling.js';

/** Family 2 (seed 003): trend and momentum. */

const family = 'trend_momentum' as const;

export function smaRatio(fast: number, slow: number): FeatureDef {
  return {
    name: `sma_ratio_${fast}_${slow}`,
    family,
    description: `fast over slow simple moving average of the close, minus one`,
    formula: `SMA(close, ${fast})[t] / SMA(close, ${slow})[t] - 1`,
    params: { fast, slow },
    warmup: Math.max(fast, slow) - 1,
    source: 'moving-average crossover (TA-Lib SMA)',
    compute: ({ close }) => map2(sma(close, fast), sma(close, slow), (a, b) => a / b - 1),
  };
}

export function emaRatio(fast: number, slow: number): FeatureDef {
  return {
    name: `ema_ratio_${fast}_${slow}`,
    family,
    description: 'fast over slow exponential moving average of the close, minus one (a price-free MACD)',
    formula: `EMA(close, ${fast})[t] / EMA(close, ${slow})[t] - 1`,
    params: { fast, slow },
    warmup: Math.max(fast, slow) - 1,
    source: 'TA-Lib EMA (seeded with the simple mean)',
    compute: ({ close }) => map2(ema(close, fast), ema(close, slow), (a, b) => a / b - 1),
  };
}

export function closeSma(period: number): FeatureDef {
  return {
    name: `close_sma_${period}`,
    family,
    description: `distance of the close above its ${period}-bar simple moving average`,
    formula: `close[t] / SMA(close, ${period})[t] - 1`,
    params: { period },
    warmup: period - 1,
    source: 'TA-Lib SMA',
    compute: ({ close }) => map2(close, sma(close, period), (c, m) => c / m - 1),
  };
}

export function macdHistNorm(fast = 12, slow = 26, signal = 9): FeatureDef {
  return {
    name: 'macd_hist_norm',
    family,
    description: `MACD(${fast},${slow},${signal}) histogram divided by the close (comparable across price levels)`,
    formula: `(MACD - signal)[t] / close[t], MACD = EMA(${fast}) - EMA(${slow}), signal = EMA(MACD, ${signal})`,
    params: { fast, slow, signal },
    warmup: slow + signal - 2,
    source: 'Appel (1979); TA-Lib MACD alignment and seeding',
    compute: ({ close }) => map2(macd(close, fast, slow, signal).hist, close, (h, c) => h / c),
  };
}

/** Wilder RSI (also used by mean reversion with a short period). */
export function rsiN(period: number, fam: FeatureDef['family'] = family): FeatureDef {
  return {
    name: `rsi_${period}`,
    family: fam,
    description: `Wilder relative strength index over ${period} bars (0..100)`,
    formula: `100 * avgGain / (avgGain + avgLoss), Wilder averages over ${period} changes`,
    params: { period },
    warmup: period,
    source: 'Wilder (1978); TA-Lib RSI',
    compute: ({ close }) => rsi(close, period),
  };
}

export function adxN(period: number): FeatureDef {
  return {
    name: `adx_${period}`,
    family,
    description: `Wilder average directional index over ${period} bars (trend strength, 0..100)`,
    formula: `Wilder average of DX = 100 |+DI - -DI| / (+DI + -DI), period ${period}`,
    params: { period },
    warmup: 2 * period - 1,
    source: 'Wilder (1978); TA-Lib ADX',
    compute: (input) => adx(input, period),
  };
}

/** The 12-1 momentum of Jegadeesh and Titman: the return over `lookback` bars, skipping the last `skip`. */
export function momentum(lookback: number, skip: number): FeatureDef {
  return {
    name: `mom_${Math.round(lookback / 21)}_${Math.round(skip / 21)}`,
    family,
    description: `return from ${lookback} bars ago to ${skip} bars ago (skips the short-term reversal month)`,
    formula: `close[t-${skip}] / close[t-${lookback}] - 1`,
    params: { lookback, skip },
    warmup: lookback,
    source: 'Jegadeesh & Titman (1993); 12-1 momentum as in Asness, Moskowitz & Pedersen (2013)',
    compute: ({ close }) => {
      const out = nans(close.length);
      for (let t = lookback; t < close.length; t++)
        out[t] = (close[t - skip] as number) / (close[t - lookback] as number) - 1;
      return out;
    },
  };
}

export function linregSlope(period: number): FeatureDef {
  return {
    name: `linreg_slope_${period}`,
    family,
    description: `least-squares slope of the last ${period} closes per bar, divided by the close`,
    formula: `slope(OLS of close[t-${period - 1}..t] on 0..${period - 1}) / close[t]`,
    params: { period },
    warmup: period - 1,
    source: 'TA-Lib LINEARREG_SLOPE, normalized by price',
    compute: ({ close }) => map2(linreg(close, period).slope, close, (s, c) => s / c),
  };
}

export const TREND_MOMENTUM: readonly FeatureDef[] = [
  smaRatio(20, 50),
  emaRatio(12, 26),
  closeSma(50),
  closeSma(200),
  macdHistNorm(),
  rsiN(14),
  adxN(14),
  momentum(252, 21),
  linregSlope(20),
];
