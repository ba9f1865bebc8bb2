import { describe, expect, it } from 'vitest';
import { BarSeries } from '../../src/core/bar.js';
import type { ConfigError } from '../../src/core/errors.js';
import { cryptoPair, equity } from '../../src/core/instrument.js';
import { dateToTs, tsToDate } from '../../src/data/schema.js';
import { runBacktest, type BacktestOptions } from '../../src/orchestration/node.js';
import { xsMomentum } from '../../src/strategies/builtin/xs-momentum.js';
import { validateParams } from '../../src/strategies/define.js';
import { flat } from '../backtest/support.js';

/**
 * 27 XNYS sessions from 2024-01-24: rows 0-5 are 2024-01-24..01-31 (01-31 the last session of
 * January), rows 6-25 the 20 sessions of February 2024 (02-19 is a holiday; 02-29 the last), row
 * 26 is 2024-03-01. Each symbol closes at 10 on rows 0-3 and at `x` from row 4 on.
 */
function universe(ends: Readonly<Record<string, number>>): BarSeries[] {
  return Object.entries(ends).map(([s, x]) => flat(s, [10, 10, 10, 10, ...Array<number>(23).fill(x)], '2024-01-24'));
}

function xs(series: readonly BarSeries[], params: Record<string, unknown>, extra: Partial<BacktestOptions> = {}) {
  const rec = runBacktest({
    strategy: 'xs-momentum',
    params,
    series,
    runId: 't',
    priceRounding: 'none',
    cash: 10_000,
    ...extra,
  });
  return {
    rec,
    orders: rec.orders.map((o) => `${tsToDate(o.createdAt)} ${o.side} ${o.qty} ${o.symbol}`),
  };
}

const ENDS = { AAA: 13, BBB: 12, CCC: 9, DDD: 11 };

