/**
 * The RiskManager (DESIGN.md: never bypassed): the pre-trade checks over the account as it
 * stands, plus the state they need across orders: the day's equity high, orders sent today,
 * consecutive losing trades, and the kill switch (tripped by a daily drawdown breach). The same
 * object serves backtest, paper and live; the engine feeds it equity, closed trades and orders.
 * docs/risk.md.
 */
import type { OrderRequest } from '../core/order.js';
import { checkOrder } from './checks.js';
import type { ProjectedExposure } from './exposure-book.js';
import { KillSwitch, type KillSwitchOptions, type KillSwitchTransition } from './kill-switch.js';
import type { KillSwitchState, RiskCheckName, RiskLimits, RiskOrder, RiskState } from './types.js';

/** What the manager reads of the account at a check. */
export interface AccountView {
  readonly equity: number;
  readonly positions: ReadonlyMap<string, number>;
  readonly pending: ReadonlyMap<string, number>;
  readonly prices: ReadonlyMap<string, number>;
  readonly strategyGross?: ReadonlyMap<string, number>;
  /** Running sums of the projected positions, when the caller keeps them (RiskState.exposure). */
  readonly exposure?: ProjectedExposure;
}

export interface RiskEvent {
  readonly ts: number;
  readonly kind: 'denied' | 'kill_switch' | 'corporate_action';
  readonly check?: RiskCheckName;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly reason: string;
}

export interface RiskManagerOptions {
  readonly limits: RiskLimits;
  readonly killSwitch: KillSwitchOptions;
  /** Intraday books use the intraday gross limit. */
  readonly horizon: 'intraday' | 'swing';
  readonly isShortable: (symbol: string) => boolean;
}

export class RiskManager {
  readonly killSwitch: KillSwitch;
  #limits: RiskLimits;
  readonly #o: RiskManagerOptions;
  #day = '';
  #dayHigh = NaN;
  #equity = NaN;
  #tradesToday = 0;
  #losses = 0;
  readonly #events: RiskEvent[] = [];

  constructor(options: RiskManagerOptions) {
    this.#o = options;
    this.#limits = options.limits;
    this.killSwitch = new KillSwitch(options.killSwitch);
    this.killSwitch.onTransition = (t) => {
      this.#events.push({ ts: t.ts, kind: 'kill_switch', reason: `${t.from} -> ${t.to}: ${t.reason}` });
      this.onKillSwitch?.(t);
    };
  }

  /** The limits in force. */
  get limits(): RiskLimits {
    return this.#limits;
  }

  /** New limits from the next check on (an operator's `admin set-limit` on a running node). */
  setLimits(limits: RiskLimits): void {
    this.#limits = limits;
  }

  /** Called on every kill-switch transition, after it is recorded as a risk event (to persist it). */
  onKillSwitch: ((t: KillSwitchTransition) => void) | undefined;

  get state(): KillSwitchState {
    return this.killSwitch.state;
  }

  /** Denials and kill-switch transitions, in order (for the ledger's risk_events). */
  get events(): readonly RiskEvent[] {
    return this.#events;
  }

  /** Records what a session's check before the open did (a split applied, a symbol halted). */
  note(e: RiskEvent): void {
    this.#events.push(e);
  }

  get tradesToday(): number {
    return this.#tradesToday;
  }

  get consecutiveLosses(): number {
    return this.#losses;
  }

  /** Equity marked at `ts` on trading day `day`: a new day resets the day's counters; a breach trips the kill switch. */
  onEquity(ts: number, day: string, equity: number): void {
    if (day !== this.#day) {
      this.#day = day;
      // The day starts from the last equity of the day before (a daily bar's close is its only mark).
      this.#dayHigh = Number.isNaN(this.#equity) ? equity : Math.max(this.#equity, equity);
      this.#tradesToday = 0;
      this.#losses = 0;
    }
    this.#equity = equity;
    if (!(equity <= this.#dayHigh)) this.#dayHigh = equity;
    const dd = this.#dayHigh > 0 ? 1 - equity / this.#dayHigh : 0;
    this.killSwitch.drawdown(dd, this.limits.maxDailyDrawdown, ts);
  }

  /** A round trip closed with net `pnl`. */
  onTradeClosed(pnl: number): void {
    this.#losses = pnl < 0 ? this.#losses + 1 : 0;
  }

  /** Checks an order; a denial is recorded and returned with its reason. */
  check(
    order: OrderRequest,
    account: AccountView,
    price: number,
    ts: number,
  ): { ok: true } | { ok: false; check: RiskCheckName; reason: string } {
    const o: RiskOrder = {
      symbol: order.symbol,
      side: order.side,
      qty: order.qty,
      type: order.type,
      price,
      ...(order.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }),
      ...(order.stopPrice === undefined ? {} : { stopPrice: order.stopPrice }),
      ...(order.stopLoss === undefined ? {} : { stopLoss: order.stopLoss.stopPrice }),
      ...(order.strategy === undefined ? {} : { strategy: order.strategy }),
    };
    const s: RiskState = {
      equity: account.equity,
      dayHigh: Number.isNaN(this.#dayHigh) ? account.equity : Math.max(this.#dayHigh, account.equity),
      positions: account.positions,
      pending: account.pending,
      prices: account.prices,
      strategyGross: account.strategyGross ?? new Map(),
      consecutiveLosses: this.#losses,
      tradesToday: this.#tradesToday,
      horizon: this.#o.horizon,
      killSwitch: this.killSwitch.state,
      isShortable: this.#o.isShortable,
      ...(account.exposure === undefined ? {} : { exposure: account.exposure }),
    };
    const d = checkOrder(o, s, this.limits);
    if (d.ok) this.#tradesToday++;
    else
      this.#events.push({
        ts,
        kind: 'denied',
        check: d.check,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        reason: d.reason,
      });
    return d;
  }
}
