/**
 * Golden runs of ts-momentum from config/strategy/ts-momentum.yaml: on the synthetic equities as
 * shipped, and on ORCL 1995-2014 (../shared/data) without costs. Trades are checked against the
 * raw bars: the signal date (the order's submission at that session's close), the fill date (the
 * next session) and the fill price (its open, plus or minus the 5 bps slippage of the YAML).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGolden, goldenRun, type GoldenRun } from './harness.js';
import { records, sharedBars, workspaceBars } from '../support/raw-bars.js';

/** Annualized sample standard deviation of the `window` log returns ending at row `i` (252 a year). */
function sigma(close: readonly number[], i: number, window: number): number {
  const r: number[] = [];
  for (let k = i - window + 1; k <= i; k++) r.push(Math.log((close[k] as number) / (close[k - 1] as number)));
  const mean = r.reduce((a, b) => a + b, 0) / window;
  return Math.sqrt((r.reduce((a, b) => a + (b - mean) ** 2, 0) / (window - 1)) * 252);
}

describe('golden: ts-momentum on the synthetic equities (YAML as shipped)', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('ts-momentum.yaml');
  }, 60_000);

  it('opens the first positions on the first session with a 252-bar return, sized to 40% volatility', () => {
    // The run starts 2010-01-04 (row 0); row 252 is 2011-01-03, the first bar with a 252-bar return.
    // BQGN: 281.37 / 191.88 - 1 = +0.4664 -> long. sigma (60 log returns to row 252) = 0.45445, weight
    //   min(1, 0.4 / 0.45445) / 18 = 0.048899, qty floor(0.048899 x 100,000 / 281.37) = floor(17.38) = 17;
    //   filled 2011-01-04 at its open 277.14 x 1.0005 = 277.27857; fee 1 bp = 0.4714.
    // BRWQ: 84.03 / 102.40 - 1 = -0.1794 -> short. sigma 0.14979, 0.4 / 0.14979 > 1: weight 1 / 18,
    //   qty floor(5,555.56 / 84.03) = 66; filled at 82.78 x 0.9995 = 82.73861.
    const orders = records(run.orders);
    const bq = orders.find((o) => o.symbol === 'BQGN');
    const bw = orders.find((o) => o.symbol === 'BRWQ');
    expect([bq?.side, bq?.qty, bq?.submitted_at, bq?.final_at]).toEqual(['buy', '17', '2011-01-03T21:00:00Z', '2011-01-04']); // prettier-ignore
    expect(Number(bq?.avg_fill_price)).toBeCloseTo(277.14 * 1.0005, 9);
    expect(Number(bq?.fees)).toBeCloseTo(17 * 277.14 * 1.0005 * 1e-4, 9);
    expect([bw?.side, bw?.qty, bw?.final_at]).toEqual(['sell', '66', '2011-01-04']);
    expect(Number(bw?.avg_fill_price)).toBeCloseTo(82.78 * 0.9995, 9);
    // The same from the raw file, for every symbol's first order: side from the return's sign,
    // size from an independent volatility, price from the next open.
    for (const o of orders.filter((x, k, all) => all.findIndex((y) => y.symbol === x.symbol) === k)) {
      const raw = workspaceBars(run.home, o.symbol as string);
      expect(raw.date[252]).toBe('2011-01-03');
      const mom = (raw.close[252] as number) / (raw.close[0] as number) - 1;
      const w = Math.min(1, 0.4 / sigma(raw.close, 252, 60)) / 18;
      expect(o.side).toBe(mom > 0 ? 'buy' : 'sell');
      expect(Number(o.qty)).toBe(Math.floor((w * 100_000) / (raw.close[252] as number)));
      expect(Number(o.avg_fill_price)).toBeCloseTo((raw.open[253] as number) * (mom > 0 ? 1.0005 : 0.9995), 9);
    }
  });

  it('matches its golden file', () => {
    expectGolden('ts-momentum-synthetic', run, 'config/strategy/ts-momentum.yaml as shipped (18 synthetic equities, 2010-2024)'); // prettier-ignore
  });
});

