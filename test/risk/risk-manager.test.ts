import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import type { OrderRequest } from '../../src/core/order.js';
import { killSwitchFromConfig, limitsFromConfig } from '../../src/risk/limits.js';
import { RiskManager, type AccountView } from '../../src/risk/risk-manager.js';
import { cli, tempDir } from '../support/cli.js';

const manager = (): RiskManager =>
  new RiskManager({
    limits: limitsFromConfig(DEFAULTS.risk),
    killSwitch: killSwitchFromConfig(DEFAULTS.risk),
    horizon: 'swing',
    isShortable: () => true,
  });
const account = (equity: number, positions: Record<string, number> = {}): AccountView => ({
  equity,
  positions: new Map(Object.entries(positions)),
  pending: new Map(),
  prices: new Map([['AAA', 100]]),
});
const buy = (qty: number, id = 'o1'): OrderRequest => ({
  clientOrderId: id,
  symbol: 'AAA',
  side: 'buy',
  type: 'market',
  qty,
  tif: 'gtc',
});
const sell = (qty: number, id = 'o2'): OrderRequest => ({ ...buy(qty, id), side: 'sell' });

describe('RiskManager', () => {
  it('trips the kill switch on a 2% drop from the day high, after which nothing passes (HALTED)', () => {
    const r = manager();
    r.onEquity(1, '2024-01-02', 100_000);
    r.onEquity(2, '2024-01-02', 101_000); // day high 101,000
    r.onEquity(3, '2024-01-02', 99_000); // -1.98%: still active
    expect(r.state).toBe('ACTIVE');
    expect(r.check(buy(10), account(99_000), 100, 3).ok).toBe(true);
    r.onEquity(4, '2024-01-02', 98_980); // -2.0%
    expect(r.state).toBe('HALTED');
    expect(r.check(sell(10), account(98_980, { AAA: 10 }), 100, 4)).toMatchObject({ ok: false, check: 'kill_switch' });
    expect(r.events.map((e) => e.kind)).toEqual(['kill_switch', 'denied']);
  });

  it('pauses new exposure after 3 consecutive losses until the next day; exits still pass', () => {
    const r = manager();
    r.onEquity(1, '2024-01-02', 100_000);
    for (const pnl of [-10, -5, -1]) r.onTradeClosed(pnl);
    expect(r.check(buy(1), account(100_000), 100, 2)).toMatchObject({ ok: false, check: 'consecutive_losses' });
    expect(r.check(sell(1), account(100_000, { AAA: 5 }), 100, 2).ok).toBe(true);
    r.onTradeClosed(+3); // a win resets the run
    expect(r.check(buy(1), account(100_000), 100, 2).ok).toBe(true);
    for (const pnl of [-1, -1, -1]) r.onTradeClosed(pnl);
    r.onEquity(3, '2024-01-03', 100_000); // a new day
    expect(r.check(buy(1), account(100_000), 100, 3).ok).toBe(true);
  });

  it('counts orders a day: the 101st entry of a day is denied, the next day it passes', () => {
    const r = manager();
    r.onEquity(1, '2024-01-02', 100_000);
    for (let i = 0; i < 100; i++) expect(r.check(buy(1, `b${i}`), account(100_000), 100, 1).ok).toBe(true);
    expect(r.tradesToday).toBe(100);
    expect(r.check(buy(1, 'b100'), account(100_000), 100, 1)).toMatchObject({ ok: false, check: 'trades_per_day' });
    r.onEquity(2, '2024-01-03', 100_000);
    expect(r.check(buy(1, 'c0'), account(100_000), 100, 2).ok).toBe(true);
  });

  it('momentic risk show prints the limits in force and the kill-switch state', async () => {
    const r = await cli(['risk', 'show'], { env: { MOMENTIC_RISK__MAX_POSITION: '0.1' }, cwd: tempDir() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kill switch: ACTIVE');
    expect(r.stdout).toMatch(/max_position\s+10%/);
    expect(r.stdout).toMatch(/max_daily_drawdown\s+2%/);
    const j = JSON.parse((await cli(['--json', 'risk', 'show'])).stdout) as {
      kill_switch: { state: string };
      limits: Record<string, string>;
    };
    expect(j.kill_switch.state).toBe('ACTIVE');
    expect(j.limits.max_positions).toBe('30');
  });
});
