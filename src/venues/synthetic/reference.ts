/**
 * Reference data of the synthetic universe, deterministic by seed: exchanges, borrow flags,
 * market caps (shares outstanding x the synthetic close on the day), list and delist dates (a
 * few equities list or delist inside the served range) and quarterly earnings dates. The same
 * seed always gives the same records.
 *
 * No corporate actions: the synthetic bars are generated without splits or dividends, and a
 * split or dividend listed here would be applied to them (run prices, `data adjust`) as if it had
 * happened, putting a step into the prices or paying cash no price drop paid for.
 */
import { getCalendar } from '../../calendar/registry.js';
import { fromDayNumber, toDayNumber } from '../../core/dates.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from '../../core/reference-data.js';
import type { ReferenceBatch, ReferenceDataProvider } from '../../engine/ports.js';
import { ORIGIN } from './parameters.js';
import { deriveKey, keyOf, Xoshiro128 } from './prng.js';
import type { SyntheticProvider } from './provider.js';
import { isUniverseSymbol, specOf, SYNTHETIC_UNIVERSE, type SymbolSpec } from './universe.js';

const SOURCE = 'synthetic';
const XNYS = getCalendar('XNYS');
const EXCHANGES = ['NASDAQ', 'NYSE', 'ARCA'] as const;
/** Late listings and delistings fall inside these ranges of the XNYS bars (2000-01-03 on). */
const LIST_RANGE = ['2008-01-02', '2018-12-31'] as const;
const DELIST_RANGE = ['2016-01-04', '2024-12-31'] as const;

/** The facts of one symbol that do not depend on the day asked about. */
export interface SyntheticProfile {
  readonly spec: SymbolSpec;
  readonly exchange: string;
  readonly shortable: boolean;
  readonly easyToBorrow: boolean;
  readonly sharesOutstanding: number;
  readonly listDate: string;
  readonly delistDate: string;
  /** Day of the quarter's first month (1..20) when earnings come out, and before/after the open. */
  readonly earningsDay: number;
  readonly earningsTime: 'bmo' | 'amc';
}

function pick(rng: Xoshiro128, from: string, to: string): string {
  const lo = toDayNumber(from);
  const hi = toDayNumber(to);
  const day = fromDayNumber(lo + Math.floor(rng.uniform() * (hi - lo + 1)));
  return XNYS.isTradingDay(day) ? day : XNYS.nextSession(day);
}

/** Profiles of the universe for a seed: which equities list late and which delist are drawn once. */
export function syntheticProfiles(seed: number): ReadonlyMap<string, SyntheticProfile> {
  const universe = deriveKey(keyOf('reference'), seed);
  const order = new Xoshiro128(universe);
  const equities = SYNTHETIC_UNIVERSE.filter((s) => s.calendar === 'XNYS').map((s) => s.symbol);
  // Fisher-Yates on the seed's stream: the first two list late, the next two delist.
  for (let i = equities.length - 1; i > 0; i--) {
    const j = Math.floor(order.uniform() * (i + 1));
    [equities[i], equities[j]] = [equities[j] as string, equities[i] as string];
  }
  const lateListers = new Set(equities.slice(0, 2));
  const delisters = new Set(equities.slice(2, 4));
  const out = new Map<string, SyntheticProfile>();
  for (const spec of SYNTHETIC_UNIVERSE) {
    const rng = new Xoshiro128(deriveKey(keyOf(`reference:${spec.symbol}`), seed));
    const isCrypto = spec.calendar !== 'XNYS';
    const exchange = isCrypto ? 'CRYPTO' : (EXCHANGES[Math.floor(rng.uniform() * EXCHANGES.length)] as string);
    const shortable = !isCrypto && rng.uniform() < 0.85;
    const easyToBorrow = shortable && rng.uniform() < 0.8;
    // Sized so the first close is worth 0.5..20 billion dollars (crypto: coins in issue).
    const capAtOrigin = 5e8 * Math.exp(rng.uniform() * Math.log(40));
    out.set(spec.symbol, {
      spec,
      exchange,
      shortable,
      easyToBorrow,
      sharesOutstanding: Math.round(capAtOrigin / spec.basePrice),
      listDate: lateListers.has(spec.symbol) ? pick(rng, ...LIST_RANGE) : ORIGIN[spec.calendar],
      delistDate: delisters.has(spec.symbol) ? pick(rng, ...DELIST_RANGE) : '',
      earningsDay: 1 + Math.floor(rng.uniform() * 20),
      earningsTime: rng.uniform() < 0.5 ? 'bmo' : 'amc',
    });
  }
  return out;
}

