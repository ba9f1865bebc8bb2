/**
 * The account's projected positions as the exposure checks see them (checks.ts `exposures`):
 * for each symbol held, its quantity plus what its open market orders still carry, at its mark.
 * Their gross and short market value and their count are kept as running sums, updated symbol by
 * symbol as the account changes, so a pre-trade check reads them in O(1) instead of summing every
 * position for every order. `slack` bounds the rounding the running sums carry against sums
 * computed afresh: a check whose answer that bound could change computes afresh.
 */

/** What one symbol adds to the sums. */
export interface ExposureTerm {
  readonly gross: number;
  readonly short: number;
  readonly counted: boolean;
}

const NONE: ExposureTerm = { gross: 0, short: 0, counted: false };

/** The unit roundoff of a double. */
export const EPS = 2 ** -53;

/** What the checks read of the sums (RiskState.exposure). */
export interface ProjectedExposure {
  readonly gross: number;
  readonly short: number;
  readonly count: number;
  /** A bound on how far `gross` and `short` may be from the same sums computed afresh. */
  readonly slack: number;
  /** What `symbol` adds to the sums now. */
  term(symbol: string): ExposureTerm;
}

export class ExposureBook implements ProjectedExposure {
  readonly #terms = new Map<string, ExposureTerm>();
  #gross = 0;
  #short = 0;
  #count = 0;
  #slack = 0;

  get gross(): number {
    return this.#gross;
  }
  get short(): number {
    return this.#short;
  }
  get count(): number {
    return this.#count;
  }
  get slack(): number {
    return this.#slack;
  }

  term(symbol: string): ExposureTerm {
    return this.#terms.get(symbol) ?? NONE;
  }

  clear(): void {
    this.#terms.clear();
    this.#gross = 0;
    this.#short = 0;
    this.#count = 0;
    this.#slack = 0;
  }

  /**
   * The symbol's projection: `held` units (0: not held, it adds nothing; its open orders do not
   * count, as in the checks), `pending` of its open market orders, at `price`.
   */
  set(symbol: string, held: number, pending: number, price: number): void {
    const old = this.#terms.get(symbol) ?? NONE;
    const q = held + pending;
    let next = NONE;
    if (held !== 0 && q !== 0) {
      const v = Math.abs(q) * price;
      next = { gross: v, short: q < 0 ? v : 0, counted: true };
    }
    if (next === NONE) this.#terms.delete(symbol);
    else this.#terms.set(symbol, next);
    if (old === NONE && next === NONE) return;
    // Each running update rounds once in the difference and once in the sum.
    this.#slack += 2 * EPS * (this.#gross + old.gross + next.gross);
    this.#gross += next.gross - old.gross;
    this.#short += next.short - old.short;
    this.#count += (next.counted ? 1 : 0) - (old.counted ? 1 : 0);
  }
}
