import { describe, expect, it } from 'vitest';
import { computeMetrics, EXTRA_METRIC_KEYS, METRIC_KEYS, type MetricsInput } from '../../src/backtest/metrics.js';
import { normCdf } from '../../src/analytics/stats/normal.js';
import { EquityCurve } from '../../src/portfolio/index.js';
import { DAY, d } from './results-fixture.js';

/** An equity curve on consecutive days from 2024-01-01. */
function curve(initial: number, rows: readonly (readonly [equity: number, gross: number])[]): EquityCurve {
  const c = new EquityCurve(initial);
  rows.forEach(([e, g], i) => c.push(d('2024-01-01') + i * DAY, e, e - g, g, g));
  return c;
}

function input(p: Partial<MetricsInput> & Pick<MetricsInput, 'equity'>): MetricsInput {
  return { initialCash: 100, periodsPerYear: 252, trades: [], orders: [], ...p };
}

// equity 110, 99, 108.9, 108.9 from 100: returns 0.1, -0.1, 0.1, 0 (see return-stats.test.ts)
const ROWS = [
  [110, 55],
  [99, 0],
  [108.9, 54.45],
  [108.9, 0],
] as const;
const SD = Math.sqrt(0.0275 / 3);

describe('computeMetrics on a hand-computed run', () => {
  const m = computeMetrics(
    input({
      equity: curve(100, ROWS),
      trades: [10, -5, 20, 0, -15]
        .map((pnl, i) => ({ pnl, isOpen: false, barsHeld: [3, 1, 5, 2, 4][i]! }))
        .concat([{ pnl: 100, isOpen: true, barsHeld: 7 }]),
      orders: [
        { filledQty: 10, avgFillPrice: 100, fees: 1.5 },
        { filledQty: 10, avgFillPrice: 110, fees: 2 },
        { filledQty: 0, avgFillPrice: NaN, fees: 0 },
      ],
      benchmark: { close: [50, 55, 49.5, 54.45] },
      slippagePaid: 0.75,
    }),
  );

  it('has every key of DESIGN.md, in order, then the extra metrics', () => {
    expect(Object.keys(m).slice(0, METRIC_KEYS.length)).toEqual([...METRIC_KEYS]);
    expect(Object.keys(m).slice(METRIC_KEYS.length, METRIC_KEYS.length + EXTRA_METRIC_KEYS.length)).toEqual([
      ...EXTRA_METRIC_KEYS,
    ]);
  });

  it('computes the return metrics', () => {
    expect(m.total_return).toBeCloseTo(0.089, 14); // 108.9 / 100 - 1
    expect(m.cagr).toBeCloseTo(1.089 ** 63 - 1, 10); // 4 returns = 4/252 years
    expect(m.ann_volatility).toBeCloseTo(SD * Math.sqrt(252), 13);
    expect(m.sharpe).toBeCloseTo((0.025 / SD) * Math.sqrt(252), 12);
    expect(m.sortino).toBeCloseTo(0.5 * Math.sqrt(252), 12);
    expect(m.max_drawdown).toBeCloseTo(-0.1, 14); // 99 / 110 - 1
    expect(m.max_drawdown_duration_days).toBe(3); // peak on day 0, not recovered by day 3
    expect(m.calmar).toBeCloseTo((1.089 ** 63 - 1) / 0.1, 8);
  });

  it('computes the benchmark metrics from the second row on', () => {
    // benchmark returns NaN, 0.1, -0.1, 0.1: beta -0.75 (return-stats.test.ts)
    expect(m.beta).toBeCloseTo(-0.75, 13);
    expect((m.alpha ?? 0) / (1.025 ** 252 - 1)).toBeCloseTo(1, 10);
    expect(m.information_ratio).toBeCloseTo((-0.1 / 3 / Math.sqrt(0.13 / 3)) * Math.sqrt(252), 12);
  });

  it('computes the trade metrics over closed trades', () => {
    // closed P&L 10, -5, 20, 0, -15: 2 wins of 5; mean win 15, mean loss 10; 30 won / 20 lost
    expect(m.trades).toBe(5);
    expect(m.open_trades).toBe(1);
    expect(m.hit_rate).toBe(0.4);
    expect(m.win_loss_ratio).toBe(1.5);
    expect(m.profit_factor).toBe(1.5);
    expect(m.avg_win).toBe(15); // (10 + 20) / 2
    expect(m.avg_loss).toBe(-10); // (-5 - 15) / 2
    expect(m.expectancy).toBe(2); // 10 / 5
    // deviations from 2: 8, -7, 18, -2, -17; squares sum 730; sample variance 730 / 4 = 182.5
    expect(m.sqn).toBeCloseTo((Math.sqrt(5) * 2) / Math.sqrt(182.5), 14);
    expect(m.avg_bars_held).toBe(3); // (3 + 1 + 5 + 2 + 4) / 5, the open trade left out
  });

  it('adds up fees and the slippage the record carries', () => {
    expect(m.fees_paid).toBe(3.5);
    expect(m.slippage_paid).toBe(0.75);
  });

  it('measures tracking error and the drawdown length in rows', () => {
    // active returns -0.2, 0.2, -0.1: sample variance 0.13 / 3 (return-stats.test.ts)
    expect(m.tracking_error).toBeCloseTo(Math.sqrt(0.13 / 3) * Math.sqrt(252), 12);
    expect(m.max_drawdown_duration_periods).toBe(3);
  });

  it('computes turnover and exposure', () => {
    // traded 10*100 + 10*110 = 2100; one-way 1050; mean equity (110 + 99 + 108.9 + 108.9)/4 = 426.8/4; years 4/252
    expect(m.turnover).toBeCloseTo(1050 / (426.8 / 4) / (4 / 252), 10);
    // gross / equity per row: 0.5, 0, 0.5, 0
    expect(m.exposure).toBeCloseTo(0.25, 15);
    expect(m.time_in_market).toBe(0.5);
  });

  it('computes PSR from the per-period Sharpe ratio, skewness and kurtosis, and DSR = PSR for one trial', () => {
    const sr = 0.025 / SD;
    const m2 = 0.0275 / 4;
    const skew = (2 * 0.075 ** 3 - 0.125 ** 3 - 0.025 ** 3) / 4 / m2 ** 1.5;
    const kurt = (2 * 0.075 ** 4 + 0.125 ** 4 + 0.025 ** 4) / 4 / m2 ** 2;
    const z = (sr * Math.sqrt(3)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr);
    expect(m.psr).toBeCloseTo(normCdf(z), 12);
    expect(m.dsr).toBe(m.psr);
    expect(m.trials).toBe(1);
    expect(m.null_reasons).toEqual({});
  });
});