/** Quarter starts (`YYYY-01`, `-04`, `-07`, `-10`) whose month overlaps `from..to`. */
function quarters(from: string, to: string): string[] {
  const out: string[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
    for (const m of ['01', '04', '07', '10']) out.push(`${y}-${m}`);
  }
  return out;
}

const onOrAfter = (day: string): string => (XNYS.isTradingDay(day) ? day : XNYS.nextSession(day));
const listedOn = (p: SyntheticProfile, day: string): boolean =>
  p.listDate <= day && (p.delistDate === '' || day <= p.delistDate);

export class SyntheticReference implements ReferenceDataProvider {
  readonly name = SOURCE;
  readonly #bars: SyntheticProvider;
  readonly #profiles: ReadonlyMap<string, SyntheticProfile>;

  constructor(bars: SyntheticProvider) {
    this.#bars = bars;
    this.#profiles = syntheticProfiles(bars.seed);
  }

  defaultSymbols(): readonly string[] {
    return SYNTHETIC_UNIVERSE.map((s) => s.symbol);
  }

  profile(symbol: string): SyntheticProfile {
    return this.#profiles.get(specOf(symbol).symbol.toUpperCase()) as SyntheticProfile;
  }

  /**
   * The record in force on `asOf` for each symbol listed by then (a symbol not yet listed has
   * none); after its delist date a symbol reads inactive and untradable.
   */
  async assets(symbols: readonly string[], asOf: string): Promise<ReferenceBatch<AssetRecord>> {
    const records: AssetRecord[] = [];
    const rejected = [];
    for (const symbol of symbols) {
      if (!isUniverseSymbol(symbol)) {
        rejected.push({ where: SOURCE, raw: symbol, reason: `the synthetic universe has no symbol ${symbol}` });
        continue;
      }
      const p = this.profile(symbol);
      if (asOf < p.listDate) continue;
      const isActive = p.delistDate === '' || asOf <= p.delistDate;
      const close = await this.#closeOn(p, p.delistDate !== '' && asOf > p.delistDate ? p.delistDate : asOf);
      records.push({
        symbol: p.spec.symbol,
        asOf,
        name: p.spec.name,
        exchange: p.exchange,
        assetClass: p.spec.calendar === 'XNYS' ? 'us_equity' : 'crypto',
        status: isActive ? 'active' : 'inactive',
        tradable: isActive,
        shortable: isActive && p.shortable,
        easyToBorrow: isActive && p.easyToBorrow,
        fractionable: true,
        marketCap: Number.isNaN(close) ? Number.NaN : Math.round(close * p.sharesOutstanding),
        listDate: p.listDate,
        delistDate: isActive ? '' : p.delistDate,
        source: SOURCE,
      });
    }
    return { records, rejected };
  }

  /** None: the synthetic bars have no splits or dividends (see above). */
  async corporateActions(): Promise<ReferenceBatch<CorporateAction>> {
    return { records: [], rejected: [] };
  }

  /** Quarterly earnings, a few weeks into each quarter, while listed. */
  async events(symbols: readonly string[], from: string, to: string): Promise<ReferenceBatch<ScheduledEvent>> {
    const records: ScheduledEvent[] = [];
    for (const symbol of symbols) {
      if (!isUniverseSymbol(symbol)) continue;
      const p = this.profile(symbol);
      if (p.spec.calendar !== 'XNYS') continue;
      for (const q of quarters(from, to)) {
        const date = onOrAfter(fromDayNumber(toDayNumber(`${q}-01`) + 14 + p.earningsDay));
        if (date < from || date > to || !listedOn(p, date)) continue;
        records.push({ symbol: p.spec.symbol, date, event: 'earnings', time: p.earningsTime });
      }
    }
    records.sort((a, b) => (a.date === b.date ? cmp(a.symbol, b.symbol) : cmp(a.date, b.date)));
    return { records, rejected: [] };
  }

  /** The last synthetic close on or before `day`; NaN before the series starts. */
  async #closeOn(p: SyntheticProfile, day: string): Promise<number> {
    const end = (toDayNumber(day) + 1) * 86_400_000;
    let close = Number.NaN;
    for await (const page of this.#bars.fetchBars({
      symbol: p.spec.symbol,
      timeframe: '1d',
      start: end - 10 * 86_400_000,
      end,
    })) {
      const last = page[page.length - 1];
      if (last !== undefined) close = last.close;
    }
    return close;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
