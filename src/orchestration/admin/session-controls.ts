/**
 * What an operator can do to a running session, on the session's own objects: its kill switch
 * and limits (the RiskGate in its order path), its orders (the OrderManager every order went
 * through) and its book (the portfolio). Nothing here bypasses the order path: a flatten's
 * closing orders are ordinary orders of the OrderManager, journaled and risk-checked, tagged
 * `admin-flatten` so that the kill switch lets them out while HALTED as long as they only
 * reduce (risk-gate.ts). Calls are synchronous, between bars (one JavaScript thread).
 */

import type { OrderRequest } from '../../core/order.js';
import type { Config } from '../../config/schema.js';
import type { OrderManager } from '../../engine/order-manager.js';
import type { EngineClock } from '../../engine/ports.js';
import type { Portfolio } from '../../portfolio/portfolio.js';
import type { KillSwitchState } from '../../risk/types.js';
import { ADMIN_FLATTEN_TAG, type RiskGate } from '../risk-gate.js';
import { limitValue, withLimit, type LimitChange } from './limit-keys.js';

/** The kill switch as the node reports it: its state and the transition that set it. */
export interface KillSwitchView {
  readonly state: KillSwitchState;
  readonly reason?: string;
  /** When it changed, on the session's clock (epoch ms). */
  readonly since?: number;
}

/** What a flatten did: the orders it cancelled, the closing orders sent, and any refused (with why). */
export interface FlattenResult {
  readonly cancelled: readonly string[];
  readonly orders: readonly string[];
  readonly refused: readonly { readonly symbol: string; readonly reason: string }[];
}

/** An operator's handle on a running node (the admin agent's view of it). */
export interface NodeControls {
  readonly strategies: readonly string[];
  readonly symbols: readonly string[];
  /** The session's clock (a replay's time, or the wall clock). */
  now(): number;
  killSwitch(): KillSwitchView;
  /** Escalates the kill switch (never de-escalates: that is `resume`); false when it was there already. */
  trip(to: 'REDUCING' | 'HALTED', reason: string): boolean;
  /** Back to ACTIVE; false when it was ACTIVE. */
  resume(reason: string): boolean;
  limits(): Config['risk'];
  setLimit(change: LimitChange): { readonly from: number; readonly to: number };
  /** Holds a strategy's new orders (`reason` is what its rejections say); false when it was held already. */
  pause(strategy: string, reason: string): boolean;
  unpause(strategy: string): boolean;
  paused(): Readonly<Record<string, string>>;
  cancelAll(): readonly string[];
  /** Cancels every open order and closes every position at market; `id` makes the closing orders' ids. */
  flatten(id: string): FlattenResult;
  /** Start of the latest bar received per symbol (epoch ms). */
  lastBars(): Readonly<Record<string, number>>;
  /** Bars received so far. */
  bars(): number;
  openOrders(): number;
}

/** Strategies whose new orders an operator holds, and why (the session's `orderHold` reads it). */
export class OrderHolds {
  readonly #held = new Map<string, string>();

  reason(strategy: string): string | undefined {
    return this.#held.get(strategy);
  }

  hold(strategy: string, reason: string): boolean {
    const had = this.#held.has(strategy);
    this.#held.set(strategy, reason);
    return !had;
  }

  release(strategy: string): boolean {
    return this.#held.delete(strategy);
  }

  all(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#held);
  }
}

export interface SessionControlsParts {
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly clock: EngineClock;
  readonly risk: RiskGate;
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  readonly holds: OrderHolds;
}

export class SessionControls implements NodeControls {
  readonly strategies: readonly string[];
  readonly symbols: readonly string[];
  readonly #p: SessionControlsParts;
  readonly #lastBars = new Map<string, number>();
  #bars = 0;

  constructor(parts: SessionControlsParts) {
    this.#p = parts;
    this.strategies = [parts.strategy];
    this.symbols = parts.symbols;
  }

  /** A bar reached the session (history or live). */
  sawBar(symbol: string, ts: number): void {
    this.#bars++;
    if (!(ts <= (this.#lastBars.get(symbol) ?? -Infinity))) this.#lastBars.set(symbol, ts);
  }

  now(): number {
    return this.#p.clock.now();
  }

  killSwitch(): KillSwitchView {
    const ks = this.#p.risk.manager.killSwitch;
    const last = ks.history.at(-1);
    return { state: ks.state, ...(last === undefined ? {} : { reason: last.reason, since: last.ts }) };
  }

  trip(to: 'REDUCING' | 'HALTED', reason: string): boolean {
    const ks = this.#p.risk.manager.killSwitch;
    const before = ks.state;
    ks.trip(to, reason, this.now());
    return ks.state !== before;
  }

  resume(reason: string): boolean {
    const ks = this.#p.risk.manager.killSwitch;
    const before = ks.state;
    this.#p.risk.reset(reason, this.now());
    return ks.state !== before;
  }

  limits(): Config['risk'] {
    return this.#p.risk.config;
  }

  setLimit(change: LimitChange): { from: number; to: number } {
    const risk = this.#p.risk;
    const from = limitValue(risk.config, change.key);
    risk.setConfig(withLimit(risk.config, change));
    return { from, to: change.value };
  }

  pause(strategy: string, reason: string): boolean {
    return this.#p.holds.hold(strategy, reason);
  }

  unpause(strategy: string): boolean {
    return this.#p.holds.release(strategy);
  }

  paused(): Readonly<Record<string, string>> {
    return this.#p.holds.all();
  }

  cancelAll(): readonly string[] {
    const orders = this.#p.orders;
    const ids = orders.openIds();
    for (const id of ids) orders.cancel(id);
    return ids;
  }

  flatten(id: string): FlattenResult {
    const { orders, portfolio, strategy, risk } = this.#p;
    // A halt's flatten still waiting for the next bar is this one, done now: taken, so the
    // engine does not cancel these closing orders at that bar to send its own.
    risk.takeFlatten();
    const cancelled = this.cancelAll();
    const sent: string[] = [];
    const refused: { symbol: string; reason: string }[] = [];
    for (const p of portfolio.positions()) {
      const req: OrderRequest = {
        clientOrderId: `${ADMIN_FLATTEN_TAG}-${id}-${p.symbol.replace(/[^A-Za-z0-9]/g, '')}`,
        symbol: p.symbol,
        side: p.qty > 0 ? 'sell' : 'buy',
        type: 'market',
        qty: Math.abs(p.qty),
        tif: 'gtc',
        strategy,
        tag: ADMIN_FLATTEN_TAG,
      };
      // Straight to the OrderManager: no strategy hold or warm-up gate, the risk check still applies.
      const denied = orders.place(req);
      if (denied === undefined) sent.push(req.clientOrderId);
      else refused.push({ symbol: p.symbol, reason: denied });
    }
    return { cancelled, orders: sent, refused };
  }

  lastBars(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#lastBars);
  }

  bars(): number {
    return this.#bars;
  }

  openOrders(): number {
    return this.#p.orders.openCount;
  }
}
