/**
 * One session's 1-minute bars, built from the session's daily bar so that they aggregate to it
 * exactly: the path starts at the daily open, ends at the daily close, touches the daily high and
 * low at one minute each and never leaves [low, high]; minute volumes are an integer split of
 * the daily volume. The stream is keyed by (seed, symbol, day), so a session's minutes never
 * depend on the requested range.
 *
 * Construction: the times of the high and the low are drawn uniformly in variance time (the
 * time of the maximum of a Brownian bridge returning to its start is uniform), which with a
 * U-shaped variance profile puts them near the open and the close more often, as observed.
 * Between the anchors open -> first extreme -> second extreme -> close the log price follows
 * Brownian bridges in variance time; excursions past an extreme are reflected, then clamped.
 *
 * @see Wood, McInish, Ord (1985, J. Finance 40(3)) and Harris (1986, J. Fin. Econ. 16): U-shaped
 *   intraday returns volatility; Jain, Joh (1988, J. Fin. Quant. Analysis 23(3)) and Admati,
 *   Pfleiderer (1988, Rev. Fin. Studies 1(1)): U-shaped intraday volume; Andersen, Bollerslev
 *   (1997, J. Empirical Finance 4): intraday periodicity of volatility.
 * @see Eross, McGroarty, Urquhart, Wolfe (2019, Research in International Business and Finance
 *   49): bitcoin activity peaks in the European and US trading hours.
 */
import { toCents } from './daily-model.js';
import { Xoshiro128, type Key } from './prng.js';
import type { SyntheticCalendar } from './universe.js';

/** Longest session: a 24/7 day. */
const MAX_MINUTES = 1440;
/** Wick length of a minute bar beyond its open/close, in minute standard deviations. */
const WICK = 0.6;
/** Dispersion of minute volumes around the profile (lognormal sd) and their reaction to |move|. */
const VOLUME_NOISE = 0.3;
const VOLUME_MOVE = 0.5;

export interface SessionDay {
  readonly calendar: SyntheticCalendar;
  readonly minutes: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Standard deviation of the session's open-to-close log return. */
  readonly sd: number;
  readonly key: Key;
}

/** Views of one session's minute bars (valid until the next `build`). */
export interface MinuteBars {
  readonly n: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

interface Profile {
  /** Cumulative variance weight at each minute boundary (n + 1 values, starting at 0). */
  readonly cumVariance: Float64Array;
  readonly volumeWeight: Float64Array;
}

const profiles = new Map<string, Profile>();

/**
 * Per-minute weights. XNYS: heavier first and last half hour (decay constants of 20 and 25
 * minutes from each end, closing-auction volume a little larger than the opening). 24/7: a mild
 * daily cycle peaking at 15:00 UTC.
 */
function profileOf(calendar: SyntheticCalendar, n: number): Profile {
  const id = `${calendar}:${n}`;
  let p = profiles.get(id);
  if (p !== undefined) return p;
  const cumVariance = new Float64Array(n + 1);
  const volumeWeight = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let w: number;
    if (calendar === 'XNYS') {
      const fromOpen = k + 0.5;
      const toClose = n - k - 0.5;
      w = 1 + 2.5 * Math.exp(-fromOpen / 20) + 1.0 * Math.exp(-toClose / 20);
      volumeWeight[k] = 1 + 2.0 * Math.exp(-fromOpen / 25) + 2.5 * Math.exp(-toClose / 25);
    } else {
      const cycle = Math.cos((2 * Math.PI * (k - 900)) / 1440);
      w = 1 + 0.3 * cycle;
      volumeWeight[k] = 1 + 0.35 * cycle;
    }
    cumVariance[k + 1] = (cumVariance[k] as number) + w;
  }
  p = { cumVariance, volumeWeight };
  profiles.set(id, p);
  return p;
}

/** Builds minute bars into reusable buffers: no allocation per minute. */
export class SessionPathBuilder {
  readonly #x = new Float64Array(MAX_MINUTES + 1);
  readonly #p = new Float64Array(MAX_MINUTES + 1);
  readonly #cumVolume = new Float64Array(MAX_MINUTES + 1);
  readonly #anchorAt = new Int32Array(4);
  readonly #anchorLog = new Float64Array(4);
  readonly #open = new Float64Array(MAX_MINUTES);
  readonly #high = new Float64Array(MAX_MINUTES);
  readonly #low = new Float64Array(MAX_MINUTES);
  readonly #close = new Float64Array(MAX_MINUTES);
  readonly #volume = new Float64Array(MAX_MINUTES);

