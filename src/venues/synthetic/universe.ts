/**
 * The default synthetic universe: 18 fictional US equities in five sectors on the XNYS calendar
 * and 2 fictional crypto pairs on the 24/7 calendar. Tickers and names are invented (checked
 * against the list of US-listed tickers of rreichel3/US-Stock-Symbols); they carry no
 * information about any real company.
 * No other symbol is served (see `specOf`).
 */
import { didYouMean } from '../../core/did-you-mean.js';
import { DataError } from '../../core/errors.js';

export const SyntheticCalendar = { Xnys: 'XNYS', AlwaysOpen: '24/7' } as const;
export type SyntheticCalendar = (typeof SyntheticCalendar)[keyof typeof SyntheticCalendar];

export const Sector = {
  Technology: 'technology',
  Financials: 'financials',
  Energy: 'energy',
  Healthcare: 'healthcare',
  Consumer: 'consumer',
  Crypto: 'crypto',
} as const;
export type Sector = (typeof Sector)[keyof typeof Sector];

export interface SectorSpec {
  readonly calendar: SyntheticCalendar;
  /** Annualized volatility of the sector factor (its GARCH unconditional level). */
  readonly vol: number;
}

/** Sector factors: the source of the extra correlation within a sector (King 1966, J. Business 39). */
export const SECTORS: Readonly<Record<Sector, SectorSpec>> = {
  technology: { calendar: 'XNYS', vol: 0.14 },
  financials: { calendar: 'XNYS', vol: 0.12 },
  energy: { calendar: 'XNYS', vol: 0.18 },
  healthcare: { calendar: 'XNYS', vol: 0.1 },
  consumer: { calendar: 'XNYS', vol: 0.08 },
  crypto: { calendar: '24/7', vol: 0.2 },
};

export const EQUITY_SECTORS: readonly Sector[] = ['technology', 'financials', 'energy', 'healthcare', 'consumer'];

export interface SymbolSpec {
  readonly symbol: string;
  readonly name: string;
  readonly sector: Sector;
  readonly calendar: SyntheticCalendar;
  /** Loading on the calendar's market factor. */
  readonly beta: number;
  /** Price at the series origin (first session of 2000 for XNYS, 2015-01-01 for 24/7). */
  readonly basePrice: number;
  /** Typical shares (coins) traded per session in the calm regime. */
  readonly baseVolume: number;
  /** Annualized idiosyncratic volatility (GARCH unconditional level). */
  readonly idioVol: number;
  /** Expected idiosyncratic jumps per year (earnings surprises, news). */
  readonly jumpsPerYear: number;
  /** Quote currency of a crypto pair, `USD` for equities. */
  readonly currency: string;
}

type Row = readonly [
  symbol: string,
  name: string,
  sector: Sector,
  beta: number,
  price: number,
  volume: number,
  idio: number,
];

const EQUITIES: readonly Row[] = [
  ['ZNTX', 'Zentrix Semiconductor', 'technology', 1.35, 42, 6_500_000, 0.34],
  ['VXLY', 'Voxelly Software', 'technology', 1.2, 88, 3_200_000, 0.28],
  ['QBIQ', 'Qubiq Computing', 'technology', 1.1, 135, 2_400_000, 0.24],
  ['HLXO', 'Helixo Networks', 'technology', 1.25, 27, 8_000_000, 0.36],
  ['FRBX', 'Fernbrook Bancorp', 'financials', 1.1, 54, 5_500_000, 0.2],
  ['LDGX', 'Ledgerix Capital', 'financials', 1.3, 31, 7_000_000, 0.27],
  ['OVLB', 'Orvale Bank', 'financials', 0.95, 68, 3_000_000, 0.18],
  ['KSTX', 'Keystix Insurance', 'financials', 0.85, 96, 1_500_000, 0.17],
  ['PTRQ', 'Petraq Energy', 'energy', 0.9, 61, 4_800_000, 0.24],
  ['DRLQ', 'Drillquest Oilfield', 'energy', 1.15, 23, 6_200_000, 0.33],
  ['SNFX', 'Sunflux Renewables', 'energy', 1.3, 18, 9_000_000, 0.4],
  ['GRDQ', 'Gridquill Utilities', 'energy', 0.55, 47, 2_100_000, 0.14],
  ['CRXV', 'Curexiv Therapeutics', 'healthcare', 0.9, 74, 2_600_000, 0.3],
  ['MDVQ', 'Medivoq Devices', 'healthcare', 0.8, 112, 1_400_000, 0.19],
  ['BQGN', 'Bioquagen', 'healthcare', 1.05, 39, 3_900_000, 0.38],
  ['BRWQ', 'Brewquist Beverages', 'consumer', 0.6, 57, 2_800_000, 0.15],
  ['HRTQ', 'Hearthquay Home Goods', 'consumer', 0.85, 33, 3_500_000, 0.22],
  ['PNTQ', 'Pantriq Foods', 'consumer', 0.55, 82, 1_900_000, 0.14],
];

const CRYPTO: readonly Row[] = [
  ['QXC-USD', 'Quixcoin', 'crypto', 1.0, 320, 40_000, 0.3],
  ['ZPR-USD', 'Zephyrium', 'crypto', 1.25, 12, 900_000, 0.45],
];

function fromRow([symbol, name, sector, beta, basePrice, baseVolume, idioVol]: Row): SymbolSpec {
  const calendar = SECTORS[sector].calendar;
  return {
    symbol,
    name,
    sector,
    calendar,
    beta,
    basePrice,
    baseVolume,
    idioVol,
    jumpsPerYear: calendar === 'XNYS' ? 4 : 6,
    currency: 'USD',
  };
}

/** The default universe, equities first. */
export const SYNTHETIC_UNIVERSE: readonly SymbolSpec[] = [...EQUITIES, ...CRYPTO].map(fromRow);

const BY_SYMBOL = new Map(SYNTHETIC_UNIVERSE.map((s) => [s.symbol, s]));

/** True when the symbol is one of the universe (case-insensitive). */
export function isUniverseSymbol(symbol: string): boolean {
  return BY_SYMBOL.has(symbol.toUpperCase());
}

/**
 * The model parameters of a universe symbol (case-insensitive; the spec carries the symbol as
 * asked). Any other symbol is refused: bars invented for a mistyped or unknown ticker would pass
 * for data, so the provider serves its own fictional universe and nothing else.
 */
export function specOf(symbol: string): SymbolSpec {
  const known = BY_SYMBOL.get(symbol.toUpperCase());
  if (known !== undefined) return { ...known, symbol };
  throw new DataError('DATA_UNKNOWN_SYMBOL', `the synthetic provider does not serve ${symbol}`, {
    hint: `${didYouMean(symbol, [...BY_SYMBOL.keys()])}its universe: ${[...BY_SYMBOL.keys()].join(', ')}; import your own data with momentic data import --file F --symbol ${symbol}`,
    context: { value: symbol },
  });
}
