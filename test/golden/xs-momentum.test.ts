/**
 * Golden runs of xs-momentum from config/strategy/xs-momentum.yaml: on the synthetic equities as
 * shipped, and on ORCL and NVDA 1999-2014 (../shared/data) with top 1 and no costs. Rebalances,
 * rankings, sizes and fills are checked against the raw bars.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGolden, goldenRun, type GoldenRun } from './harness.js';
import { records, sharedBars, workspaceBars, type RawBars } from '../support/raw-bars.js';

/** The 12-1 month return at row i: close 21 rows back over close 252 rows back. */
function mom(raw: RawBars, i: number): number {
  return (raw.close[i - 21] as number) / (raw.close[i - 252] as number) - 1;
}

const EQUITIES = 'ZNTX VXLY QBIQ HLXO FRBX LDGX OVLB KSTX PTRQ DRLQ SNFX GRDQ CRXV MDVQ BQGN BRWQ HRTQ PNTQ'.split(' ');

describe('golden: xs-momentum on the synthetic equities (YAML as shipped)', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('xs-momentum.yaml');
  }, 60_000);

  it('first rebalances at the last session of January 2011, buying the top 5 of 18 at 1/5 of equity each', () => {
    // The run starts 2010-01-04 (row 0); row 252 (2011-01-03) is the first with a 252-bar history,
    // and 2011-01-31 (row 271) the first month end after it. By the 12-1 month return from the raw
    // files the top 5 are BQGN (+57.3%), ZNTX (+44.8%), CRXV (+11.0%), VXLY (+3.8%), OVLB (+0.04%).
    const ranked = EQUITIES.map((s) => {
      const raw = workspaceBars(run.home, s);
      return { s, raw, i: raw.row('2011-01-31') };
    }).sort((a, b) => mom(b.raw, b.i) - mom(a.raw, a.i));
    expect(ranked[0]?.i).toBe(271);
    const top = ranked.slice(0, 5);
    expect(top.map((t) => t.s)).toEqual(['BQGN', 'ZNTX', 'CRXV', 'VXLY', 'OVLB']);
    const first = records(run.orders).filter((o) => o.submitted_at?.startsWith('2011-01-31'));
    expect(first.map((o) => o.symbol).sort()).toEqual(top.map((t) => t.s).sort());
    for (const o of first) {
      const t = top.find((x) => x.s === o.symbol);
      const { raw, i } = t as (typeof top)[number];
      // 0.2 x 100,000 at the signal close, down to whole shares; filled 2011-02-01 at the open + 5 bps.
      expect([o.side, Number(o.qty), o.final_at]).toEqual(['buy', Math.floor(20_000 / (raw.close[i] as number)), '2011-02-01']); // prettier-ignore
      expect(Number(o.avg_fill_price)).toBeCloseTo((raw.open[i + 1] as number) * 1.0005, 9);
    }
    // BQGN by hand: close 2011-01-31 = 286.20 -> floor(20,000 / 286.20) = floor(69.9) = 69 shares.
    expect(first.find((o) => o.symbol === 'BQGN')?.qty).toBe('69');
  });

  it('trades only at month ends', () => {
    const zntx = workspaceBars(run.home, 'ZNTX');
    for (const o of records(run.orders)) {
      const i = zntx.row(o.submitted_at?.slice(0, 10) as string);
      expect(zntx.date[i + 1]?.slice(0, 7), o.submitted_at).not.toBe(zntx.date[i]?.slice(0, 7));
    }
  });

  it('matches its golden file', () => {
    expectGolden('xs-momentum-synthetic', run, 'config/strategy/xs-momentum.yaml as shipped (18 synthetic equities, 2010-2024)'); // prettier-ignore
  });
});

