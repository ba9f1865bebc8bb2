/**
 * One session's 1-minute bars, built from the session's daily bar so that they aggregate to it
 * exactly: the path starts at the daily open, ends at the daily close, touches the daily high and
 * low at one minute each and never leaves [low, high]; minute volumes are an integer split of
 * the daily volume. The stream is keyed by (seed, symbol, day), so a session's minutes never
 * depend on the requested range.
 *
 * Construction, so that returns are serially uncorrelated at every bar size (a Brownian motion in
 * variance time, as the daily model's high and low assume): the times of the high and the low are
 * drawn from their law given the open, the close and the extremes (extreme-times.ts); each leg of
 * the path between the anchors open -> first extreme -> second extreme -> close is a Brownian
 * motion that stays inside the day's range: the extreme minus (plus) a Bessel(3) bridge, drawn
 * again while it leaves the range (rarely; then folded back). Prices move on the cent grid only
 * once the path is a cent away. A U-shaped variance profile puts the extremes near the open and the
 * close more often, as observed. Days whose high and low are both far out for the session's
 * volatility (the daily model draws them independently; Brownian motion rarely reaches both) get
 * the volatility such a range implies, so the path is not forced across it in a straight line.
 *
 * @see Wood, McInish, Ord (1985, J. Finance 40(3)) and Harris (1986, J. Fin. Econ. 16): U-shaped
 *   intraday returns volatility; Jain, Joh (1988, J. Fin. Quant. Analysis 23(3)) and Admati,
 *   Pfleiderer (1988, Rev. Fin. Studies 1(1)): U-shaped intraday volume; Andersen, Bollerslev
 *   (1997, J. Empirical Finance 4): intraday periodicity of volatility.
 * @see Eross, McGroarty, Urquhart, Wolfe (2019, Research in International Business and Finance
 *   49): bitcoin activity peaks in the European and US trading hours.
 */
import { toCents } from './daily-model.js';
import { ExtremeTimes } from './extreme-times.js';
import { Xoshiro128, type Key } from './prng.js';
import type { SyntheticCalendar } from './universe.js';

/** Longest session: a 24/7 day. */
const MAX_MINUTES = 1440;
/** Wick length of a minute bar beyond its open/close, in minute standard deviations. */
const WICK = 0.6;
/** Dispersion of minute volumes around the profile (lognormal sd) and their reaction to |move|. */
const VOLUME_NOISE = 0.3;
const VOLUME_MOVE = 0.5;
/** Draws of a leg that leaves the day's range before it is folded back instead. */
const REDRAWS = 20;
/**
 * A day whose high and low are both this far out (each as the exponential variate of the bridge's
 * extreme law: 2 (high - open)(high - close) / sd^2, and the same for the low) has its volatility
 * raised in proportion. Calibrated on the generated data: no autocorrelation at 15 minutes and 1 hour.
 */
