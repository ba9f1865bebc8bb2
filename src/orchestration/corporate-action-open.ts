/**
 * A paper or live session's check before the open (docs/corporate-actions.md, "Sessions"): today's
 * corporate actions of the session's symbols are either applied to the session's own objects or
 * the symbol is halted with the reason, through the risk manager's restricted list (the same
 * check every order passes; an operator lifts it with `momentic admin set-limit`).
 *   split:          position x ratio (average cost / ratio), each open order cancelled and sent
 *                   again with qty x ratio and its prices / ratio; the symbol's price-based
 *                   indicator state must be warmed again on split-adjusted history (`rewarm`).
 *   dividend:       the cash (shares held at the previous close x amount) is credited to the
 *                   session's book before the open, as a backtest books it (a short pays it); a
 *                   live broker pays the same cash on the pay date into its own account, which
 *                   the session never reads back into its book, so it is booked once.
 *   symbol change:  halted: the session trades the old symbol, whose bars stop.
 *   anything the session cannot apply exactly (fractional shares from a reverse split, an absurd
 *   ratio): halted with why.
 * An action the session's bars already carry (a replayed `data adjust` output, a venue's adjusted
 * warm-up history) is not applied to them a second time (`ReflectedActions`).
 */
import type { OrderRequest } from '../core/order.js';
import type { OrderManager } from '../engine/order-manager.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { MAX_SPLIT_RATIO } from '../universe/corporate-adjust.js';
import type { CorporateAction } from '../universe/reference-files.js';
import type { RiskGate } from './risk-gate.js';

export type OpenDecision =
  | {
      readonly kind: 'split';
      readonly symbol: string;
      readonly ratio: number;
      readonly position: { readonly from: number; readonly to: number };
      /** Each open order and the order sent in its place. */
      readonly orders: readonly { readonly cancel: string; readonly replacement: OrderRequest }[];
      /**
       * The session's bars before the ex-date are rescaled and the symbol's price-based indicator
       * state warmed again on them; false when those bars are already split-adjusted.
       */
      readonly rewarm: boolean;
    }
  | { readonly kind: 'dividend'; readonly symbol: string; readonly perShare: number; readonly cash: number }
  | { readonly kind: 'halt'; readonly symbol: string; readonly reason: string }
  /** Already in the session's bars, position and orders: nothing to apply. */
  | { readonly kind: 'reflected'; readonly symbol: string; readonly action: CorporateAction };

/**
 * The corporate actions a session's bars already carry: their prices before the ex-date are
 * adjusted for them (docs/corporate-actions.md, "Sessions").
 */
export interface ReflectedActions {
  /** Whether the bars before `a`'s ex-date are already adjusted for it (splits; dividends too in a total-return file). */
  has(a: CorporateAction): boolean;
  /** The split factor (1 / ratio) of each split of `symbol` the bars carry, by ex-date. */
  splits(symbol: string): readonly { readonly exDate: string; readonly factor: number }[];
  /**
   * Whether the session also traded on those bars (a replayed adjusted file): its position and
   * orders are then already in post-split shares. False for a venue's adjusted warm-up history,
   * on which no order is placed: a position resumed from fills before the ex-date is in the
   * shares of those fills and is split as usual.
   */
  readonly traded: boolean;
}

/** The session's open orders, as the check needs them (the OrderManager in a session). */
export interface OpenOrders {
  open(symbol: string): readonly OrderRequest[];
  cancel(clientOrderId: string): void;
  submit(req: OrderRequest): void;
}

const isWhole = (x: number): boolean => Math.abs(x - Math.round(x)) < 1e-9;

function scaled(o: OrderRequest, ratio: number): OrderRequest {
  const p = (x: number | undefined): number | undefined => (x === undefined ? undefined : x / ratio);
  const out: Record<string, unknown> = { ...o, clientOrderId: `${o.clientOrderId}-split`, qty: o.qty * ratio };
  for (const k of ['limitPrice', 'stopPrice', 'trailAmount'] as const) if (o[k] !== undefined) out[k] = p(o[k]);
  if (o.takeProfit !== undefined) out.takeProfit = { limitPrice: o.takeProfit.limitPrice / ratio };
  if (o.stopLoss !== undefined) {
    out.stopLoss = {
      stopPrice: o.stopLoss.stopPrice / ratio,
      ...(o.stopLoss.limitPrice === undefined ? {} : { limitPrice: o.stopLoss.limitPrice / ratio }),
    };
  }
  return out as unknown as OrderRequest;
}