describe('golden: ts-momentum on ORCL 1995-2014 (no costs)', () => {
  let run: GoldenRun;
  const orcl = sharedBars('orcl-1995-2014.txt');
  beforeAll(async () => {
    run = await goldenRun(
      'ts-momentum.yaml',
      ['--symbols', 'ORCL', '--start', '1995-01-03', '--end', '2014-12-31', '--fees', 'none', '--slippage', 'none'],
      [{ file: 'orcl-1995-2014.txt', symbol: 'ORCL' }],
    );
  }, 60_000);

  it('trades the first round trips read off the raw file by hand', () => {
    // Row 252 (1996-01-02, close 3.203704) is the first with a 252-bar return: / 2.117284 (1995-01-03)
    //   - 1 = +0.5131 -> long; weight min(1, 0.4 / 0.44615) = 0.89656 of 100,000 at 3.203704 = 27,985.5
    //   -> buy 27,985, filled 1996-01-03 at its open 3.148148.
    // 1997-11-24 (close 5.416667) against 1996-11-25 (close 5.527778): -0.0201 -> short: sell the
    //   27,985 and 23,915 more (51,900), filled 1997-11-25 at its open 5.604167.
    // 1997-11-25 (close 5.572917) against 1996-11-26 (close 5.500000): +0.0133 -> long again, filled
    //   1997-11-26 at its open 5.635417.
    const orders = records(run.orders).slice(0, 3);
    expect(orders.map((o) => [o.side, o.submitted_at?.slice(0, 10), o.final_at, Number(o.avg_fill_price)])).toEqual([
      ['buy', '1996-01-02', '1996-01-03', 3.148148],
      ['sell', '1997-11-24', '1997-11-25', 5.604167],
      ['buy', '1997-11-25', '1997-11-26', 5.635417],
    ]);
    expect(Number(orders[0]?.qty)).toBe(27_985);
    expect(Math.floor((Math.min(1, 0.4 / sigma(orcl.close, 252, 60)) * 100_000) / 3.203704)).toBe(27_985);
    const first = records(run.trades)[0];
    expect([first?.direction, first?.entry_time, first?.exit_time, first?.qty]).toEqual(['long', '1996-01-03', '1997-11-25', '27985']); // prettier-ignore
    expect(Number(first?.pnl)).toBeCloseTo(27_985 * (5.604167 - 3.148148), 6);
  });

  it('signals exactly where the sign of the 252-bar return changes (an independent loop over the raw rows)', () => {
    const want: string[] = [];
    let state = 0; // every symbol starts flat
    for (let i = 252; i < orcl.close.length; i++) {
      // Prices have 6 decimals: compare them in integer micro-dollars.
      const d = Math.round((orcl.close[i] as number) * 1e6) - Math.round((orcl.close[i - 252] as number) * 1e6);
      const s = Math.sign(d);
      if (s !== state) want.push(`${orcl.date[i]} ${s > 0 ? 'long' : s < 0 ? 'short' : 'flat'}`);
      state = s;
    }
    expect(run.signals.slice(1).map((r) => `${r[0]} ${r[3]}`)).toEqual(want);
    // Every signal but the last (2014-12-31 has no next session) fills at the next row's open.
    const orders = records(run.orders);
    expect(orders).toHaveLength(want.length);
    for (const o of orders.slice(0, -1)) {
      const next = orcl.row(o.submitted_at?.slice(0, 10) as string) + 1;
      expect(o.final_at).toBe(orcl.date[next]);
      expect(Number(o.avg_fill_price)).toBeCloseTo(orcl.open[next] as number, 9);
    }
  });

  it('matches its golden file', () => {
    expectGolden('ts-momentum-orcl', run, 'config/strategy/ts-momentum.yaml on ORCL 1995-01-03..2014-12-31, no fees or slippage'); // prettier-ignore
  });
});