const BOTH_FAR = 1.3;

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
  /** Three Brownian bridges (the coordinates of a 3-d one), one after the other. */
  readonly #w = new Float64Array(3 * (MAX_MINUTES + 1));
  readonly #cumVolume = new Float64Array(MAX_MINUTES + 1);
  readonly #anchorAt = new Int32Array(4);
  readonly #anchorLog = new Float64Array(4);
  /** +1 when the anchor is the session's high, -1 its low, 0 neither. */
  readonly #anchorSide = new Int8Array(4);
  readonly #times = new ExtremeTimes();
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
    const { open: O, high: H, low: L, close: C } = day;
    const logO = Math.log(O);
    const logC = Math.log(C);
    const logH = Math.log(H);
    const logL = Math.log(L);
    const variance = sessionVariance(day.sd, logO, logH, logL, logC);
    const unit = variance / (cumVariance[n] as number);

    // Anchor times: interior extremes where their law puts them; one equal to the open or the
    // close is there.
    const u1 = rng.uniform();
    const u2 = rng.uniform();
    const highInside = H > Math.max(O, C);
    const lowInside = L < Math.min(O, C);
    let tHigh = H === O ? 0 : n;
    let tLow = L === O ? 0 : n;
    if (highInside || lowInside) {
      const sd = Math.sqrt(variance);
      const t = this.#times.draw(
        cumVariance,
        n,
        (logH - logL) / sd,
        (logH - logO) / sd,
        (logH - logC) / sd,
        highInside,
        lowInside,
        u1,
        u2,
      );
      if (highInside) tHigh = t.high;
      if (lowInside) tLow = t.low;
    }
    const anchors = this.#anchors(n, logO, logC, tHigh, logH, tLow, logL, highInside, lowInside);
    for (let j = 0; j + 1 < anchors; j++) this.#leg(rng, cumVariance, unit, j, logH, logL);
    const p = this.#prices(n, O, C, H, L, tHigh, tLow, logH, logL);

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

  /** Fills the anchor buffers in time order (time, log price, side); returns their count. */
  #anchors(
    n: number,
    logO: number,
    logC: number,
    tHigh: number,
    logH: number,
    tLow: number,
    logL: number,
    highInside: boolean,
    lowInside: boolean,
  ): number {
    const at = this.#anchorAt;
    const lv = this.#anchorLog;
    const side = this.#anchorSide;
    let m = 0;
    const put = (t: number, x: number, s: number): void => {
      at[m] = t;
      lv[m] = x;
      side[m++] = s;
    };
    // The open and the close are the high or the low when no interior one is.
    put(0, logO, tHigh === 0 ? 1 : tLow === 0 ? -1 : 0);
    if (highInside && lowInside) {
      if (tHigh < tLow) {
        put(tHigh, logH, 1);
        put(tLow, logL, -1);
      } else {
        put(tLow, logL, -1);
        put(tHigh, logH, 1);
      }
    } else if (highInside) put(tHigh, logH, 1);
    else if (lowInside) put(tLow, logL, -1);
    put(n, logC, tHigh === n && !highInside ? 1 : tLow === n && !lowInside ? -1 : 0);
    return m;
  }

  /**
   * The log path between anchors j and j + 1, inside [logL, logH]. A leg to (from) the high is a
   * Brownian motion that stays below it: the high minus a Bessel(3) bridge, the distance of a 3-d
   * Brownian bridge (Williams 1974; Pitman 1975, Adv. Appl. Prob. 7); likewise above the low. It is
   * drawn again while it leaves the range at the other end (it stays in most of the time); the
   * last draw is folded back into it.
   */
  #leg(rng: Xoshiro128, cumVariance: Float64Array, unit: number, j: number, logH: number, logL: number): void {
    const a = this.#anchorAt[j] as number;
    const b = this.#anchorAt[j + 1] as number;
    const xa = this.#anchorLog[j] as number;
    const xb = this.#anchorLog[j + 1] as number;
    const sa = this.#anchorSide[j] as number;
    const sb = this.#anchorSide[j + 1] as number;
    const x = this.#x;
    // Relative to the end's extreme when the start is none, else to the start's.
    const toEnd = sb !== 0 && sa === 0;
    const extreme = toEnd ? xb : sa !== 0 ? xa : Math.max(xa, xb);
    const side = toEnd ? sb : sa;
    for (let draw = 0; draw < REDRAWS; draw++) {
      this.#bessel(rng, cumVariance, unit, a, b, extreme, side, xa, xb);
      let inside = true;
      for (let k = a + 1; k < b && inside; k++) inside = (x[k] as number) <= logH && (x[k] as number) >= logL;
      if (inside) return;
    }
    for (let k = a + 1; k < b; k++) x[k] = fold(x[k] as number, logL, logH);
  }

  /**
   * x[a..b] from xa to xb in variance time: `extreme - side * R` with R the Bessel(3) bridge from
   * |xa - extreme| to |xb - extreme| (side 0: a plain Brownian bridge).
   */
  #bessel(
    rng: Xoshiro128,
    cumVariance: Float64Array,
    unit: number,
    a: number,
    b: number,
    extreme: number,
    side: number,
    xa: number,
    xb: number,
  ): void {
    const x = this.#x;
    const w = this.#w;
    const stride = MAX_MINUTES + 1;
    const ca = cumVariance[a] as number;
    const span = (cumVariance[b] as number) - ca;
    const dims = side === 0 ? 1 : 3;
    const ra = side === 0 ? xa : Math.abs(xa - extreme);
    const rb = side === 0 ? xb : Math.abs(xb - extreme);
    for (let d = 0; d < dims; d++) {
      // A Brownian bridge from 0 to 0 per coordinate.
      const o = d * stride;
      let s = 0;
      for (let k = a; k < b; k++) {
        s += Math.sqrt(unit * ((cumVariance[k + 1] as number) - (cumVariance[k] as number))) * rng.normal();
        w[o + k + 1] = s;
      }
      for (let k = a + 1; k < b; k++) w[o + k] = (w[o + k] as number) - (((cumVariance[k] as number) - ca) / span) * s;
    }
    for (let k = a + 1; k < b; k++) {
      // The first coordinate carries ra -> rb.
      const c0 = ra + (((cumVariance[k] as number) - ca) / span) * (rb - ra) + (w[k] as number);
      if (side === 0) x[k] = c0;
      else {
        const c1 = w[stride + k] as number;
        const c2 = w[2 * stride + k] as number;
        x[k] = extreme - side * Math.sqrt(c0 * c0 + c1 * c1 + c2 * c2);
      }
    }
    x[a] = xa;
    x[b] = xb;
  }

  /**
   * Prices in cents from the log path. A price moves only once the path is a cent or more away:
   * rounding each minute on its own adds an error per minute whose differences are negatively
   * autocorrelated (a bounce of half a cent), strong for a low price that moves less than a cent
   * a minute. The extremes are where they were drawn, exactly.
   */
  #prices(
    n: number,
    O: number,
    C: number,
    H: number,
    L: number,
    tHigh: number,
    tLow: number,
    logH: number,
    logL: number,
  ): Float64Array {
    const x = this.#x;
    const p = this.#p;
    let cur = O;
    p[0] = O;
    for (let k = 1; k < n; k++) {
      if (k === tHigh) cur = H;
      else if (k === tLow) cur = L;
      else {
        const y = x[k] as number;
        const v = Math.exp(y > logH ? logH : y < logL ? logL : y);
        if (v - cur >= 0.01 || cur - v >= 0.01) {
          const c = toCents(v);
          cur = c > H ? H : c < L ? L : c;
        }
      }
      p[k] = cur;
    }
    p[n] = C;
    return p;
  }
}

/**
 * The variance of the session's path: the daily model's, or more on a day whose high and low are
 * both far out for it (BOTH_FAR).
 */
function sessionVariance(sd: number, logO: number, logH: number, logL: number, logC: number): number {
  const s2 = sd * sd;
  if (!(s2 > 0)) return s2;
  const up = (2 * (logH - logO) * (logH - logC)) / s2;
  const down = (2 * (logO - logL) * (logC - logL)) / s2;
  return s2 * Math.max(1, Math.min(up, down) / BOTH_FAR);
}

/** x folded back into [lo, hi]. */
function fold(x: number, lo: number, hi: number): number {
  let y = x;
  for (let i = 0; i < 4 && (y > hi || y < lo); i++) {
    if (y > hi) y = 2 * hi - y;
    if (y < lo) y = 2 * lo - y;
  }
  return y > hi ? hi : y < lo ? lo : y;
}
