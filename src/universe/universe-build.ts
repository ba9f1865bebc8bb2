/**
 * The morning universe build (seed 004): for each session D, every symbol of the reference data
 * is measured and filtered from what was known at the close of the session before D — bars
 * strictly before D, asset records reported (`as_of`) before D, and the schedule of events — so
 * a universe never depends on D's own prices or on anything later (no lookahead). Pure: the
 * CLI (universe-run.ts) reads the files and writes the outputs.
 */
import { corwinSchultzSpreads } from '../analytics/features/microstructure.js';
import type { BarSeries } from '../core/bar.js';
import { dateToTs, type IsoDate } from '../core/dates.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from './reference-files.js';
import type { UniverseConfig } from './universe-config.js';

export const Tier = { Core: 'core', Extended: 'extended', None: '' } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

export const VolBucket = { Low: 'low', Medium: 'medium', High: 'high', None: '' } as const;
export type VolBucket = (typeof VolBucket)[keyof typeof VolBucket];

/** Why a symbol is not in the universe on a date; several can hold (joined with `;` in files). */
export const ExclusionReason = {
  NoReference: 'no_reference',
  NotListed: 'not_listed',
  NotTradable: 'not_tradable',
  InsufficientHistory: 'insufficient_history',
  PriceBelowMin: 'price_below_min',
  PriceAboveMax: 'price_above_max',
  AdvBelowMin: 'adv_below_min',
  SpreadAboveMax: 'spread_above_max',
  MarketCapBelowMin: 'market_cap_below_min',
  NotShortable: 'not_shortable',
  EventBlackout: 'event_blackout',
  BelowExtendedCutoff: 'below_extended_cutoff',
} as const;
export type ExclusionReason = (typeof ExclusionReason)[keyof typeof ExclusionReason];

export interface UniverseRow {
  readonly date: IsoDate;
  readonly symbol: string;
  readonly included: boolean;
  readonly tier: Tier;
  /** Liquidity score in [0, 1] among the symbols that passed every filter; NaN otherwise. */
  readonly score: number;
  readonly advUsd: number;
  readonly spreadBps: number;
  /** The last close before the date. */
  readonly price: number;
  /** Annualized (sqrt 252) sample standard deviation of daily log returns. */
  readonly volatility: number;
  readonly volBucket: VolBucket;
  readonly reasons: readonly ExclusionReason[];
}

export interface UniverseInputs {
  /** Daily bars, one series per symbol (ts: the session date at 00:00 UTC). */
  readonly series: readonly BarSeries[];
  /** Sorted as readAssets sorts them (symbol, then as_of). */
  readonly assets: readonly AssetRecord[];
  readonly events: readonly ScheduledEvent[];
  /** Splits and cash dividends: spread and volatility are measured on adjusted prices. */
  readonly corporateActions?: readonly CorporateAction[];
}

const DAY_MS = 86_400_000;
const ANNUALIZE = Math.sqrt(252);

interface Prepared {
  readonly series: BarSeries | undefined;
  /** Corwin-Schultz two-day estimates (index t: bars t-1, t), on adjusted prices. */
  readonly cs: Float64Array | undefined;
  /** Closes adjusted for splits and dividends (for returns); raw closes when there are none. */
  readonly adjClose: Float64Array | undefined;
  /** Asset records of the symbol, by as_of. */
  readonly records: readonly AssetRecord[];
  readonly eventDays: readonly number[];
  /** Bars strictly before the date being built (dates ascend, so it only moves forward). */
  cursor: number;
}

/** Builds the universe of each date (ascending ISO dates); rows per date sorted by symbol. */
export function buildUniverse(
  inputs: UniverseInputs,
  dates: readonly IsoDate[],
  config: UniverseConfig,
): UniverseRow[][] {
  const out: UniverseRow[][] = [];
  eachUniverseDay(inputs, dates, config, (rows) => out.push(rows));
  return out;
}

/**
 * Builds date by date (ascending), handing each day's rows to `onDay` without keeping them: a
 * year of 5,000 symbols is 1.26 M rows, which the garbage collector would otherwise carry.
 */
export function eachUniverseDay(
  inputs: UniverseInputs,
  dates: readonly IsoDate[],
  config: UniverseConfig,
  onDay: (rows: UniverseRow[]) => void,
): void {
  const prepared = prepare(inputs, config);
  for (const d of [...dates].sort()) onDay(buildDay(prepared, d, config));
}

