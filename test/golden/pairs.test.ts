/**
 * Golden runs of pairs-mean-reversion and pairs-momentum from their run files: on the synthetic
 * banks FRBX/OVLB as shipped, and on ORCL/NVDA 1999-2014 (../shared/data) without costs. Every
 * side change is checked against an independent recomputation from the raw rows
 * (pairs-reference.ts), and the first trades by hand: signal date, fill date, fill prices, sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGolden, goldenRun, type GoldenRun } from './harness.js';
import { pairRows, sideChanges, type SideChange } from './pairs-reference.js';
import { records, sharedBars, workspaceBars, type RawBars } from '../support/raw-bars.js';

const SIDE = { long: 1, short: -1, flat: 0 } as const;

/** Leg A's signals as side changes (leg A long = long spread), skipped ones left out. */
function sides(run: GoldenRun, a: string): { date: string; side: number }[] {
  return run.signals
    .slice(1)
    .filter((r) => r[2] === a && !r.join(',').includes('skipped'))
    .map((r) => ({ date: r[0] as string, side: SIDE[r[3] as keyof typeof SIDE] }));
}

/** Every order fills at the next row's open of its symbol (times `slip` for buys, / for sells). */
function expectNextOpenFills(run: GoldenRun, bars: Record<string, RawBars>, slip: number): void {
  const orders = records(run.orders);
  for (const o of orders) {
    const raw = bars[o.symbol as string] as RawBars;
    const next = raw.row(o.submitted_at?.slice(0, 10) as string) + 1;
    if (next >= raw.date.length) continue; // the last session: no fill
    expect(o.final_at).toBe(raw.date[next]);
    const k = o.side === 'buy' ? 1 + slip : 1 - slip;
    expect(Number(o.avg_fill_price)).toBeCloseTo((raw.open[next] as number) * k, 9);
  }
  // Both legs are ordered on the same bar: orders come in pairs with one submission time.
  for (let i = 0; i + 1 < orders.length; i += 2) {
    expect(orders[i]?.submitted_at).toBe(orders[i + 1]?.submitted_at);
    expect(orders[i]?.symbol).not.toBe(orders[i + 1]?.symbol);
  }
}

function matchesReference(run: GoldenRun, a: string, want: readonly SideChange[]): void {
  expect(sides(run, a)).toEqual(want.map((c) => ({ date: c.date, side: c.side })));
}

describe('golden: pairs on the synthetic banks FRBX/OVLB (run files as shipped)', () => {
  const runs: Record<string, GoldenRun> = {};
  beforeAll(async () => {
    runs.mr = await goldenRun('pairs-mean-reversion.yaml');
    runs.mom = await goldenRun('pairs-momentum.yaml');
  }, 60_000);

  it('enters, exits and fills where an independent recomputation from the raw rows says', () => {
    const mr = runs.mr as GoldenRun;
    const frbx = workspaceBars(mr.home, 'FRBX');
    const ovlb = workspaceBars(mr.home, 'OVLB');
    const rows = pairRows(frbx, ovlb, '2010-01-04');
    const wantMr = sideChanges(rows, 'mean-reversion');
    // The first: 2010-07-28, z -2.0009 (just past -2): long FRBX, short beta x OVLB.
    expect(wantMr[0]).toMatchObject({ date: '2010-07-28', side: 1 });
    expect(wantMr[0]?.z).toBeCloseTo(-2.0009, 4);
    matchesReference(mr, 'FRBX', wantMr);
    expectNextOpenFills(mr, { FRBX: frbx, OVLB: ovlb }, 0.0005);
    const mom = runs.mom as GoldenRun;
    const wantMom = sideChanges(rows, 'momentum');
    // 2010-07-28 is no momentum entry (z < -2 but FRBX outperformed OVLB over 60 bars); 2010-08-02 is.
    expect(wantMom[0]).toMatchObject({ date: '2010-08-02', side: -1 });
    matchesReference(mom, 'FRBX', wantMom);
    expectNextOpenFills(mom, { FRBX: frbx, OVLB: ovlb }, 0.0005);
  });

  it('sizes the first entry by the hedge ratio: beta shares of OVLB per share of FRBX', () => {
    // 2010-07-28: qty A = floor(100,000 / (close A + |beta| close B)), qty B = floor(100,000 x beta / (...)).
    const mr = runs.mr as GoldenRun;
    const frbx = workspaceBars(mr.home, 'FRBX');
    const ovlb = workspaceBars(mr.home, 'OVLB');
    const beta = sideChanges(pairRows(frbx, ovlb, '2010-01-04'), 'mean-reversion')[0]?.beta as number;
    const pa = frbx.close[frbx.row('2010-07-28')] as number;
    const pb = ovlb.close[ovlb.row('2010-07-28')] as number;
    const [sell, buy] = records(mr.orders);
    expect([sell?.symbol, sell?.side, Number(sell?.qty)]).toEqual(['OVLB', 'sell', Math.floor((1e5 * beta) / (pa + beta * pb))]); // prettier-ignore
    expect([buy?.symbol, buy?.side, Number(buy?.qty)]).toEqual(['FRBX', 'buy', Math.floor(1e5 / (pa + beta * pb))]);
    expect([sell?.qty, buy?.qty]).toEqual(['420', '902']);
  });

  it('match their golden files', () => {
    expectGolden('pairs-mean-reversion-synthetic', runs.mr as GoldenRun, 'config/strategy/pairs-mean-reversion.yaml as shipped (FRBX/OVLB, 2010-2024)'); // prettier-ignore
    expectGolden('pairs-momentum-synthetic', runs.mom as GoldenRun, 'config/strategy/pairs-momentum.yaml as shipped (FRBX/OVLB, 2010-2024)'); // prettier-ignore
  });
});