describe('xs-momentum', () => {
  it('ranks by the lookback-to-skip return at the last session of each month, long the top, short the bottom', () => {
    const s = universe(ENDS);
    expect(tsToDate(s[0]?.ts[5] as number)).toBe('2024-01-31');
    expect(tsToDate(s[0]?.ts[25] as number)).toBe('2024-02-29');
    // lookback 3, skip 1: at row 5 (01-31) r = close[row 4] / close[row 2] - 1: AAA +30%, BBB +20%,
    // DDD +10%, CCC -10%. top 2, bottom 1: each leg is half of 10,000: AAA 0.25 x 10,000 / 13 =
    // 192.3 -> 192, BBB 2,500 / 12 = 208.3 -> 208, CCC -5,000 / 9 = -555.6 -> -555 (sells first).
    // Rows 1-4 and 6-24 are not month ends: no orders. At row 25 (02-29) every return is 11 / 11 - 1
    // = 0: a tie, ranked in symbol order AAA, BBB, CCC, DDD: CCC is bought back, DDD shorted:
    // -5,000 / 11 = -454.5 -> -454 (equity is still 10,000: flat bars, fills at unchanged prices).
    const r = xs(s, { lookback: 3, skip: 1, top: 2, bottom: 1 });
    expect(r.orders).toEqual([
      '2024-01-31 sell 555 CCC',
      '2024-01-31 buy 192 AAA',
      '2024-01-31 buy 208 BBB',
      '2024-02-29 sell 454 DDD',
      '2024-02-29 buy 555 CCC',
    ]);
    const jan = r.rec.signals.filter((g) => tsToDate(g.ts) === '2024-01-31');
    expect(jan.map((g) => [g.symbol, g.direction, g.targetWeight, g.meta.rank])).toEqual([
      ['AAA', 'long', 0.25, 1],
      ['BBB', 'long', 0.25, 2],
      ['CCC', 'short', -0.5, 4],
    ]);
  });

  it("follows the calendar's holidays: March 2024 ends on Thursday 03-28 (Good Friday is closed)", () => {
    const s = ['AAA', 'BBB'].map((sym, k) => flat(sym, [10, 11, 12, 13, 14, 15, 16, 17].map((c) => c * (k + 1)), '2024-03-20')); // prettier-ignore
    expect(tsToDate(s[0]?.ts[6] as number)).toBe('2024-03-28');
    expect(tsToDate(s[0]?.ts[7] as number)).toBe('2024-04-01');
    const r = xs(s, { lookback: 2, skip: 0, top: 1 });
    expect([...new Set(r.rec.signals.map((g) => tsToDate(g.ts)))]).toEqual(['2024-03-28']);
  });

  it('rebalances on the first session of the month with rebalance: first', () => {
    // First sessions: 02-01 (row 6) and 03-01 (row 26); 01-24 (row 0) is not one. At row 6,
    // r = close[row 5] / close[row 3] - 1, the same ranking as above. Long only (bottom 0): the top 2
    // get half of 10,000 each: AAA 5,000 / 13 = 384.6 -> 384, BBB 5,000 / 12 = 416.7 -> 416. At row
    // 26 all returns are 0: AAA and BBB (symbol order) stay, at their weights already (no orders).
    const r = xs(universe(ENDS), { lookback: 3, skip: 1, top: 2, rebalance: 'first' });
    expect(r.orders).toEqual(['2024-02-01 buy 384 AAA', '2024-02-01 buy 416 BBB']);
    expect(r.rec.signals.map((g) => tsToDate(g.ts))).toEqual(['2024-02-01', '2024-02-01', '2024-03-01', '2024-03-01']);
  });

  it('weights a leg by inverse volatility', () => {
    // AAA ends at 10e^0.2 (r = +22.1%), BBB at 10e^0.1 (+10.5%), DDD at 11 (+10%), CCC at 9. With a
    // 2-bar volatility window, at row 5 the log returns are ln(x / 10) and 0: sigma is proportional
    // to |ln(x / 10)|, 0.2 for AAA and 0.1 for BBB. Top 2: weights (1/0.2) : (1/0.1) = 1/3 : 2/3 of
    // 10,000: AAA 3,333.3 / 12.214 = 272.9 -> 272, BBB 6,666.7 / 11.052 = 603.2 -> 603.
    const s = universe({ AAA: 10 * Math.exp(0.2), BBB: 10 * Math.exp(0.1), CCC: 9, DDD: 11 });
    const r = xs(s, { lookback: 3, skip: 1, top: 2, weighting: 'inverse-vol', volWindow: 2 });
    expect(r.orders.slice(0, 2)).toEqual(['2024-01-31 buy 272 AAA', '2024-01-31 buy 603 BBB']);
    const w = r.rec.signals.slice(0, 2).map((g) => g.targetWeight);
    expect(w[0]).toBeCloseTo(1 / 3, 12);
    expect(w[1]).toBeCloseTo(2 / 3, 12);
  });

  it('rebalances once a month on a universe mixing calendars: the earliest month-end session', () => {
    // June 2024 ends on a Sunday: XNYS's last session is Friday 06-28, the 24/7 calendar's 06-30.
    // The strategy rebalances on 06-28 only (and on 05-31, a Friday, the last session of both).
    const days: string[] = [];
    for (let d = dateToTs('2024-05-20'); d <= dateToTs('2024-07-03'); d += 86_400_000) days.push(tsToDate(d));
    const crypto = BarSeries.fromBars(
      'BTC-USD',
      days.map((d, i) => ({
        ts: dateToTs(d),
        open: 100 + i,
        high: 100 + i,
        low: 100 + i,
        close: 100 + i,
        volume: 1e6,
      })),
    );
    const stock = flat('AAA', Array<number>(31).fill(50), '2024-05-20');
    const r = xs([stock, crypto], { lookback: 2, skip: 0, top: 1 }, {
      instrument: (s) => (s === 'BTC-USD' ? cryptoPair(s) : equity(s)),
    }); // prettier-ignore
    expect([...new Set(r.rec.signals.map((g) => tsToDate(g.ts)))]).toEqual(['2024-05-31', '2024-06-28']);
    // BTC-USD rises, AAA is flat: BTC-USD is the top 1 both times.
    expect(r.rec.signals.map((g) => `${g.symbol} ${g.direction}`)).toEqual(['BTC-USD long', 'BTC-USD long']);
  });

  it('rejects bad parameters with CONFIG_INVALID_VALUE naming the parameter', () => {
    const bad = (raw: Record<string, unknown>): ConfigError => {
      try {
        validateParams(xsMomentum, raw);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected an error');
    };
    expect(bad({ top: 0 }).context.key).toBe('params.top');
    const anchor = bad({ rebalance: 'mid' });
    expect(anchor.code).toBe('CONFIG_INVALID_VALUE');
    expect(anchor.message).toContain('parameter rebalance');
    expect(anchor.hint).toContain('first or last');
    expect(bad({ lookback: 21, skip: 21 }).message).toContain('skip (21) must be less than lookback (21)');
    expect(validateParams(xsMomentum, {})).toMatchObject({ lookback: 252, skip: 21, top: 5, rebalance: 'last' });
    // More symbols asked for than the run has: named at the start of the run.
    expect(() => xs(universe(ENDS), { top: 3, bottom: 2 })).toThrow(
      'top (3) + bottom (2) exceeds the 4 symbols of the run',
    );
  });
});
