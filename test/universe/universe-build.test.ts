import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/registry.js';
import { BarSeries } from '../../src/core/bar.js';
import { dateToTs, tsToDate, type IsoDate } from '../../src/core/dates.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from '../../src/universe/reference-files.js';
import { buildUniverse, type UniverseRow } from '../../src/universe/universe-build.js';
import { UNIVERSE_DEFAULTS, type UniverseConfig } from '../../src/universe/universe-config.js';

/**
 * The hand-built case: 12 symbols over 30 sessions. Every bar of a symbol has the same high and
 * low (H = P(1+h), L = P(1-h)) and closes alternating P(1+v), P(1-v) (v < h: inside the range), with volume chosen so
 * each bar trades exactly DV dollars. Then, by hand:
 * - ADV = DV;
 * - Corwin-Schultz on two bars with equal H and L: beta = 2x^2, gamma = x^2 (x = ln(H/L)),
 *   alpha = x(2 - sqrt 2)/K - x/sqrt K with K = 3 - 2 sqrt 2, i.e. alpha = x((2+sqrt2) - (sqrt2+1)) = x,
 *   so S = 2(H/L - 1)/(1 + H/L) = 2(H - L)/(H + L) = 2h: spread_bps = 2h * 1e4;
 * - 5 bars give 4 log returns +-r, r = ln((1+v)/(1-v)), mean 0, sample variance 4r^2/3:
 *   volatility = r sqrt(4/3) sqrt(252);
 * - price = the close of the bar before the date.
 */
const SESSIONS = getCalendar('XNYS').sessionDates('2024-03-01', '2024-04-30').slice(0, 30);
const D = SESSIONS[29] as IsoDate;
const SPLIT_EX = SESSIONS[26] as IsoDate;
const DIV_EX = SESSIONS[25] as IsoDate;

interface Spec {
  readonly p: number;
  readonly dv: number;
  readonly h: number;
  readonly v: number;
}

const SPECS: Record<string, Spec> = {
  AAA: { p: 100, dv: 50e6, h: 0.0005, v: 0.0001 },
  BBB: { p: 50, dv: 20e6, h: 0.001, v: 0.0002 },
  CCC: { p: 200, dv: 80e6, h: 0.00075, v: 0.00035 },
  DDD: { p: 30, dv: 5e6, h: 0.0015, v: 0.0003 },
  EEE: { p: 400, dv: 100e6, h: 0.0004, v: 0.00039 },
  FFF: { p: 75, dv: 10e6, h: 0.002, v: 0.00015 },
  SPL: { p: 40, dv: 30e6, h: 0.0006, v: 0.00025 }, // 2-for-1 split: 80 before SPLIT_EX
  DIV: { p: 20, dv: 60e6, h: 0.00125, v: 0 }, // $1 dividend: closes 21 before DIV_EX, 20 from it
  PNY: { p: 2, dv: 30e6, h: 0.001, v: 0.0002 }, // penny stock
  ILQ: { p: 20, dv: 200e3, h: 0.001, v: 0.0002 }, // illiquid
  NSH: { p: 60, dv: 40e6, h: 0.001, v: 0.0002 }, // not shortable
  ERN: { p: 90, dv: 70e6, h: 0.001, v: 0.0002 }, // earnings the day after D
};

function seriesOf(symbol: string, s: Spec, tweak?: (j: number) => number): BarSeries {
  const bars = SESSIONS.map((date, j) => {
    // Raw prices: before the split twice the price, before the dividend $1 higher.
    const base = symbol === 'SPL' && date < SPLIT_EX ? 2 * s.p : symbol === 'DIV' && date < DIV_EX ? s.p + 1 : s.p;
    const close = base * (1 + s.v * (j % 2 === 0 ? 1 : -1)) * (tweak?.(j) ?? 1);
    const high = Math.max(close, base * (1 + s.h));
    const low = Math.min(close, base * (1 - s.h));
    return { ts: dateToTs(date), open: close, high, low, close, volume: s.dv / close };
  });
  return BarSeries.fromBars(symbol, bars);
}

