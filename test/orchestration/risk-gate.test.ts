/**
 * The risk manager in the engine's order path: denials appear in the orders with their reason and
 * reach onOrderRejected; a 2% drop from the day's start halts the kill switch, which flattens the
 * account with kill-switch orders and denies everything after. Hand-made daily bars (open = high =
 * low = close), cash 100,000.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { RiskGate } from '../../src/orchestration/risk-gate.js';
import type { Strategy } from '../../src/strategies/api.js';
import { flat } from '../backtest/support.js';

/** Buys `qty[i]` at bar i (when given), records rejections. */
function buyer(plan: Readonly<Record<number, number>>, rejected: string[]): Strategy {
  let bar = 0;
  return {
    name: 'buyer',
    onBar(ctx, b) {
      const q = plan[bar++];
      if (q !== undefined) ctx.buy(b.symbol, q);
    },
    onOrderRejected(_ctx, r) {
      rejected.push(r.reason);
    },
  };
}

describe('risk in the order path', () => {
  it('denies an order over the position limit with its reason, in the orders and to the strategy', () => {
    const rejected: string[] = [];
    const risk = new RiskGate(DEFAULTS.risk, 'swing', () => true);
    // Bar 0: 100 units at 100 = 10% of equity (limit 5%): denied. Bar 1: 50 units = 5%: allowed.
    const rec = runBacktest({
      strategy: buyer({ 0: 100, 1: 50 }, rejected),
      series: [flat('AAA', [100, 100, 100, 100])],
      runId: 't',
      risk,
      priceRounding: 'none',
    });
    expect(rec.orders.map((o) => [o.qty, o.status])).toEqual([
      [100, 'rejected'],
      [50, 'filled'],
    ]);
    expect(rec.orders[0]?.reason).toBe('risk position: AAA would be 10.00% of equity (limit 5.00%)');
    expect(rejected).toEqual(['risk position: AAA would be 10.00% of equity (limit 5.00%)']);
  });

  it('halts on a 2% daily drawdown, flattens with kill-switch orders and denies new ones', () => {
    const rejected: string[] = [];
    const risk = new RiskGate({ ...DEFAULTS.risk, max_position: 1 }, 'swing', () => true);
    // Bar 0 buys 500 at the bar 1 open (100): 50% of equity. Bar 2 closes at 95: equity 97,500, 2.5%
    // under bar 1's 100,000: HALTED; the 500 are sold at bar 3's open (95). Bar 3's buy is denied.
    const rec = runBacktest({
      strategy: buyer({ 0: 500, 3: 10 }, rejected),
      series: [flat('AAA', [100, 100, 95, 95, 95])],
      runId: 't',
      risk,
      priceRounding: 'none',
    });
    expect(rec.orders.map((o) => [o.side, o.qty, o.status, o.tag ?? ''])).toEqual([
      ['buy', 500, 'filled', ''],
      ['sell', 500, 'filled', 'kill-switch'],
      ['buy', 10, 'rejected', ''],
    ]);
    expect(rec.orders[1]?.avgFillPrice).toBe(95);
    expect(rejected).toEqual(['risk kill_switch: the kill switch is HALTED: no orders until it is reset']);
    expect(risk.manager.state).toBe('HALTED');
    expect(risk.events[0]?.reason).toBe('ACTIVE -> HALTED: daily drawdown 2.50% breached the 2.00% limit');
  });
});

describe('momentic backtest --risk', () => {
  it('runs the orders through the risk manager with the config limits, and a run file can set its own', async () => {
    const { cli, tempDir } = await import('../support/cli.js');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const home = tempDir();
    const args = [
      '--home',
      home,
      '--json',
      'backtest',
      '--strategy',
      'sma-cross',
      '--symbols',
      'ZNTX,VXLY',
      '--param',
      'weight=0.1',
      '--start',
      '2020-01-02',
      '--end',
      '2021-12-31',
    ];
    const plain = JSON.parse((await cli(args)).stdout) as { dir: string };
    expect(readFileSync(join(plain.dir, 'orders.csv'), 'utf8')).not.toContain('risk position');
    const r = await cli([...args, '--risk']);
    expect(r.code, r.stderr).toBe(0);
    const orders = readFileSync(join((JSON.parse(r.stdout) as { dir: string }).dir, 'orders.csv'), 'utf8');
    // 10% targets are over the 5% position limit: every entry is denied with the check's reason.
    expect(orders).toContain('risk position: ');
    expect(orders.split('\n').filter((l) => l.includes(',filled,'))).toHaveLength(0);
    const runFile = join(home, 'run.yaml');
    writeFileSync(
      runFile,
      [
        'strategy: sma-cross',
        'params: { weight: 0.1 }',
        'symbols: [ZNTX, VXLY]',
        'start: 2020-01-02',
        'end: 2021-12-31',
        'risk: { max_position: 0.15 }',
        '',
      ].join('\n'),
    );
    const own = JSON.parse((await cli(['--home', home, '--json', 'backtest', '--config', runFile])).stdout) as {
      dir: string;
    };
    expect(readFileSync(join(own.dir, 'orders.csv'), 'utf8')).not.toContain('risk position');
  });
});
