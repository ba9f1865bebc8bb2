/**
 * The state every symbol of one seed shares: the calm/stressed regime on calendar days, the
 * session grid of each calendar, and the market and sector factor returns on those grids.
 * Everything is generated once per seed over the whole span (about 9,000 XNYS sessions and
 * 7,700 crypto days), so a symbol's series never depends on which range was asked first.
 */
import { getCalendar } from '../../calendar/registry.js';
import { toDayNumber } from '../../core/dates.js';
import {
  HORIZON,
  HORIZON_DAY,
  MARKETS,
  ORIGIN,
  PERIODS_PER_YEAR,
  REGIME,
  REGIME_START_DAY,
  SECTOR_GARCH,
  type Garch,
} from './parameters.js';
import { keyOf, Xoshiro128 } from './prng.js';
import { SECTORS, type Sector, type SyntheticCalendar } from './universe.js';

/** One factor on a grid: its log return and its conditional standard deviation per period. */
export interface FactorSeries {
  readonly ret: Float64Array;
  readonly sd: Float64Array;
}

/** The sessions of a calendar from its origin to the horizon, as day numbers (days since 1970-01-01). */
export interface Grid {
  readonly calendar: SyntheticCalendar;
  readonly days: Int32Array;
  readonly periodsPerYear: number;
}

export class World {
  readonly seed: number;
  readonly #regime: Uint8Array;
  readonly #grids = new Map<SyntheticCalendar, Grid>();
  readonly #markets = new Map<SyntheticCalendar, FactorSeries>();
  readonly #sectors = new Map<Sector, FactorSeries>();

  constructor(seed: number) {
    this.seed = seed;
    this.#regime = regimeChain(seed);
  }

  /** 0 = calm, 1 = stressed, on a day number inside the span (calm outside it). */
  regimeOnDay(day: number): number {
    const i = day - REGIME_START_DAY;
    return i >= 0 && i < this.#regime.length ? (this.#regime[i] as number) : 0;
  }

  grid(calendar: SyntheticCalendar): Grid {
    let g = this.#grids.get(calendar);
    if (g === undefined) {
      g = makeGrid(calendar);
      this.#grids.set(calendar, g);
    }
    return g;
  }

  market(calendar: SyntheticCalendar): FactorSeries {
    let f = this.#markets.get(calendar);
    if (f === undefined) {
      const spec = MARKETS[calendar];
      f = this.#factor(calendar, `market\u0000${calendar}`, spec.vol, spec.garch, true);
      this.#markets.set(calendar, f);
    }
    return f;
  }

  sector(sector: Sector): FactorSeries {
    let f = this.#sectors.get(sector);
    if (f === undefined) {
      const spec = SECTORS[sector];
      f = this.#factor(spec.calendar, `sector\u0000${sector}`, spec.vol, SECTOR_GARCH, false);
      this.#sectors.set(sector, f);
    }
    return f;
  }

  /**
   * A GARCH(1,1) factor scaled by the regime: u = sqrt(h) z, r = drift(regime) + scale(regime) u
   * (+ a double-exponential jump for market factors), h' = w + a u^2 + b h.
   */
  #factor(calendar: SyntheticCalendar, label: string, vol: number, garch: Garch, isMarket: boolean): FactorSeries {
    const { days, periodsPerYear } = this.grid(calendar);
    const spec = MARKETS[calendar];
    const n = days.length;
    const ret = new Float64Array(n);
    const sd = new Float64Array(n);
    const rng = new Xoshiro128(keyOf(`${label}\u0000${this.seed}`));
    const variance = (vol * vol) / periodsPerYear;
    const omega = variance * (1 - garch.alpha - garch.beta);
    const jumpProbability = [spec.jumpsPerYear[0] / periodsPerYear, spec.jumpsPerYear[1] / periodsPerYear];
    let h = variance;
    for (let t = 0; t < n; t++) {
      const reg = this.regimeOnDay(days[t] as number);
      const scale = spec.volScale[reg] as number;
      const u = Math.sqrt(h) * rng.normal();
      const jumpU = rng.uniform();
      const jumpSign = rng.uniform();
      const jumpSize = rng.exponential();
      let r = scale * u;
      if (isMarket) {
        r += (spec.drift[reg] as number) / periodsPerYear;
        if (jumpU < (jumpProbability[reg] as number)) {
          r += (jumpSign < spec.jumpUpProbability ? 1 : -1) * spec.jumpMeanSize * jumpSize;
        }
      }
      ret[t] = r;
      sd[t] = scale * Math.sqrt(h);
      h = omega + garch.alpha * u * u + garch.beta * h;
    }
    return { ret, sd };
  }
}

/** Calendar days from REGIME_START_DAY to the horizon, each 0 (calm) or 1 (stressed). */
function regimeChain(seed: number): Uint8Array {
  const out = new Uint8Array(HORIZON_DAY - REGIME_START_DAY + 1);
  const rng = new Xoshiro128(keyOf(`regime\u0000${seed}`));
  let state = 0;
  for (let i = 0; i < out.length; i++) {
    const u = rng.uniform();
    if (state === 0 ? u < REGIME.calmToStressed : u < REGIME.stressedToCalm) state = 1 - state;
    out[i] = state;
  }
  return out;
}

function makeGrid(calendar: SyntheticCalendar): Grid {
  const dates = getCalendar(calendar).sessionDates(ORIGIN[calendar], HORIZON);
  const days = new Int32Array(dates.length);
  for (let i = 0; i < dates.length; i++) days[i] = toDayNumber(dates[i] as string);
  return { calendar, days, periodsPerYear: PERIODS_PER_YEAR[calendar] };
}

/** First index whose value is >= x (days.length when none). */
export function lowerBound(days: Int32Array, x: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
