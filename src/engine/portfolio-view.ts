import type { Position } from '../core/position.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { PortfolioView } from '../strategies/api.js';

/** The read-only face of the account a strategy gets (it cannot book fills or marks). */
export class PortfolioReadView implements PortfolioView {
  readonly #pf: Portfolio;

  constructor(portfolio: Portfolio) {
    this.#pf = portfolio;
  }

  get cash(): number {
    return this.#pf.cash;
  }

  get equity(): number {
    return this.#pf.equity;
  }

  qty(symbol: string): number {
    return this.#pf.qty(symbol);
  }

  avgPrice(symbol: string): number {
    const p = this.#pf.position(symbol);
    return p === undefined || p.qty === 0 ? NaN : p.avgPrice;
  }

  positions(): readonly Position[] {
    return this.#pf.positions();
  }
}
