/**
 * The RiskGate's O(1) checks (running sums of the projected positions, kept up to date from the
 * engine's account changes) decide exactly as the checks summing every position did: random
 * backtests of many symbols, orders placed on bars and on fills, limits tight enough that every
 * exposure check denies, run once through the RiskGate and once through the former gate (below,
 * as it was), give the same orders with the same reasons.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../src/config/schema.js';
import type { OrderRequest } from '../../src/core/order.js';
import type { PreTradeAccount, PreTradeCheck } from '../../src/engine/ports.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { KILL_SWITCH_TAG, RiskGate } from '../../src/orchestration/risk-gate.js';
import { isReducing } from '../../src/risk/checks.js';
import { killSwitchFromConfig, limitsFromConfig } from '../../src/risk/limits.js';
import { RiskManager } from '../../src/risk/risk-manager.js';
import type { Trade } from '../../src/portfolio/trade-ledger.js';
import { tsToDate } from '../../src/data/schema.js';
import type { Strategy } from '../../src/strategies/api.js';
import { ohlc } from '../backtest/support.js';
import { prng } from '../portfolio/support.js';

/** The gate as it was: every check builds the account's maps from every position. */
class SummingGate implements PreTradeCheck {
  readonly manager: RiskManager;
  #tradesSeen = 0;
  #now = NaN;

  constructor(risk: Config['risk'], isShortable: (s: string) => boolean) {
    this.manager = new RiskManager({
      limits: limitsFromConfig(risk),
      killSwitch: killSwitchFromConfig(risk),
      horizon: 'swing',
      isShortable,
    });
  }