describe('golden: pairs on ORCL/NVDA 1999-2014 (no costs)', () => {
  const runs: Record<string, GoldenRun> = {};
  const orcl = sharedBars('orcl-1995-2014.txt');
  const nvda = sharedBars('nvda-1999-2014.txt');
  const rows = pairRows(orcl, nvda, '1999-01-22');
  beforeAll(async () => {
    const files = [
      { file: 'orcl-1995-2014.txt', symbol: 'ORCL' },
      { file: 'nvda-1999-2014.txt', symbol: 'NVDA' },
    ];
    const args = ['--symbols', 'ORCL,NVDA', '--param', 'pair=ORCL,NVDA', '--start', '1999-01-22', '--end', '2014-12-31', '--fees', 'none', '--slippage', 'none']; // prettier-ignore
    runs.mr = await goldenRun('pairs-mean-reversion.yaml', args, files);
    runs.mom = await goldenRun('pairs-momentum.yaml', args, files);
  }, 60_000);

  it('mean reversion: the first round trip read off the raw rows', () => {
    // 1999-11-19: ORCL 19.03125, NVDA 3.572917; the 60-row OLS slope is 4.3063, so the spread is
    //   19.03125 - 4.3063 x 3.572917 = 3.645, z -2.318 < -2: long the spread. One unit costs
    //   19.03125 + 4.3063 x 3.572917 = 34.417: buy floor(100,000 / 34.417) = 2,905 ORCL and sell
    //   floor(4.3063 x 2,905.5) = 12,512 NVDA, filled 1999-11-22 at the opens 18.921875 and 3.664058.
    // 2000-02-17: z -0.175, inside 0.5: both closed at the 2000-02-18 opens 30.84375 and 4.958333.
    const first = sideChanges(rows, 'mean-reversion').slice(0, 2);
    expect(first.map((c) => [c.date, c.side])).toEqual([
      ['1999-11-19', 1],
      ['2000-02-17', 0],
    ]);
    expect(first[0]?.beta).toBeCloseTo(4.3063, 4);
    expect(first[0]?.z).toBeCloseTo(-2.3179, 4);
    const o = records((runs.mr as GoldenRun).orders).slice(0, 4);
    expect(
      o.map((x) => [x.symbol, x.side, Number(x.qty), x.final_at, Number(Number(x.avg_fill_price).toFixed(6))]),
    ).toEqual([
      // prettier-ignore
      ['NVDA', 'sell', 12512, '1999-11-22', 3.664058],
      ['ORCL', 'buy', 2905, '1999-11-22', 18.921875],
      ['ORCL', 'sell', 2905, '2000-02-18', 30.84375],
      ['NVDA', 'buy', 12512, '2000-02-18', 4.958333],
    ]);
    const trades = records((runs.mr as GoldenRun).trades).slice(0, 2);
    const pnl = trades.map((t) => Number(t.pnl)).sort((x, y) => x - y);
    expect(pnl[0]).toBeCloseTo(-12_512 * (4.958333 - 3.664058), 6);
    expect(pnl[1]).toBeCloseTo(2_905 * (30.84375 - 18.921875), 6);
  });

  it('momentum: the first entry follows a spread above +2 with ORCL ahead of NVDA over 60 rows', () => {
    // 2000-02-25: z +3.30 > 2 and mom = ORCL's 60-row return - NVDA's = +0.316 > 0: long the spread,
    //   filled 2000-02-28 at the opens 35.625 (ORCL) and 5.072917 (NVDA).
    const first = sideChanges(rows, 'momentum')[0];
    expect(first?.date).toBe('2000-02-25');
    expect(first?.z).toBeCloseTo(3.301, 3);
    expect(rows.find((r) => r.date === '2000-02-25')?.mom).toBeCloseTo(0.3158, 4);
    const o = records((runs.mom as GoldenRun).orders).slice(0, 2);
    expect(o.map((x) => [x.symbol, x.side, x.final_at])).toEqual([
      ['NVDA', 'sell', '2000-02-28'],
      ['ORCL', 'buy', '2000-02-28'],
    ]);
  });

  it('every side change and fill agrees with the independent recomputation', () => {
    matchesReference(runs.mr as GoldenRun, 'ORCL', sideChanges(rows, 'mean-reversion'));
    matchesReference(runs.mom as GoldenRun, 'ORCL', sideChanges(rows, 'momentum'));
    expectNextOpenFills(runs.mr as GoldenRun, { ORCL: orcl, NVDA: nvda }, 0);
    expectNextOpenFills(runs.mom as GoldenRun, { ORCL: orcl, NVDA: nvda }, 0);
  });

  it('match their golden files', () => {
    expectGolden('pairs-mean-reversion-orcl-nvda', runs.mr as GoldenRun, 'config/strategy/pairs-mean-reversion.yaml with pair ORCL/NVDA, 1999-01-22..2014-12-31, no fees or slippage'); // prettier-ignore
    expectGolden('pairs-momentum-orcl-nvda', runs.mom as GoldenRun, 'config/strategy/pairs-momentum.yaml with pair ORCL/NVDA, 1999-01-22..2014-12-31, no fees or slippage'); // prettier-ignore
  });
});