describe('golden: xs-momentum top 1 of ORCL and NVDA, 1999-2014 (no costs)', () => {
  let run: GoldenRun;
  const orcl = sharedBars('orcl-1995-2014.txt');
  const nvda = sharedBars('nvda-1999-2014.txt');
  beforeAll(async () => {
    run = await goldenRun(
      'xs-momentum.yaml',
      ['--symbols', 'ORCL,NVDA', '--start', '1999-01-22', '--end', '2014-12-31', '--fees', 'none', '--slippage', 'none', '--param', 'top=1'], // prettier-ignore
      [
        { file: 'orcl-1995-2014.txt', symbol: 'ORCL' },
        { file: 'nvda-1999-2014.txt', symbol: 'NVDA' },
      ],
    );
  }, 60_000);

  it('holds the winner of the first rebalances read off the raw files by hand', () => {
    // From 1999-01-22 (NVDA's first row), 2000-01-21 is the first row with 252 rows before it.
    // 2000-01-31: ORCL 27.84375 (1999-12-30) / 9.854167 (1999-02-01) - 1 = +182.6%; NVDA 3.864583 /
    //   1.614583 - 1 = +139.4% -> ORCL: floor(100,000 / 24.976549) = 4,003, filled 2000-02-01 at 25.625.
    //   Cash is then 100,000 - 102,576.875 = -2,576.875.
    // 2000-02-29: ORCL again; equity / close gives 70 shares fewer (the fill was above the signal
    //   close): sell 70 at the 2000-03-01 open 36.875. Cash 4.375, 3,933 shares.
    // 2000-06-30: NVDA 9.776042 (2000-06-01) / 1.619792 (1999-07-02) - 1 = +503.5% beats ORCL 38.9375
    //   / 9.609375 - 1 = +305.2%: sell the 3,933 ORCL at the 2000-07-03 open 40.5625; equity at the
    //   06-30 close 4.375 + 3,933 x 42.03125 = 165,313.27 buys floor(165,313.27 / 10.59375) = 15,604
    //   NVDA at 10.666667.
    const orders = records(run.orders).slice(0, 4);
    expect(
      orders.map((o) => [
        o.symbol,
        o.side,
        Number(o.qty),
        o.submitted_at?.slice(0, 10),
        o.final_at,
        Number(o.avg_fill_price),
      ]),
    ).toEqual([
      // prettier-ignore
      ['ORCL', 'buy', 4003, '2000-01-31', '2000-02-01', 25.625],
      ['ORCL', 'sell', 70, '2000-02-29', '2000-03-01', 36.875],
      ['ORCL', 'sell', 3933, '2000-06-30', '2000-07-03', 40.5625],
      ['NVDA', 'buy', 15604, '2000-06-30', '2000-07-03', 10.666667],
    ]);
  });

  it('holds the higher 12-1 month return at every month end (an independent loop over the raw rows)', () => {
    const o0 = orcl.row('1999-01-22');
    const want: string[] = [];
    for (let i = 252; i < nvda.date.length; i++) {
      const d = nvda.date[i] as string;
      const isMonthEnd = i === nvda.date.length - 1 || nvda.date[i + 1]?.slice(0, 7) !== d.slice(0, 7);
      // 2014-12-31 is the last session of its month by the calendar (the file just ends there).
      if (!isMonthEnd) continue;
      expect(orcl.date[o0 + i]).toBe(d); // the two files share their sessions from 1999-01-22
      const winner = mom(orcl, o0 + i) > mom(nvda, i) ? 'ORCL' : 'NVDA';
      want.push(`${d} ${winner}`);
    }
    const held = run.signals
      .slice(1)
      .filter((r) => r[3] === 'long')
      .map((r) => `${r[0]} ${r[2]}`);
    expect(held).toEqual(want);
    expect(want).toHaveLength(180); // February 2000 .. December 2014
  });

  it('matches its golden file', () => {
    expectGolden('xs-momentum-orcl-nvda', run, 'config/strategy/xs-momentum.yaml with top=1 on ORCL and NVDA 1999-01-22..2014-12-31, no fees or slippage'); // prettier-ignore
  });
});
