/**
 * One symbol's daily bars, generated from the calendar's origin forward with state carried from
 * day to day and extended lazily up to the last index asked for; a request only reads a slice,
 * so the bars of a date never depend on the requested range.
 *
 * Log return of period t (a factor model, Sharpe 1963 single index plus sector factors):
 *   r = beta f_market + f_sector + scale(regime) u + J - kappa (x - trend)
 * with u a GARCH(1,1) idiosyncratic shock and J a double-exponential jump (Merton 1976,
 * J. Fin. Econ. 3; Kou 2002). Equities split r into an overnight gap and the session by a
 * Brownian bridge at time OVERNIGHT_SHARE; jumps land overnight. The session's high and low are
 * drawn from the law of the maximum and minimum of a Brownian bridge from open to close:
 *   max = (d + sqrt(d^2 + 2 s^2 E)) / 2, E ~ Exp(1)   (Glasserman 2004, Monte Carlo Methods in
 * Financial Engineering, sec. 6.4), so intraday paths built later can touch them exactly.
 */
import {
  IDIO,
  MEAN_REVERSION,
  MIN_PRICE,
  OVERNIGHT_SHARE,
  MARKETS,
  REGIME,
  Regime,
  VOLUME,
  type Garch,
} from './parameters.js';
import { keyOf, Xoshiro128 } from './prng.js';
import { SECTORS, type SymbolSpec } from './universe.js';
import type { FactorSeries, Grid, World } from './world.js';

/** Rounds a price to cents, never below one cent. */
export function toCents(price: number): number {
  const c = Math.round(price * 100);
  return c < 1 ? MIN_PRICE : c / 100;
}

export class DailySeries {
  readonly spec: SymbolSpec;
  readonly grid: Grid;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Standard deviation of the session's log return (open to close), for intraday paths. */
  readonly sessionSd: Float64Array;
  readonly #world: World;
  readonly #market: FactorSeries;
  readonly #sector: FactorSeries;
  readonly #rng: Xoshiro128;
  readonly #garch: Garch;
  readonly #omega: number;
  readonly #jumpProbability: number;
  readonly #jumpMeanSize: number;
  readonly #phi: number;
  readonly #trendSlope: number;
  readonly #logBase: number;
  readonly #unconditionalSd: number;
  #filled = 0;
  /** Unrounded log close, idiosyncratic GARCH variance, AR(1) volume noise. */
  #x: number;
  #h: number;
  #volumeNoise = 0;

  constructor(world: World, spec: SymbolSpec) {
    this.spec = spec;
    this.#world = world;
    this.grid = world.grid(spec.calendar);
    const n = this.grid.days.length;
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.sessionSd = new Float64Array(n);
    this.#market = world.market(spec.calendar);
    this.#sector = world.sector(spec.sector);
    this.#rng = new Xoshiro128(keyOf(`daily\u0000${world.seed}\u0000${spec.symbol.toUpperCase()}`));
    const ppy = this.grid.periodsPerYear;
    const idioVariance = (spec.idioVol * spec.idioVol) / ppy;
    this.#garch = IDIO.garch;
    this.#omega = idioVariance * (1 - this.#garch.alpha - this.#garch.beta);
    this.#h = idioVariance;
    this.#jumpProbability = spec.jumpsPerYear / ppy;
    this.#jumpMeanSize = IDIO.jumpSizePerVol[spec.calendar] * spec.idioVol;
    this.#phi = OVERNIGHT_SHARE[spec.calendar];
    this.#logBase = Math.log(spec.basePrice);
    this.#x = this.#logBase;
    this.#trendSlope = (spec.beta * expectedMarketDrift(spec)) / ppy;
    const m = MARKETS[spec.calendar];
    const sectorVol = SECTORS[spec.sector].vol;
    this.#unconditionalSd = Math.sqrt(((spec.beta * m.vol) ** 2 + sectorVol ** 2 + spec.idioVol * spec.idioVol) / ppy);
  }

  /** Number of periods generated so far. */
  get filled(): number {
    return this.#filled;
  }

