/**
 * The RiskManager in the engine's order path (PreTradeCheck): it sees the account through the
 * engine (positions, open market orders, last closes), the equity at every bar close with the
 * round trips closed so far, and asks the engine to flatten when the kill switch halts. Orders
 * tagged `kill-switch` (that flatten) and `admin-flatten` (an operator's `momentic admin
 * flatten`) pass every state, HALTED included, as long as they only reduce. docs/risk.md.
 *
 * A check costs O(1), not O(positions): the account is read symbol by symbol as the checks ask,
 * and the exposure checks read running sums of the projected positions (exposure-book.ts), made
 * afresh once per bar (after the marks) and brought up to date for the symbols the engine says
 * changed (fills, acknowledgements, ends) and those of the orders passed.
 */
import type { PreTradeAccount, PreTradeCheck } from '../engine/ports.js';
import type { Config } from '../config/schema.js';
import type { OrderRequest } from '../core/order.js';
import { tsToDate } from '../data/schema.js';
import type { Trade } from '../portfolio/trade-ledger.js';
import { isReducing } from '../risk/checks.js';
import type { KillSwitchTransition } from '../risk/kill-switch.js';
import { killSwitchFromConfig, limitsFromConfig } from '../risk/limits.js';
import { ExposureBook } from '../risk/exposure-book.js';
import { RiskManager, type AccountView, type RiskEvent } from '../risk/risk-manager.js';
import { LookupMap } from './lookup-map.js';

export const KILL_SWITCH_TAG = 'kill-switch';
/** An operator's flatten (orchestration/admin): audited with the command that sent it. */
export const ADMIN_FLATTEN_TAG = 'admin-flatten';

export class RiskGate implements PreTradeCheck {
  readonly manager: RiskManager;
  /** The projected positions' running sums, and whether they must be summed afresh (new marks). */
  readonly #book = new ExposureBook();
  #isStale = true;
  /** Symbols whose holdings or open orders changed since the sums were last brought up to date. */
  readonly #changed = new Set<string>();
  #tradesSeen = 0;
  #flatten = false;
  #now = NaN;
  #config: Config['risk'];

  /** `onKillSwitch` is told of every kill-switch transition (the workspace's state file). */
  constructor(
    risk: Config['risk'],
    horizon: 'intraday' | 'swing',
    isShortable: (symbol: string) => boolean,
    onKillSwitch?: (t: KillSwitchTransition) => void,
  ) {
    this.#config = risk;
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

  /** The `risk:` limits in force, as config keys. */
  get config(): Config['risk'] {
    return this.#config;
  }

  /** Puts new limits in force from the next order on (an operator's `admin set-limit`). */
  setConfig(risk: Config['risk']): void {
    this.#config = risk;
    this.manager.setLimits(limitsFromConfig(risk));
    this.manager.killSwitch.setOptions(killSwitchFromConfig(risk));
  }

  /**
   * Back to ACTIVE by a person's decision. A halt whose flatten has not run yet (no bar since)
   * is called off with it: the person who resumes decides what the book holds.
   */
  reset(reason: string, ts: number): void {
    this.manager.killSwitch.reset(reason, ts);
    this.#flatten = false;
  }

  get events(): readonly RiskEvent[] {
    return this.manager.events;
  }

  onMark(ts: number, equity: number, trades: readonly Trade[]): void {
    this.#now = ts;
    // Every held symbol may have a new mark: the sums are made afresh at the next check.
    this.#isStale = true;
    this.#changed.clear();
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

  onAccountChange(symbol: string): void {
    if (!this.#isStale) this.#changed.add(symbol);
  }

  check(order: OrderRequest, account: PreTradeAccount): string | undefined {
    const symbol = order.symbol;
    const price = account.price(symbol);
    const view = accountView(account, symbol, price, this.#exposure(account));
    let reason: string | undefined;
    if (order.tag === KILL_SWITCH_TAG || order.tag === ADMIN_FLATTEN_TAG) {
      // The kill switch's own flatten, or an operator's: it must get out whatever the state, and only get out.
      const reduce = isReducing(order, view);
      reason = reduce ? undefined : `risk kill_switch: a ${order.tag} order must only reduce a position`;
    } else {
      const d = this.manager.check(order, view, price, this.#now);
      reason = d.ok ? undefined : `risk ${d.check}: ${d.reason}`;
    }
    // The order goes to the OrderManager's books next: its symbol's open quantity changes.
    if (reason === undefined) this.onAccountChange(symbol);
    return reason;
  }

  /** The running sums, brought up to date: all over after a bar's marks, else the symbols changed since. */
  #exposure(account: PreTradeAccount): ExposureBook {
    const book = this.#book;
    if (this.#isStale) {
      book.clear();
      for (const p of account.portfolio.positions())
        book.set(p.symbol, p.qty, account.pendingQty(p.symbol), account.mark(p.symbol));
      this.#isStale = false;
    } else {
      for (const s of this.#changed) book.set(s, account.portfolio.qty(s), account.pendingQty(s), account.mark(s));
    }
    this.#changed.clear();
    return book;
  }
}

/**
 * The account as the RiskManager reads it, looked up symbol by symbol as the checks ask: held
 * quantities (non-flat positions), open market orders' quantities (of the symbols held, and of
 * the order's own symbol), and prices (the marks of the symbols held, and the last close of the
 * order's symbol when it is not held). Iterating a map (a check computing exposures afresh) goes
 * over every position, in the portfolio's order.
 */
function accountView(account: PreTradeAccount, symbol: string, price: number, exposure: ExposureBook): AccountView {
  const pf = account.portfolio;
  const isHeld = (s: string): boolean => pf.qty(s) !== 0;
  const held = (): string[] => pf.positions().map((p) => p.symbol);
  const pendingOf = (s: string): number | undefined => {
    if (!isHeld(s) && s !== symbol) return undefined;
    const q = account.pendingQty(s);
    return q === 0 ? undefined : q;
  };
  const ownPrice = Number.isFinite(price) ? price : undefined;
  return {
    equity: pf.equity,
    positions: new LookupMap((s) => (isHeld(s) ? pf.qty(s) : undefined), held),
    pending: new LookupMap(pendingOf, () => {
      const keys = held().filter((s) => pendingOf(s) !== undefined);
      return !keys.includes(symbol) && pendingOf(symbol) !== undefined ? [...keys, symbol] : keys;
    }),
    prices: new LookupMap(
      (s) => (isHeld(s) ? account.mark(s) : s === symbol ? ownPrice : undefined),
      () => {
        const keys = held();
        return !keys.includes(symbol) && ownPrice !== undefined ? [...keys, symbol] : keys;
      },
    ),
    exposure,
  };
}