/** What to do before `day`'s open for each of today's actions of `symbols`; pure. */
export function planOpen(o: {
  readonly day: string;
  readonly symbols: readonly string[];
  readonly actions: readonly CorporateAction[];
  readonly position: (symbol: string) => number;
  readonly orders: OpenOrders;
  /** Whether the venue holds fractional shares of the symbol. */
  readonly fractionable?: (symbol: string) => boolean;
  /** Actions the session's bars already carry; none by default. */
  readonly reflected?: ReflectedActions;
}): OpenDecision[] {
  const reflected = o.reflected;
  const out: OpenDecision[] = [];
  for (const symbol of o.symbols) {
    const today = o.actions.filter((a) => a.symbol === symbol && a.exDate === o.day);
    if (today.length === 0) continue;
    const halt = (reason: string): void => void out.push({ kind: 'halt', symbol, reason });
    const change = today.find((a) => a.type === 'symbol_change');
    if (change !== undefined) {
      halt(
        `${symbol} becomes ${change.newSymbol} on ${o.day}: trade it under the new symbol (update the session's symbols)`,
      );
      continue;
    }
    const splits = today.filter((a) => a.type === 'split');
    if (splits.length > 1) {
      halt(`${splits.length} splits of ${symbol} on ${o.day}: check corporate-actions.csv`);
      continue;
    }
    let split = splits[0];
    const decisions: OpenDecision[] = [];
    let reason: string | undefined;
    // Bars, position and orders already in post-split terms (a replayed split-adjusted file).
    if (split !== undefined && reflected?.traded === true && reflected.has(split)) {
      decisions.push({ kind: 'reflected', symbol, action: split });
      split = undefined;
    }
    if (split !== undefined) {
      const r = split.ratio;
      const qty = o.position(symbol);
      const orders = o.orders.open(symbol);
      const fractional = o.fractionable?.(symbol) === true;
      if (!(r >= 1 / MAX_SPLIT_RATIO && r <= MAX_SPLIT_RATIO))
        reason = `split ratio ${r} is outside 1/${MAX_SPLIT_RATIO}..${MAX_SPLIT_RATIO}`;
      else if (!fractional && !isWhole(qty * r))
        reason = `split ${r} turns ${qty} shares into ${qty * r}: the broker pays the fraction in cash; reconcile the position before trading`;
      else if (!fractional && orders.some((x) => !isWhole(x.qty * r)))
        reason = `split ${r} leaves an open order of ${symbol} with a fractional quantity`;
      else
        decisions.push({
          kind: 'split',
          symbol,
          ratio: r,
          position: { from: qty, to: qty * r },
          orders: orders.map((x) => ({ cancel: x.clientOrderId, replacement: scaled(x, r) })),
          rewarm: reflected?.has(split) !== true,
        });
    }
    if (reason !== undefined) {
      halt(reason);
      continue;
    }
    // Dividends first: one paid on the ex-date of a split is due on the shares held before it.
    for (const d of today.filter((a) => a.type === 'dividend')) {
      if (reflected?.traded === true && reflected.has(d)) {
        // In the prices of a total-return file: paying it in cash as well would pay it twice.
        out.push({ kind: 'reflected', symbol, action: d });
        continue;
      }
      // Shares traded on split-adjusted bars are today's shares: a dividend before a split the
      // bars carry is paid per adjusted share (D x 1 / ratio), as a backtest on `split` prices pays it.
      let perShare = d.cashAmount;
      if (reflected?.traded === true)
        for (const x of reflected.splits(symbol)) if (x.exDate >= d.exDate) perShare *= x.factor;
      out.push({ kind: 'dividend', symbol, perShare, cash: o.position(symbol) * perShare });
    }
    out.push(...decisions);
  }
  return out;
}

/**
 * Applies a plan to a session's book, orders and risk gate before the bar at `ts` opens; returns
 * the symbols whose indicator state must be warmed again. A dividend is credited to the book, a
 * halt restricts the symbol and cancels its open orders.
 */
export function applyOpen(
  plan: readonly OpenDecision[],
  parts: { readonly portfolio: Portfolio; readonly orders: OpenOrders; readonly risk: RiskGate; readonly ts: number },
): string[] {
  const rewarm: string[] = [];
  for (const d of plan) {
    if (d.kind === 'dividend') {
      // As the backtest's engine books it (engine.ts, position events): cash, then the risk view.
      parts.portfolio.creditDividend(d.symbol, d.perShare, parts.ts);
      parts.risk.onAccountChange(d.symbol);
    } else if (d.kind === 'split') {
      parts.portfolio.split(d.symbol, d.ratio);
      for (const o of d.orders) {
        parts.orders.cancel(o.cancel);
        parts.orders.submit(o.replacement);
      }
      if (d.rewarm) rewarm.push(d.symbol);
    } else if (d.kind === 'halt') {
      const config = parts.risk.config;
      if (!config.restricted.includes(d.symbol))
        parts.risk.setConfig({ ...config, restricted: [...config.restricted, d.symbol] });
      for (const o of parts.orders.open(d.symbol)) parts.orders.cancel(o.clientOrderId);
    }
  }
  return rewarm;
}

/** A session's OrderManager as the check's open orders (cancels and resubmits go through it). */
export function openOrdersOf(orders: OrderManager): OpenOrders {
  return {
    open: (symbol) =>
      orders
        .openIds()
        .map((id) => orders.order(id)?.request)
        .filter((r): r is OrderRequest => r !== undefined && r.symbol === symbol),
    cancel: (id) => orders.cancel(id),
    submit: (req) => void orders.submit(req),
  };
}
