import { describe, expect, it } from 'vitest';
import { tradeStats } from '../../../src/analytics/metrics/trade-stats.js';

describe('tradeStats', () => {
  it('computes the statistics of closed trades by hand', () => {
    // P&L 50, -20, 30, -10, 0: wins 80 over 2, losses -30 over 2, a flat trade counts only as a trade
    const s = tradeStats([50, -20, 30, -10, 0], [10, 2, 6, 4, 3]);
    expect([s.trades, s.wins, s.losses]).toEqual([5, 2, 2]);
    expect(s.values.hit_rate).toBe(0.4);
    expect(s.values.avg_win).toBe(40);
    expect(s.values.avg_loss).toBe(-15);
    expect(s.values.win_loss_ratio).toBeCloseTo(40 / 15, 15);
    expect(s.values.profit_factor).toBeCloseTo(80 / 30, 15);
    // expectancy = 50 / 5 = 10 = 0.4 * 40 + 0.4 * (-15) + 0.2 * 0
    expect(s.values.expectancy).toBe(10);
    // deviations 40, -30, 20, -20, -10: squares 1600 + 900 + 400 + 400 + 100 = 3400, / 4 = 850
    expect(s.values.sqn).toBeCloseTo((Math.sqrt(5) * 10) / Math.sqrt(850), 14);
    expect(s.values.avg_bars_held).toBe(5);
    expect(s.reasons).toEqual({});
  });

  it('says why ratios that need a loss are undefined when every trade wins', () => {
    const s = tradeStats([5, 7]);
    expect(s.values.profit_factor).toBeNaN();
    expect(s.reasons.profit_factor).toBe('no losing trades');
    expect(s.reasons.avg_loss).toBe('no losing trades');
    expect(s.reasons.avg_bars_held).toBe('bars held not recorded');
    expect(s.values.sqn).toBeCloseTo((Math.sqrt(2) * 6) / Math.sqrt(2), 14);
  });

  it('names the first trade with a non-finite P&L', () => {
    const s = tradeStats([5, NaN, 3]);
    expect(s.values.hit_rate).toBeNaN();
    expect(s.reasons.expectancy).toBe('closed trade 2 has a non-finite pnl');
  });
});