const asset = (symbol: string, over: Partial<AssetRecord> = {}): AssetRecord => ({
  symbol,
  asOf: '2024-01-02',
  name: symbol,
  exchange: 'NYSE',
  assetClass: 'us_equity',
  status: 'active',
  tradable: true,
  shortable: true,
  easyToBorrow: true,
  fractionable: true,
  marketCap: 5e9,
  listDate: '2000-01-03',
  delistDate: '',
  source: 'test',
  ...over,
});

const ASSETS = Object.keys(SPECS)
  .sort()
  .map((s) => asset(s, s === 'NSH' ? { shortable: false, easyToBorrow: false } : {}));
const EVENTS: ScheduledEvent[] = [
  { symbol: 'ERN', date: tsToDate(dateToTs(D) + 86_400_000), event: 'earnings', time: 'bmo' },
];
const ACTIONS: CorporateAction[] = [
  {
    symbol: 'SPL',
    type: 'split',
    exDate: SPLIT_EX,
    ratio: 2,
    cashAmount: NaN,
    newSymbol: '',
    recordDate: '',
    payDate: '',
    source: 'test',
  },
  {
    symbol: 'DIV',
    type: 'dividend',
    exDate: DIV_EX,
    ratio: NaN,
    cashAmount: 1,
    newSymbol: '',
    recordDate: '',
    payDate: '',
    source: 'test',
  },
];
const CONFIG: UniverseConfig = { ...UNIVERSE_DEFAULTS, lookback: 5, tiers: { core: 3, extended: 6 } };

const inputs = (tweak?: (symbol: string, j: number) => number) => ({
  series: Object.entries(SPECS).map(([sym, s]) =>
    seriesOf(sym, s, tweak === undefined ? undefined : (j) => tweak(sym, j)),
  ),
  assets: ASSETS,
  events: EVENTS,
  corporateActions: ACTIONS,
});

const rowOf = (rows: readonly UniverseRow[], s: string): UniverseRow => rows.find((r) => r.symbol === s) as UniverseRow;
const vol = (v: number): number => Math.log((1 + v) / (1 - v)) * Math.sqrt(4 / 3) * Math.sqrt(252);

