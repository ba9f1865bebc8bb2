import type { StrategyContext } from '../api.js';
import type { BarState, ColumnOf, ExitOrder, ExitRule, FeatureRow, OrderExit } from './types.js';

type PriceFn = (row: FeatureRow, s: BarState) => ExitOrder | undefined;

/**
 * The resting exit orders of a composed strategy, per symbol: placed for the whole position when
 * an entry fills (replacing earlier ones), cancelled when the position closes; a fill of one
 * cancels the others (one-cancels-other across stop, trailing stop and take-profit).
 */
export class ProtectiveOrders {
  readonly #rules: readonly OrderExit[];
  #fns: PriceFn[][] = [];
  #ids: Set<string>[] = [];

  constructor(exits: readonly ExitRule[]) {
    this.#rules = exits.filter((e): e is OrderExit => e.kind === 'order');
  }

  init(symbols: number, colFor: (rule: OrderExit) => ColumnOf): void {
    this.#ids = Array.from({ length: symbols }, () => new Set<string>());
    this.#fns = Array.from({ length: symbols }, () => this.#rules.map((r) => r.create(colFor(r))));
  }

  owns(slot: number, clientOrderId: string): boolean {
    const ids = this.#ids[slot] as Set<string>;
    return ids.size !== 0 && ids.has(clientOrderId);
  }

  /** Whether the symbol has an open order that is not one of its resting exits. */
  hasOtherOpen(ctx: StrategyContext, slot: number, symbol: string): boolean {
    const ids = this.#ids[slot] as Set<string>;
    if (ids.size === 0) return true;
    return ctx.openOrders(symbol).some((o) => !ids.has(o.clientOrderId));
  }

  cancelAll(ctx: StrategyContext, slot: number): void {
    const ids = this.#ids[slot] as Set<string>;
    if (ids.size === 0) return;
    for (const id of ids) ctx.cancel(id);
    ids.clear();
  }

  /** One resting exit filled (maybe partly): the others go once the position is closed. */
  onExitFill(ctx: StrategyContext, slot: number, filledId: string): void {
    const ids = this.#ids[slot] as Set<string>;
    for (const id of ids) if (id !== filledId) ctx.cancel(id);
    ids.clear();
    ids.add(filledId);
  }

  /** (Re)places the resting exits for the symbol's whole position. */
  place(ctx: StrategyContext, slot: number, row: FeatureRow, s: BarState): void {
    if (this.#rules.length === 0) return;
    this.cancelAll(ctx, slot);
    const ids = this.#ids[slot] as Set<string>;
    const qty = ctx.portfolio.qty(s.symbol);
    const side = qty > 0 ? 'sell' : 'buy';
    const fns = this.#fns[slot] as PriceFn[];
    fns.forEach((fn, k) => {
      const x = fn(row, s);
      if (x === undefined) return;
      const tag = `exit:${(this.#rules[k] as OrderExit).name}`;
      const id =
        x.type === 'trailing_stop'
          ? ctx.submit({
              symbol: s.symbol,
              side,
              qty: Math.abs(qty),
              type: 'trailing_stop',
              trailAmount: x.trailAmount,
              tif: 'gtc',
              tag,
            })
          : x.type === 'stop'
            ? ctx.submit({
                symbol: s.symbol,
                side,
                qty: Math.abs(qty),
                type: 'stop',
                stopPrice: x.price,
                tif: 'gtc',
                tag,
              })
            : ctx.submit({
                symbol: s.symbol,
                side,
                qty: Math.abs(qty),
                type: 'limit',
                limitPrice: x.price,
                tif: 'gtc',
                tag,
              });
      ids.add(id);
    });
  }
}