  /** Generates periods up to index `end` (exclusive), continuing from the last one. */
  ensure(end: number): void {
    const n = Math.min(end, this.grid.days.length);
    for (let t = this.#filled; t < n; t++) this.#step(t);
    if (n > this.#filled) this.#filled = n;
  }

  #step(t: number): void {
    const rng = this.#rng;
    const spec = this.spec;
    const reg = this.#world.regimeOnDay(this.grid.days[t] as number);
    // A fixed number of draws per period, in a fixed order.
    const z = rng.normal();
    const eta = rng.normal();
    const jumpU = rng.uniform();
    const jumpSign = rng.uniform();
    const jumpSize = rng.exponential();
    const e1 = rng.exponential();
    const e2 = rng.exponential();
    const zVolume = rng.normal();

    const scale = IDIO.volScale[reg] as number;
    const u = Math.sqrt(this.#h) * z;
    const idioSd = scale * Math.sqrt(this.#h);
    this.#h = this.#omega + this.#garch.alpha * u * u + this.#garch.beta * this.#h;
    const marketSd = spec.beta * (this.#market.sd[t] as number);
    const sectorSd = this.#sector.sd[t] as number;
    const sd = Math.sqrt(marketSd * marketSd + sectorSd * sectorSd + idioSd * idioSd);
    const trend = this.#logBase + this.#trendSlope * t;
    const diffusive =
      spec.beta * (this.#market.ret[t] as number) +
      (this.#sector.ret[t] as number) +
      scale * u -
      MEAN_REVERSION * (this.#x - trend);
    const lambda = this.#jumpProbability * (reg === Regime.Stressed ? IDIO.stressedJumpFactor : 1);
    const jump = jumpU < lambda ? (jumpSign < IDIO.jumpUpProbability ? 1 : -1) * this.#jumpMeanSize * jumpSize : 0;

    const xPrev = this.#x;
    const x = xPrev + diffusive + jump;
    const phi = this.#phi;
    let open: number;
    if (phi > 0) {
      // Brownian bridge at time phi: the overnight part of the diffusive return, plus the jump.
      const gap = phi * diffusive + Math.sqrt(phi * (1 - phi)) * sd * eta + jump;
      open = toCents(Math.exp(xPrev + gap));
    } else {
      open = t === 0 ? toCents(Math.exp(xPrev)) : (this.close[t - 1] as number);
    }
    const close = toCents(Math.exp(x));
    const s = Math.sqrt(1 - phi) * sd;
    const d = Math.log(close / open);
    const up = 0.5 * (d + Math.sqrt(d * d + 2 * s * s * e1));
    const down = 0.5 * (d - Math.sqrt(d * d + 2 * s * s * e2));
    this.open[t] = open;
    this.close[t] = close;
    this.high[t] = Math.max(toCents(open * Math.exp(up)), open, close);
    this.low[t] = Math.min(toCents(open * Math.exp(down)), open, close);
    this.sessionSd[t] = s;

    const v = this.#volumeNoise * VOLUME.arCoefficient + VOLUME.arInnovation * zVolume;
    this.#volumeNoise = v;
    const surprise = Math.min(Math.abs(x - xPrev) / this.#unconditionalSd, VOLUME.absReturnCap);
    const logVolume =
      Math.log(spec.baseVolume) +
      VOLUME.absReturnCoefficient * surprise +
      (reg === Regime.Stressed ? VOLUME.stressedBoost : 0) +
      v -
      VOLUME.offset;
    this.volume[t] = Math.round(Math.exp(logVolume));
    this.#x = x;
  }
}

/** Long-run annual log drift of the calendar's market factor under the stationary regime mix. */
function expectedMarketDrift(spec: SymbolSpec): number {
  const m = MARKETS[spec.calendar];
  const stressedShare = REGIME.calmToStressed / (REGIME.calmToStressed + REGIME.stressedToCalm);
  return (1 - stressedShare) * m.drift[0] + stressedShare * m.drift[1];
}