function prepare(inputs: UniverseInputs, config: UniverseConfig): Map<string, Prepared> {
  const out = new Map<string, Prepared>();
  const get = (symbol: string): Prepared => {
    let p = out.get(symbol);
    if (p === undefined) {
      p = { series: undefined, cs: undefined, adjClose: undefined, records: [], eventDays: [], cursor: 0 };
      out.set(symbol, p);
    }
    return p;
  };
  for (const r of inputs.assets) (get(r.symbol).records as AssetRecord[]).push(r);
  const actions = new Map<string, CorporateAction[]>();
  for (const a of inputs.corporateActions ?? []) {
    if (a.type === 'symbol_change') continue;
    let list = actions.get(a.symbol);
    if (list === undefined) actions.set(a.symbol, (list = []));
    list.push(a);
  }
  for (const s of inputs.series) {
    const p = get(s.symbol);
    const adj = adjusted(s, actions.get(s.symbol) ?? []);
    out.set(s.symbol, {
      ...p,
      series: s,
      adjClose: adj.close,
      cs: config.spreadEstimator === 'corwin-schultz' ? corwinSchultzSpreads(adj.high, adj.low, adj.close) : undefined,
    });
  }
  for (const e of inputs.events) (get(e.symbol).eventDays as number[]).push(dateToTs(e.date as IsoDate) / DAY_MS);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

interface Measured {
  symbol: string;
  reasons: ExclusionReason[];
  advUsd: number;
  spreadBps: number;
  price: number;
  volatility: number;
  score: number;
}

/**
 * Back-adjusted high, low and close: bars before an ex-date divided by the split ratio, or
 * multiplied by (1 - dividend / previous close). Returns and the Corwin-Schultz estimate are
 * ratios of neighbouring bars, so a factor shared by both bars cancels: adjusting by actions
 * after a date changes nothing measured up to it (no lookahead), and only the pair straddling
 * an ex-date changes, which is what the adjustment is for. Dollar volume and price stay raw.
 */
function adjusted(
  s: BarSeries,
  actions: readonly CorporateAction[],
): { high: Float64Array; low: Float64Array; close: Float64Array } {
  if (actions.length === 0) return { high: s.high, low: s.low, close: s.close };
  const n = s.ts.length;
  const factor = new Float64Array(n).fill(1);
  for (const a of actions) {
    const ex = dateToTs(a.exDate as IsoDate);
    let t = 0;
    while (t < n && (s.ts[t] as number) < ex) t++;
    if (t === 0 || t === n) continue;
    const f = a.type === 'split' ? 1 / a.ratio : 1 - a.cashAmount / (s.close[t - 1] as number);
    for (let i = 0; i < t; i++) factor[i] = (factor[i] as number) * f;
  }
  const scale = (x: Float64Array): Float64Array => x.map((v, i) => v * (factor[i] as number));
  return { high: scale(s.high), low: scale(s.low), close: scale(s.close) };
}

function buildDay(prepared: ReadonlyMap<string, Prepared>, date: IsoDate, c: UniverseConfig): UniverseRow[] {
  const dayTs = dateToTs(date);
  const measured: Measured[] = [];
  for (const [symbol, p] of prepared) measured.push(measure(symbol, p, date, dayTs, c));
  const eligible = measured.filter((m) => m.reasons.length === 0);
  const adv = pctRanks(eligible.map((m) => m.advUsd));
  const spread = pctRanks(eligible.map((m) => m.spreadBps));
  const vol = pctRanks(eligible.map((m) => m.volatility));
  const w = c.scoreWeights;
  const wSum = w.adv + w.spread + w.volatility;
  for (let i = 0; i < eligible.length; i++) {
    const m = eligible[i] as Measured;
    const sc =
      w.adv * (adv[i] as number) + w.spread * (1 - (spread[i] as number)) + w.volatility * (1 - (vol[i] as number));
    m.score = sc / wSum;
  }
  // Tiers by score (ties: symbol order): the best `core` are Core, the next up to `extended` Extended.
  const byScore = [...eligible].sort((a, b) => b.score - a.score || cmp(a.symbol, b.symbol));
  const tier = new Map<string, Tier>();
  byScore.forEach((m, i) =>
    tier.set(m.symbol, i < c.tiers.core ? Tier.Core : i < c.tiers.extended ? Tier.Extended : Tier.None),
  );
  // Volatility terciles among the symbols that passed the filters (ties: symbol order).
  const byVol = [...eligible].sort((a, b) => a.volatility - b.volatility || cmp(a.symbol, b.symbol));
  const bucket = new Map<string, VolBucket>();
  const buckets = [VolBucket.Low, VolBucket.Medium, VolBucket.High] as const;
  byVol.forEach((m, i) => bucket.set(m.symbol, buckets[Math.floor((3 * i) / byVol.length)] as VolBucket));
  return measured.map((m) => {
    const t = tier.get(m.symbol) ?? Tier.None;
    const reasons = m.reasons.length === 0 && t === Tier.None ? [ExclusionReason.BelowExtendedCutoff] : m.reasons;
    return {
      date,
      symbol: m.symbol,
      included: reasons.length === 0,
      tier: t,
      score: m.score,
      advUsd: m.advUsd,
      spreadBps: m.spreadBps,
      price: m.price,
      volatility: m.volatility,
      volBucket: bucket.get(m.symbol) ?? VolBucket.None,
      reasons,
    };
  });
}

function measure(symbol: string, p: Prepared, date: IsoDate, dayTs: number, c: UniverseConfig): Measured {
  const reasons: ExclusionReason[] = [];
  const m: Measured = { symbol, reasons, advUsd: NaN, spreadBps: NaN, price: NaN, volatility: NaN, score: NaN };
  // The asset record in force at the previous close: the latest reported before the date.
  let asset: AssetRecord | undefined;
  for (const r of p.records) {
    if (r.asOf >= date) break;
    asset = r;
  }
  if (asset === undefined) reasons.push(ExclusionReason.NoReference);
  // The delist date (the last listed session) is already outside: a position is closed while
  // the name still trades, not after its market is gone.
  else if ((asset.listDate !== '' && asset.listDate > date) || (asset.delistDate !== '' && asset.delistDate <= date))
    reasons.push(ExclusionReason.NotListed);
  else if (asset.status !== 'active' || !asset.tradable) reasons.push(ExclusionReason.NotTradable);
  const s = p.series;
  let e = p.cursor;
  if (s !== undefined) {
    while (e < s.ts.length && (s.ts[e] as number) < dayTs) e++;
    p.cursor = e;
  }
  const n = c.lookback;
  if (s === undefined || e < n) {
    reasons.push(ExclusionReason.InsufficientHistory);
  } else {
    measureWindow(s, p.adjClose ?? s.close, p.cs, e - n, e, m);
    if (m.price < c.minPrice) reasons.push(ExclusionReason.PriceBelowMin);
    if (m.price > c.maxPrice) reasons.push(ExclusionReason.PriceAboveMax);
    if (!(m.advUsd >= c.minAdvUsd)) reasons.push(ExclusionReason.AdvBelowMin);
    if (!(m.spreadBps <= c.maxSpreadBps)) reasons.push(ExclusionReason.SpreadAboveMax);
  }
  if (asset !== undefined) {
    if (asset.marketCap < c.minMarketCap) reasons.push(ExclusionReason.MarketCapBelowMin);
    if (c.shorting && !asset.shortable) reasons.push(ExclusionReason.NotShortable);
  }
  const day = dayTs / DAY_MS;
  if (p.eventDays.some((d) => Math.abs(d - day) <= c.eventBlackoutDays)) reasons.push(ExclusionReason.EventBlackout);
  return m;
}

/** ADV, spread, price and volatility over bars [from, to). */
function measureWindow(
  s: BarSeries,
  close: Float64Array,
  cs: Float64Array | undefined,
  from: number,
  to: number,
  m: Measured,
): void {
  const raw = s.close;
  let dv = 0;
  for (let i = from; i < to; i++) dv += (raw[i] as number) * (s.volume[i] as number);
  m.advUsd = dv / (to - from);
  m.price = raw[to - 1] as number;
  // Log returns inside the window: to - from - 1 of them.
  const k = to - from - 1;
  let sum = 0;
  let sq = 0;
  for (let i = from + 1; i < to; i++) {
    const r = Math.log((close[i] as number) / (close[i - 1] as number));
    sum += r;
    sq += r * r;
  }
  const mean = sum / k;
  m.volatility = k > 1 ? Math.sqrt(Math.max(0, (sq - k * mean * mean) / (k - 1))) * ANNUALIZE : NaN;
  m.spreadBps = 1e4 * (cs === undefined ? rollSpread(close, from, to) : meanOf(cs, from + 1, to));
}

function meanOf(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] as number;
  return s / (to - from);
}

/**
 * Roll (1984): 2 sqrt(-cov(r_t, r_t-1)) over the window's simple returns; 0 when the
 * autocovariance is >= 0 (as src/analytics/features/microstructure.ts rollSpread).
 */
function rollSpread(close: Float64Array, from: number, to: number): number {
  const r: number[] = [];
  for (let i = from + 1; i < to; i++) r.push((close[i] as number) / (close[i - 1] as number) - 1);
  const n = r.length - 1;
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 1; i <= n; i++) {
    ma += r[i] as number;
    mb += r[i - 1] as number;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  for (let i = 1; i <= n; i++) cov += ((r[i] as number) - ma) * ((r[i - 1] as number) - mb);
  cov /= n - 1;
  return cov < 0 ? 2 * Math.sqrt(-cov) : 0;
}

/** Percentile ranks in [0, 1]: (average rank - 1) / (n - 1); a lone value ranks 1. */
export function pctRanks(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [1];
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n;) {
    let j = i;
    const v = values[order[i] as number] as number;
    while (j + 1 < n && values[order[j + 1] as number] === v) j++;
    const rank = (i + j) / 2 / (n - 1);
    for (let k = i; k <= j; k++) out[order[k] as number] = rank;
    i = j + 1;
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