  build(day: SessionDay): MinuteBars {
    const n = day.minutes;
    if (!Number.isInteger(n) || n < 3 || n > MAX_MINUTES) throw new RangeError(`session of ${n} minutes`);
    const { cumVariance, volumeWeight } = profileOf(day.calendar, n);
    const rng = new Xoshiro128(day.key);
    const unit = (day.sd * day.sd) / (cumVariance[n] as number);
    const { open: O, high: H, low: L, close: C } = day;

    // Anchor times: interior extremes drawn uniformly in variance time, else at an endpoint.
    const uHigh = rng.uniform();
    const uLow = rng.uniform();
    const highInside = H > Math.max(O, C);
    const lowInside = L < Math.min(O, C);
    const tHigh = highInside ? minuteAt(cumVariance, n, uHigh) : H === O ? 0 : n;
    let tLow = lowInside ? minuteAt(cumVariance, n, uLow) : L === O ? 0 : n;
    if (highInside && lowInside && tLow === tHigh) tLow = tLow < n - 1 ? tLow + 1 : tLow - 1;

    const logH = Math.log(H);
    const logL = Math.log(L);
    const anchors = this.#anchors(
      n,
      Math.log(O),
      Math.log(C),
      highInside ? tHigh : -1,
      logH,
      lowInside ? tLow : -1,
      logL,
    );
    const x = this.#x;
    for (let j = 0; j + 1 < anchors; j++) {
      this.#bridge(rng, cumVariance, unit, this.#anchorAt[j] as number, this.#anchorAt[j + 1] as number, j);
    }

    const p = this.#p;
    for (let k = 0; k <= n; k++) {
      let y = x[k] as number;
      if (y > logH) y = 2 * logH - y;
      if (y < logL) y = 2 * logL - y;
      const c = toCents(Math.exp(y));
      p[k] = c > H ? H : c < L ? L : c;
    }
    p[0] = O;
    p[n] = C;
    p[tHigh] = H;
    p[tLow] = L;

    const cumVolume = this.#cumVolume;
    cumVolume[0] = 0;
    for (let k = 0; k < n; k++) {
      const o = p[k] as number;
      const c = p[k + 1] as number;
      const sdMinute = Math.sqrt(unit * ((cumVariance[k + 1] as number) - (cumVariance[k] as number)));
      const hi = o > c ? o : c;
      const lo = o < c ? o : c;
      const wickUp = toCents(hi * Math.exp(WICK * sdMinute * Math.abs(rng.normal())));
      const wickDown = toCents(lo * Math.exp(-WICK * sdMinute * Math.abs(rng.normal())));
      this.#open[k] = o;
      this.#close[k] = c;
      this.#high[k] = wickUp > H ? H : wickUp;
      this.#low[k] = wickDown < L ? L : wickDown;
      const move = sdMinute > 0 ? Math.abs(Math.log(c / o)) / sdMinute : 0;
      const weight =
        (volumeWeight[k] as number) * Math.exp(VOLUME_NOISE * rng.normal()) * (1 + VOLUME_MOVE * Math.min(move, 6));
      cumVolume[k + 1] = (cumVolume[k] as number) + weight;
    }
    // Integer split of the daily volume by cumulative rounding: the parts sum to it exactly.
    const total = cumVolume[n] as number;
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const cur = Math.round((day.volume * (cumVolume[k + 1] as number)) / total);
      this.#volume[k] = cur - prev;
      prev = cur;
    }
    return {
      n,
      open: this.#open.subarray(0, n),
      high: this.#high.subarray(0, n),
      low: this.#low.subarray(0, n),
      close: this.#close.subarray(0, n),
      volume: this.#volume.subarray(0, n),
    };
  }

  /** Fills the anchor buffers in time order; returns their count. */
  #anchors(n: number, logO: number, logC: number, tA: number, logA: number, tB: number, logB: number): number {
    const at = this.#anchorAt;
    const lv = this.#anchorLog;
    at[0] = 0;
    lv[0] = logO;
    let m = 1;
    if (tA > 0 && tB > 0) {
      const aFirst = tA < tB;
      at[m] = aFirst ? tA : tB;
      lv[m++] = aFirst ? logA : logB;
      at[m] = aFirst ? tB : tA;
      lv[m++] = aFirst ? logB : logA;
    } else if (tA > 0 || tB > 0) {
      at[m] = tA > 0 ? tA : tB;
      lv[m++] = tA > 0 ? logA : logB;
    }
    at[m] = n;
    lv[m++] = logC;
    return m;
  }

  /** Brownian bridge in variance time between anchors j and j+1, written into x[a..b]. */
  #bridge(rng: Xoshiro128, cumVariance: Float64Array, unit: number, a: number, b: number, j: number): void {
    const x = this.#x;
    const xa = this.#anchorLog[j] as number;
    const xb = this.#anchorLog[j + 1] as number;
    let w = 0;
    x[a] = 0;
    for (let k = a; k < b; k++) {
      w += Math.sqrt(unit * ((cumVariance[k + 1] as number) - (cumVariance[k] as number))) * rng.normal();
      x[k + 1] = w;
    }
    const ca = cumVariance[a] as number;
    const span = (cumVariance[b] as number) - ca;
    for (let k = a + 1; k < b; k++) {
      const f = ((cumVariance[k] as number) - ca) / span;
      x[k] = xa + f * (xb - xa) + (x[k] as number) - f * w;
    }
    x[a] = xa;
    x[b] = xb;
  }
}

/** The minute boundary in [1, n - 1] where the cumulative variance first reaches share u of the total. */
function minuteAt(cumVariance: Float64Array, n: number, u: number): number {
  const target = u * (cumVariance[n] as number);
  let lo = 1;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumVariance[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
