/**
 * The RiskManager in the engine's order path (PreTradeCheck): it sees the account through the
 * engine (positions, open market orders, last closes), the equity at every bar close with the
 * round trips closed so far, and asks the engine to flatten when the kill switch halts. Orders
 * tagged `kill-switch` (that flatten) pass every state. docs/risk.md.
 */
import type { PreTradeAccount, PreTradeCheck } from '../engine/ports.js';
import type { Config } from '../config/schema.js';
import type { OrderRequest } from '../core/order.js';
import { tsToDate } from '../data/schema.js';
import type { Trade } from '../portfolio/trade-ledger.js';
import { isReducing } from '../risk/checks.js';
import type { KillSwitchTransition } from '../risk/kill-switch.js';
import { killSwitchFromConfig, limitsFromConfig } from '../risk/limits.js';
import { RiskManager, type RiskEvent } from '../risk/risk-manager.js';

export const KILL_SWITCH_TAG = 'kill-switch';

export class RiskGate implements PreTradeCheck {
  readonly manager: RiskManager;
  #tradesSeen = 0;
  #flatten = false;
  #now = NaN;

  /** `onKillSwitch` is told of every kill-switch transition (the workspace's state file). */
  constructor(
    risk: Config['risk'],
    horizon: 'intraday' | 'swing',
    isShortable: (symbol: string) => boolean,
    onKillSwitch?: (t: KillSwitchTransition) => void,
  ) {
    this.manager = new RiskManager({
      limits: limitsFromConfig(risk),
      killSwitch: killSwitchFromConfig(risk),
      horizon,
      isShortable,
    });
    this.manager.killSwitch.onHalt = () => {
      this.#flatten = true;
    };
    this.manager.onKillSwitch = onKillSwitch;
  }

  get events(): readonly RiskEvent[] {
    return this.manager.events;
  }

  onMark(ts: number, equity: number, trades: readonly Trade[]): void {
    this.#now = ts;
    for (; this.#tradesSeen < trades.length; this.#tradesSeen++)
      this.manager.onTradeClosed((trades[this.#tradesSeen] as Trade).pnl);
    this.manager.onEquity(ts, tsToDate(ts), equity);
  }

  onVenueError(message: string, ts: number): void {
    this.manager.killSwitch.venueError(message, ts);
  }

  onVenueOk(): void {
    this.manager.killSwitch.venueOk();
  }

  onDataAge(ageMs: number, ts: number): void {
    this.manager.killSwitch.dataAge(ageMs, ts);
  }

  takeFlatten(): boolean {
    const f = this.#flatten;
    this.#flatten = false;
    return f;
  }

  check(order: OrderRequest, account: PreTradeAccount): string | undefined {
    const positions = new Map<string, number>();
    const prices = new Map<string, number>();
    const pending = new Map<string, number>();
    for (const p of account.portfolio.positions()) {
      positions.set(p.symbol, p.qty);
      prices.set(p.symbol, p.marketPrice);
      const q = account.pendingQty(p.symbol);
      if (q !== 0) pending.set(p.symbol, q);
    }
    const own = account.pendingQty(order.symbol);
    if (own !== 0) pending.set(order.symbol, own);
    const price = account.price(order.symbol);
    if (!prices.has(order.symbol) && Number.isFinite(price)) prices.set(order.symbol, price);
    const view = { equity: account.portfolio.equity, positions, pending, prices };
    if (order.tag === KILL_SWITCH_TAG) {
      // The kill switch's own flatten: it must get out whatever the state, and only get out.
      const reduce = isReducing(order, view);
      return reduce ? undefined : 'risk kill_switch: a kill-switch order must only reduce a position';
    }
    const d = this.manager.check(order, view, price, this.#now);
    return d.ok ? undefined : `risk ${d.check}: ${d.reason}`;
  }
}