  onMark(ts: number, equity: number, trades: readonly Trade[]): void {
    this.#now = ts;
    for (; this.#tradesSeen < trades.length; this.#tradesSeen++)
      this.manager.onTradeClosed((trades[this.#tradesSeen] as Trade).pnl);
    this.manager.onEquity(ts, tsToDate(ts), equity);
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
    if (order.tag === KILL_SWITCH_TAG)
      return isReducing(order, view) ? undefined : 'risk kill_switch: a kill-switch order must only reduce a position';
    const d = this.manager.check(order, view, price, this.#now);
    return d.ok ? undefined : `risk ${d.check}: ${d.reason}`;
  }
}

const SYMBOLS = Array.from({ length: 14 }, (_, i) => `S${String(i).padStart(2, '0')}`);
const shortable = (s: string): boolean => s !== 'S03' && s !== 'S07';

/** Random walks with opens apart from closes (fills at the open, marks at the close differ). */
function market(seed: number, bars: number) {
  const rand = prng(seed);
  return SYMBOLS.map((s) => {
    let c = 20 + rand() * 180;
    const rows: [number, number, number, number][] = [];
    for (let i = 0; i < bars; i++) {
      const o = Math.round(c * (1 + (rand() - 0.5) * 0.02) * 100) / 100;
      c = Math.round(o * (1 + (rand() - 0.5) * 0.06) * 100) / 100;
      rows.push([o, Math.max(o, c) + 0.5, Math.min(o, c) - 0.5, c]);
    }
    return ohlc(s, rows);
  });
}

/**
 * Orders at random on bars (market and limit, several on one symbol, some sized to reach the gross
 * limit) and on fills (between a bar's fills and its marks: the sums kept up to date, not made afresh).
 */
function trader(seed: number): Strategy {
  const rand = prng(seed);
  const qty = (): number => 1 + Math.floor(rand() * 400);
  return {
    name: 'random-trader',
    onBar(ctx, bar) {
      const n = rand() < 0.4 ? 2 : 1;
      for (let k = 0; k < n; k++) {
        const r = rand();
        if (r < 0.3) ctx.buy(bar.symbol, qty());
        else if (r < 0.55) ctx.sell(bar.symbol, qty());
        else if (r < 0.65) ctx.buy(bar.symbol, qty(), { type: 'limit', limitPrice: Math.round(bar.close * 97) / 100 });
        else if (r < 0.75) {
          // Up to the gross limit, as far as the held positions tell.
          let gross = 0;
          for (const p of ctx.portfolio.positions()) gross += Math.abs(p.qty) * p.marketPrice;
          const room = Math.floor((0.9 * ctx.portfolio.equity - gross) / bar.close);
          if (room > 0) ctx.buy(bar.symbol, room + Math.floor(rand() * 3) - 1 || 1);
        }
      }
    },
    onFill(ctx, fill) {
      const r = rand();
      if (r < 0.25) ctx.sell(fill.symbol, qty());
      else if (r < 0.4) ctx.buy(SYMBOLS[Math.floor(rand() * SYMBOLS.length)] as string, qty());
    },
  };
}

const LIMITS: Config['risk'] = {
  ...DEFAULTS.risk,
  max_position: 0.3,
  max_gross_swing: 0.9,
  max_short_of_gross: 0.35,
  max_positions: 7,
  max_leverage: 0.85,
  max_daily_drawdown: 0.5,
  pause_after_losses: 1_000,
  max_trades_per_day: 1_000_000,
};

describe('RiskGate with running sums', () => {
  it('decides every order as the gate summing every position did, with the same reasons', () => {
    const denials = new Map<string, number>();
    let orders = 0;
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const run = (risk: PreTradeCheck) =>
        runBacktest({
          strategy: trader(seed),
          series: market(seed, 60),
          runId: 't',
          risk,
          priceRounding: 'none',
          cash: 1_000_000,
          ...(seed % 2 === 0 ? { fill: 'close' as const } : {}),
        });
      const ours = run(new RiskGate(LIMITS, 'swing', shortable));
      const theirs = run(new SummingGate(LIMITS, shortable));
      const rows = (r: ReturnType<typeof run>) =>
        r.orders.map((o) => [o.clientOrderId, o.symbol, o.side, o.qty, o.status, o.reason ?? '']);
      expect(rows(ours)).toEqual(rows(theirs));
      orders += ours.orders.length;
      for (const o of ours.orders) {
        const check = /^risk (\w+):/.exec(o.reason ?? '')?.[1];
        if (check !== undefined) denials.set(check, (denials.get(check) ?? 0) + 1);
      }
    }
    // The runs reach every exposure check's limit, and most orders pass.
    for (const check of ['gross_exposure', 'short_exposure', 'max_positions', 'leverage', 'position'])
      expect(denials.get(check) ?? 0, check).toBeGreaterThan(5);
    expect(orders).toBeGreaterThan(1500);
  });
});

/** An account the test changes by hand, as the engine's books would change. */
function account() {
  const held = new Map<string, { qty: number; mark: number }>();
  const pending = new Map<string, number>();
  const closes = new Map<string, number>();
  const view: PreTradeAccount = {
    portfolio: {
      cash: 0,
      equity: 100_000,
      qty: (s) => held.get(s)?.qty ?? 0,
      avgPrice: () => NaN,
      positions: () =>
        [...held].map(([symbol, p]) => ({
          symbol,
          qty: p.qty,
          avgPrice: p.mark,
          marketPrice: p.mark,
          realizedPnl: 0,
          unrealizedPnl: 0,
        })),
    },
    price: (s) => closes.get(s) ?? NaN,
    pendingQty: (s) => pending.get(s) ?? 0,
    mark: (s) => held.get(s)?.mark ?? NaN,
  };
  return { view, held, pending, closes };
}

const buy = (symbol: string, qty: number): OrderRequest => ({
  clientOrderId: `${symbol}-${qty}`,
  symbol,
  side: 'buy',
  type: 'market',
  qty,
  tif: 'day',
});

describe('RiskGate sums kept up to date', () => {
  // Gross limit 50% of 100,000; AAA held 100 at 100 (10,000). A symbol's own projection is always
  // read afresh: what the sums must follow is another symbol's.
  const limits = { ...DEFAULTS.risk, max_position: 1, max_gross_swing: 0.5, max_leverage: 10 };
  const setup = () => {
    const a = account();
    a.held.set('AAA', { qty: 100, mark: 100 });
    a.closes.set('AAA', 100);
    a.closes.set('BBB', 100);
    const gate = new RiskGate(limits, 'swing', () => true);
    gate.onMark(Date.UTC(2024, 0, 2), 100_000, []);
    return { a, gate };
  };

  it('an order it passed counts in the next check, before the venue answers', () => {
    const { a, gate } = setup();
    expect(gate.check(buy('AAA', 200), a.view)).toBeUndefined();
    a.pending.set('AAA', 200); // the OrderManager's books: AAA now projects 300 (30,000)
    expect(gate.check(buy('BBB', 250), a.view)).toBe(
      'risk gross_exposure: gross exposure would be 55.00% of equity (limit 50.00% swing)',
    );
  });

  it('a fill the engine reports counts in the next check; new marks count from the next bar', () => {
    const { a, gate } = setup();
    expect(gate.check(buy('BBB', 1), a.view)).toBeUndefined();
    a.held.set('AAA', { qty: 300, mark: 100 });
    gate.onAccountChange('AAA');
    expect(gate.check(buy('BBB', 250), a.view)).toMatch(/would be 55\.00% of equity/);
    a.held.set('AAA', { qty: 300, mark: 50 }); // a bar closes AAA at 50: 15,000
    gate.onMark(Date.UTC(2024, 0, 3), 100_000, []);
    expect(gate.check(buy('BBB', 250), a.view)).toBeUndefined();
  });
});
