/**
 * When in a session its high and its low happen, drawn from their law for Brownian motion given
 * the open, the close, the high and the low. At its extremes the path splits into legs that stay
 * inside the day's range (open -> first extreme -> second extreme -> close), so the density of the
 * times is the product of each leg's first-passage density inside the range (`leg`). Times drawn
 * otherwise (uniformly, or each extreme on its own) made the path cross the range in too short or
 * too long a time too often: trends and reversals, autocorrelated returns.
 * @see Borodin, Salminen (2002), Handbook of Brownian Motion, part II, 3.0.6 and 5.2.0; Williams
 *   (1974, Proc. London Math. Soc. 28): path decomposition at the maximum.
 */

/** Cells of variance time the times are drawn on, then uniformly within the cells. */
const GRID = 64;
/**
 * Terms kept of each series: images -4..4 below t = d^2 (the next weighs under e^-40 of the
 * first), eigenfunctions 1..3 beyond (the next, under e^-39).
 */
const IMAGES = 4;
const EIGEN = 3;

/**
 * Density (up to a factor common to every call with the same `d`) of the time t at which a
 * Brownian motion (unit variance per unit time) started `a` below the top of a band of width `d`
 * first reaches the top without touching the bottom (0 < a < d); started on the bottom itself
 * (a = d), of one conditioned to leave it: a Bessel(3) process's first passage to d. The method
 * of images for t < d^2, the eigenfunction series beyond.
 */
export function leg(t: number, a: number, d: number): number {
  if (!(t > 0) || !(d > 0)) return 0;
  const onBottom = a >= d;
  if (t < d * d) {
    let f = 0;
    for (let k = -IMAGES; k <= IMAGES; k++) {
      if (onBottom) {
        // The images' derivative in a, at a = d.
        const x = (2 * k + 1) * d;
        f += ((x * x) / t - 1) * Math.exp((-x * x) / (2 * t));
      } else {
        const x = a + 2 * k * d;
        f += x * Math.exp((-x * x) / (2 * t));
      }
    }
    return f / (t * Math.sqrt(t));
  }
  let f = 0;
  const c = (Math.PI * Math.PI * t) / (2 * d * d);
  for (let m = 1; m <= EIGEN; m++) {
    const sign = m % 2 === 1 ? 1 : -1;
    const e = Math.exp(-m * m * c);
    f += onBottom ? sign * m * m * Math.PI * e : sign * m * Math.sin((m * Math.PI * (d - a)) / d) * e;
  }
  // Scaled as the images are, so that the two agree where they meet (t = d^2).
  return (f * Math.sqrt(2 * Math.PI) * Math.PI) / (onBottom ? d * d * d : d * d);
}

/** The minute boundary in [1, n - 1] where the cumulative variance first reaches share u of the total. */
export function minuteAt(cumVariance: Float64Array, n: number, u: number): number {
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

/** Draws the extremes' minutes into reusable buffers. */
export class ExtremeTimes {
  readonly #first = new Float64Array(GRID);
  readonly #across = new Float64Array(GRID);
  readonly #last = new Float64Array(GRID);
  readonly #cells = new Float64Array(GRID * GRID);

  /**
   * Minutes of the interior extremes of a session of n minutes (`cumVariance` its variance profile),
   * from two uniforms. Distances are in session standard deviations: the range `d`, the high above
   * the open `ho` and above the close `hc`. An extreme that is not interior gets any minute (unused).
   */
  draw(
    cumVariance: Float64Array,
    n: number,
    d: number,
    ho: number,
    hc: number,
    highInside: boolean,
    lowInside: boolean,
    u1: number,
    u2: number,
  ): { readonly high: number; readonly low: number } {
    const w = this.#cells;
    const first = this.#first;
    const across = this.#across;
    const last = this.#last;
    let sum = 0;
    let cells = 0;
    if (highInside && lowInside) {
      // The high first (order 0) or the low first: open -> it, across the range, the other -> close.
      for (let k = 0; k < GRID; k++) across[k] = leg((k + 1) / GRID, d, d);
      for (let order = 0; order < 2; order++) {
        const fromOpen = order === 0 ? ho : d - ho;
        const toClose = order === 0 ? d - hc : hc;
        for (let k = 0; k < GRID; k++) {
          first[k] = leg((k + 0.5) / GRID, fromOpen, d);
          last[k] = leg((k + 0.5) / GRID, toClose, d);
        }
        for (let i = 0; i < GRID; i++) {
          const f = first[i] as number;
          for (let j = i + 1; j < GRID; j++) {
            sum += f * (across[j - i - 1] as number) * (last[GRID - 1 - j] as number);
            w[cells++] = sum;
          }
        }
      }
    } else {
      // One interior extreme: open -> it -> close; the other extreme is the open or the close.
      const fromOpen = highInside ? ho : d - ho;
      const toClose = highInside ? hc : d - hc;
      for (let i = 0; i < GRID; i++) {
        sum += leg((i + 0.5) / GRID, fromOpen, d) * leg(1 - (i + 0.5) / GRID, toClose, d);
        w[cells++] = sum;
      }
    }
    let c = 0;
    if (sum > 0) {
      const target = u1 * sum;
      while (c < cells - 1 && (w[c] as number) < target) c++;
    } else {
      c = Math.min(cells - 1, Math.floor(u1 * cells));
    }
    if (!(highInside && lowInside)) {
      const t = minuteAt(cumVariance, n, (c + u2) / GRID);
      return { high: t, low: t };
    }
    const pairs = (GRID * (GRID - 1)) / 2;
    const highFirst = c < pairs;
    let r = c % pairs;
    let i = 0;
    while (r >= GRID - 1 - i) {
      r -= GRID - 1 - i;
      i++;
    }
    const j = i + 1 + r;
    // Within the cells: the same uniform for both keeps them in order.
    let t1 = minuteAt(cumVariance, n, (i + u2) / GRID);
    let t2 = minuteAt(cumVariance, n, (j + u2) / GRID);
    if (t2 <= t1) {
      if (t1 < n - 1) t2 = t1 + 1;
      else t1 = t2 - 1;
    }
    return highFirst ? { high: t1, low: t2 } : { high: t2, low: t1 };
  }
}