describe('computeMetrics edge cases', () => {
  it('gives null with a reason for everything but trades when there is no row', () => {
    const m = computeMetrics(input({ equity: new EquityCurve(100) }));
    expect(m.trades).toBe(0);
    expect(m.periods).toBe(0);
    for (const k of ['total_return', 'cagr', 'sharpe', 'max_drawdown', 'psr', 'hit_rate'] as const)
      expect(m[k]).toBeNull();
    expect(m.null_reasons['total_return']).toBe('no equity rows');
    expect(m.null_reasons['hit_rate']).toBe('no closed trades');
  });

  it('needs two returns for the dispersion metrics', () => {
    const m = computeMetrics(input({ equity: curve(100, [[105, 0]]) }));
    expect(m.total_return).toBeCloseTo(0.05, 15);
    expect(m.cagr).toBeCloseTo(1.05 ** 252 - 1, 6);
    expect(m.max_drawdown).toBe(0);
    for (const k of ['ann_volatility', 'sharpe', 'sortino', 'psr', 'dsr'] as const) {
      expect(m[k]).toBeNull();
      expect(m.null_reasons[k]).toBe('needs at least 2 returns');
    }
  });

  it('reports zero variance, no downside and no drawdown as reasons', () => {
    const m = computeMetrics(
      input({
        equity: curve(100, [
          [100, 0],
          [100, 0],
          [100, 0],
        ]),
      }),
    );
    expect(m.ann_volatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.null_reasons['sharpe']).toBe('returns have zero variance');
    expect(m.null_reasons['sortino']).toMatch(/zero downside risk/);
    expect(m.null_reasons['calmar']).toBe('no drawdown');
    expect(m.null_reasons['psr']).toBe('returns have zero variance');
    expect(m.null_reasons['beta']).toBe('no benchmark');
    expect(m.exposure).toBe(0);
  });

  it('names the row when the equity curve holds a NaN, and keeps the trade metrics', () => {
    const m = computeMetrics(
      input({
        equity: curve(100, [
          [101, 0],
          [NaN, 0],
          [102, 0],
        ]),
        trades: [{ pnl: 5, isOpen: false }],
      }),
    );
    expect(m.sharpe).toBeNull();
    expect(m.total_return).toBeNull();
    expect(m.null_reasons['sharpe']).toBe('equity is not a finite number at row 2 (2024-01-02T00:00:00.000Z)');
    expect(m.turnover).toBeNull();
    expect(m.exposure).toBeNull();
    expect(m.null_reasons['exposure']).toBe(m.null_reasons['sharpe']);
    expect(m.hit_rate).toBe(1);
    expect(m.expectancy).toBe(5);
  });

  it('leaves every trade statistic null without a closed trade, and counts no fees without orders', () => {
    const m = computeMetrics(input({ equity: curve(100, ROWS), trades: [{ pnl: 3, isOpen: true, barsHeld: 2 }] }));
    expect(m.trades).toBe(0);
    expect(m.open_trades).toBe(1);
    for (const k of [
      'hit_rate',
      'avg_win',
      'avg_loss',
      'win_loss_ratio',
      'profit_factor',
      'expectancy',
      'sqn',
    ] as const) {
      expect(m[k]).toBeNull();
      expect(m.null_reasons[k]).toBe('no closed trades');
    }
    expect(m.null_reasons['avg_bars_held']).toBe('no closed trades');
    expect(m.fees_paid).toBe(0);
    expect(m.slippage_paid).toBeNull();
    expect(m.null_reasons['slippage_paid']).toMatch(/does not record it yet/);
  });

  it('needs two closed trades for SQN and says when bars held or fees are missing', () => {
    const m = computeMetrics(
      input({
        equity: curve(100, ROWS),
        trades: [{ pnl: -4, isOpen: false }],
        orders: [{ filledQty: 1, avgFillPrice: 100 }],
      }),
    );
    expect(m.expectancy).toBe(-4);
    expect(m.avg_loss).toBe(-4);
    expect(m.null_reasons['avg_win']).toBe('no winning trades');
    expect(m.null_reasons['sqn']).toBe('needs at least 2 closed trades');
    expect(m.null_reasons['avg_bars_held']).toBe('bars held not recorded');
    expect(m.null_reasons['fees_paid']).toBe('orders carry no fees');
  });

  it('reports why the loss-based trade ratios are null', () => {
    const m = computeMetrics(input({ equity: curve(100, ROWS), trades: [{ pnl: 5, isOpen: false }] }));
    expect(m.profit_factor).toBeNull();
    expect(m.null_reasons['profit_factor']).toBe('no losing trades');
    expect(m.null_reasons['win_loss_ratio']).toBe('no losing trades');
  });

  it('deflates the Sharpe ratio when trials and their variance are given, and asks for the variance otherwise', () => {
    const eq = curve(100, ROWS);
    const one = computeMetrics(input({ equity: eq }));
    const many = computeMetrics(input({ equity: eq }), { trials: 50, trialSharpeVariance: 0.01 });
    expect(many.dsr).toBeLessThan(one.dsr ?? 0);
    expect(many.psr).toBe(one.psr);
    const missing = computeMetrics(input({ equity: eq }), { trials: 50 });
    expect(missing.dsr).toBeNull();
    expect(missing.null_reasons['dsr']).toMatch(/variance of the trials/);
  });
});