describe('universe build: the hand-built 12-symbol case', () => {
  const day = buildUniverse(inputs(), [D], CONFIG)[0] as UniverseRow[];

  it('measures ADV, spread, price and volatility as derived by hand (split and dividend adjusted)', () => {
    for (const [sym, s] of Object.entries(SPECS)) {
      const r = rowOf(day, sym);
      expect(r.advUsd, sym).toBeCloseTo(s.dv, 0);
      expect(r.spreadBps, sym).toBeCloseTo(2 * s.h * 1e4, 6);
      // The bar before D is bar 28 (even): P(1+v).
      expect(r.price, sym).toBeCloseTo(s.p * (1 + s.v), 9);
      expect(r.volatility, sym).toBeCloseTo(vol(s.v), 9);
    }
    // Without the split in corporate-actions.csv, SPL's ex-date return (ln 1/2) shows as volatility.
    const raw = buildUniverse({ ...inputs(), corporateActions: [] }, [D], CONFIG)[0] as UniverseRow[];
    expect(rowOf(raw, 'SPL').volatility).toBeGreaterThan(5 * vol(SPECS.SPL?.v as number));
    expect(rowOf(raw, 'DIV').volatility).toBeGreaterThan(0);
  });

  it('excludes the penny stock, the illiquid name, the unshortable one and the earnings name, each with its reason', () => {
    expect(rowOf(day, 'PNY').reasons).toEqual(['price_below_min']);
    expect(rowOf(day, 'ILQ').reasons).toEqual(['adv_below_min']);
    expect(rowOf(day, 'NSH').reasons).toEqual(['not_shortable']);
    expect(rowOf(day, 'ERN').reasons).toEqual(['event_blackout']);
    // With shorting off, the unshortable name passes.
    const noShort = buildUniverse(inputs(), [D], { ...CONFIG, shorting: false })[0] as UniverseRow[];
    expect(rowOf(noShort, 'NSH').reasons).not.toContain('not_shortable');
    // Four sessions earlier the earnings date is more than 2 days away.
    const early = buildUniverse(inputs(), [SESSIONS[25] as IsoDate], CONFIG)[0] as UniverseRow[];
    expect(rowOf(early, 'ERN').reasons).not.toContain('event_blackout');
  });

  it('scores, tiers and buckets the 8 eligible names as ranked by hand', () => {
    // Ascending ranks (0..7) among the eligible eight:
    // ADV:    DDD FFF BBB SPL AAA DIV CCC EEE
    // spread: EEE AAA SPL CCC BBB DIV DDD FFF
    // vol:    DIV AAA FFF BBB SPL DDD CCC EEE
    // score = (0.5 advRank + 0.3 (7 - spreadRank) + 0.2 (7 - volRank)) / 7
    const expected: Record<string, number> = {
      AAA: (0.5 * 4 + 0.3 * 6 + 0.2 * 6) / 7,
      BBB: (0.5 * 2 + 0.3 * 3 + 0.2 * 4) / 7,
      CCC: (0.5 * 6 + 0.3 * 4 + 0.2 * 1) / 7,
      DDD: (0.5 * 0 + 0.3 * 1 + 0.2 * 2) / 7,
      EEE: (0.5 * 7 + 0.3 * 7 + 0.2 * 0) / 7,
      FFF: (0.5 * 1 + 0.3 * 0 + 0.2 * 5) / 7,
      SPL: (0.5 * 3 + 0.3 * 5 + 0.2 * 3) / 7,
      DIV: (0.5 * 5 + 0.3 * 2 + 0.2 * 7) / 7,
    };
    for (const [sym, score] of Object.entries(expected)) expect(rowOf(day, sym).score, sym).toBeCloseTo(score, 12);
    // By score: EEE 5.6, AAA 5.0, DIV 4.5 | CCC 4.4, SPL 3.6, BBB 2.7 | FFF 1.5, DDD 0.7 (x 1/7).
    const tiers = Object.fromEntries(day.map((r) => [r.symbol, r.tier]));
    expect(tiers).toMatchObject({
      EEE: 'core',
      AAA: 'core',
      DIV: 'core',
      CCC: 'extended',
      SPL: 'extended',
      BBB: 'extended',
    });
    expect([rowOf(day, 'FFF').reasons, rowOf(day, 'DDD').reasons]).toEqual([
      ['below_extended_cutoff'],
      ['below_extended_cutoff'],
    ]);
    expect(day.filter((r) => r.included).map((r) => r.symbol)).toEqual(['AAA', 'BBB', 'CCC', 'DIV', 'EEE', 'SPL']);
    // Terciles of 8 by volatility: floor(3i/8) = 0,0,0,1,1,1,2,2.
    const buckets = Object.fromEntries(day.filter((r) => r.volBucket !== '').map((r) => [r.symbol, r.volBucket]));
    expect(buckets).toEqual({
      DIV: 'low',
      AAA: 'low',
      FFF: 'low',
      BBB: 'medium',
      SPL: 'medium',
      DDD: 'medium',
      CCC: 'high',
      EEE: 'high',
    });
  });

  it('never changes a past membership when later bars change (no lookahead)', () => {
    const dates = SESSIONS.slice(20, 30) as IsoDate[];
    const base = buildUniverse(inputs(), dates, CONFIG);
    // Scramble every bar from session 24 on: the universes of sessions up to 24 must not move.
    const scrambled = buildUniverse(
      inputs((sym, j) => (j >= 24 ? 1 + ((sym.charCodeAt(0) * 7 + j * 13) % 17) / 10 : 1)),
      dates,
      CONFIG,
    );
    for (let i = 0; i < dates.length; i++) {
      if ((dates[i] as IsoDate) <= (SESSIONS[24] as IsoDate)) expect(scrambled[i], dates[i]).toEqual(base[i]);
    }
    // ...and the scramble does show from session 25 (the test can fail).
    expect(scrambled[5]).not.toEqual(base[5]);
  });

  it('keeps a symbol out before its listing, from its delist date, and without a record reported before the date', () => {
    const assets = ASSETS.map((a) =>
      a.symbol === 'AAA' ? { ...a, delistDate: D } : a.symbol === 'BBB' ? { ...a, asOf: D } : a,
    );
    const day2 = buildUniverse({ ...inputs(), assets }, [D], CONFIG)[0] as UniverseRow[];
    expect(rowOf(day2, 'AAA').reasons).toEqual(['not_listed']);
    expect(rowOf(day2, 'BBB').reasons).toEqual(['no_reference']);
  });
});
