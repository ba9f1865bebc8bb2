/**
 * Parameters of the synthetic market model (docs/providers/synthetic.md explains each). Rates
 * and volatilities are annual; the models convert them per period (252 XNYS sessions, 365 days).
 * Changing any value changes every generated series: bump SYNTHETIC_MODEL_VERSION with it.
 */
import { toDayNumber } from '../../core/dates.js';
import type { SyntheticCalendar } from './universe.js';

/** Recorded in docs and usable in manifests: the generated data of a seed only change with it. */
export const SYNTHETIC_MODEL_VERSION = 2;

/** Daily series start here (state is carried forward from these dates) and end at HORIZON. */
export const ORIGIN: Readonly<Record<SyntheticCalendar, string>> = { XNYS: '2000-01-03', '24/7': '2015-01-01' };
export const HORIZON = '2035-12-31';
export const HORIZON_DAY = toDayNumber(HORIZON);
/** The regime chain runs on calendar days from here, before both origins. */
export const REGIME_START_DAY = toDayNumber('2000-01-01');

export const PERIODS_PER_YEAR: Readonly<Record<SyntheticCalendar, number>> = { XNYS: 252, '24/7': 365 };

export const Regime = { Calm: 0, Stressed: 1 } as const;
export type Regime = (typeof Regime)[keyof typeof Regime];

/**
 * Two-state Markov chain on calendar days, shared by every symbol (Hamilton 1989,
 * Econometrica 57(2)). Mean spells: calm 1/0.004 = 250 days, stressed 1/0.02 = 50 days;
 * stationary share of stressed days 0.004 / 0.024 = 1/6.
 */
export const REGIME = { calmToStressed: 0.004, stressedToCalm: 0.02 } as const;

/** GARCH(1,1) persistence (Bollerslev 1986, J. Econometrics 31): h' = w + a u^2 + b h, w = s^2 (1 - a - b). */
export interface Garch {
  readonly alpha: number;
  readonly beta: number;
}

export interface MarketSpec {
  /** Unconditional annual volatility of the GARCH part, before the regime scale. */
  readonly vol: number;
  readonly garch: Garch;
  /** Volatility multiplier by regime [calm, stressed] (a Markov-switching scale on GARCH). */
  readonly volScale: readonly [number, number];
  /** Annual log drift by regime [calm, stressed]. */
  readonly drift: readonly [number, number];
  /** Market-wide jumps per year by regime [calm, stressed]. */
  readonly jumpsPerYear: readonly [number, number];
  /** Double-exponential jump sizes (Kou 2002, Management Science 48(8)): P(up) and mean |size|. */
  readonly jumpUpProbability: number;
  readonly jumpMeanSize: number;
}

/** The market factor of each calendar; E[scale^2] = 5/6 0.64 + 1/6 3.24 ~ 1.07. */
export const MARKETS: Readonly<Record<SyntheticCalendar, MarketSpec>> = {
  XNYS: {
    vol: 0.15,
    garch: { alpha: 0.08, beta: 0.9 },
    volScale: [0.8, 1.8],
    drift: [0.14, -0.35],
    jumpsPerYear: [1, 6],
    jumpUpProbability: 0.35,
    jumpMeanSize: 0.025,
  },
  '24/7': {
    vol: 0.55,
    garch: { alpha: 0.1, beta: 0.87 },
    volScale: [0.8, 1.8],
    drift: [0.35, -0.9],
    jumpsPerYear: [4, 15],
    jumpUpProbability: 0.4,
    jumpMeanSize: 0.06,
  },
};

/** Sector factors: GARCH with the market's regime scale, no drift, no jumps. */
export const SECTOR_GARCH: Garch = { alpha: 0.06, beta: 0.92 };

/** Idiosyncratic noise of each symbol. */
export const IDIO = {
  garch: { alpha: 0.07, beta: 0.91 } as Garch,
  volScale: [0.9, 1.4] as const,
  /** Jump intensity multiplier in the stressed regime. */
  stressedJumpFactor: 2,
  jumpUpProbability: 0.45,
  /** Mean |jump| as a multiple of the annual idiosyncratic volatility (0.34 -> 4.1% on XNYS). */
  jumpSizePerVol: { XNYS: 0.12, '24/7': 0.15 } as Readonly<Record<SyntheticCalendar, number>>,
} as const;

/**
 * Weak mean reversion of the log price toward its expected trend, per period: a half-life of
 * ln 2 / 0.0003 ~ 2,300 sessions (9 years) keeps 36-year paths in a plausible price range, with
 * long-horizon reversal of the order documented by Poterba and Summers (1988, J. Fin. Econ. 22).
 */
export const MEAN_REVERSION = 0.0003;

/**
 * Share of an equity's daily variance that arrives overnight (close to open); idiosyncratic jumps
 * (earnings, news) land overnight too. Crypto trades 24/7: its open is the previous close.
 */
export const OVERNIGHT_SHARE: Readonly<Record<SyntheticCalendar, number>> = { XNYS: 0.25, '24/7': 0 };

/**
 * Daily volume: log V = log base + a min(|r| / sd, cap) + b [stressed] + AR(1) noise - offset.
 * The price-volume relation follows Karpoff (1987, J. Fin. Quant. Analysis 22(1)).
 */
export const VOLUME = {
  absReturnCoefficient: 0.25,
  absReturnCap: 8,
  stressedBoost: 0.35,
  arCoefficient: 0.8,
  arInnovation: 0.15,
  /** ~ a E|z|: keeps the calm-regime median near the base volume. */
  offset: 0.2,
} as const;

/** The lowest price a bar can show (one cent). */
export const MIN_PRICE = 0.01;
