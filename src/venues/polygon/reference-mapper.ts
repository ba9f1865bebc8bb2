/** Polygon (Massive) reference payloads -> momentic reference records; pure functions only. */
import type { AssetRecord, CorporateAction } from '../../core/reference-data.js';
import type { PolygonDividend, PolygonSplit, PolygonTickerDetails } from './reference-schemas.js';

export const POLYGON_REFERENCE_SOURCE = 'polygon';

/** Primary exchanges by ISO 10383 MIC (what Polygon reports) under the names Alpaca uses. */
const EXCHANGE_BY_MIC: Readonly<Record<string, string>> = {
  XNAS: 'NASDAQ',
  XNYS: 'NYSE',
  ARCX: 'ARCA',
  XASE: 'AMEX',
  BATS: 'BATS',
  XBOS: 'NASDAQ',
  XPHL: 'NASDAQ',
};

/**
 * Ticker details as an asset record on `asOf`. Polygon says nothing about borrow or fractional
 * trading, so `shortable`, `easy_to_borrow` and `fractionable` read false (the cautious answer:
 * a short-only filter then leaves the symbol out rather than assume it can be borrowed).
 */
export function mapTickerDetails(d: PolygonTickerDetails, asOf: string): AssetRecord {
  const delistDate = d.delisted_utc === undefined ? '' : isoDayOf(d.delisted_utc, 'delisted_utc');
  const isActive = d.active && delistDate === '';
  return {
    symbol: d.ticker,
    asOf,
    name: d.name,
    exchange: d.primary_exchange === undefined ? '' : (EXCHANGE_BY_MIC[d.primary_exchange] ?? d.primary_exchange),
    assetClass: d.market === 'crypto' ? 'crypto' : 'us_equity',
    status: isActive ? 'active' : 'inactive',
    tradable: isActive,
    shortable: false,
    easyToBorrow: false,
    fractionable: false,
    marketCap: d.market_cap ?? Number.NaN,
    listDate: d.list_date ?? '',
    delistDate,
    source: POLYGON_REFERENCE_SOURCE,
  };
}

/** `split_to` for `split_from`: a 2-for-1 split (to 2, from 1) is ratio 2, a 1-for-10 reverse 0.1. */
export function mapSplit(s: PolygonSplit): CorporateAction {
  return {
    symbol: s.ticker,
    type: 'split',
    exDate: s.execution_date,
    ratio: s.split_to / s.split_from,
    cashAmount: Number.NaN,
    newSymbol: '',
    recordDate: '',
    payDate: '',
    source: POLYGON_REFERENCE_SOURCE,
  };
}

/** A cash distribution in US dollars; other currencies are refused (amounts would be misread). */
export function mapDividend(d: PolygonDividend): CorporateAction {
  if (d.currency !== undefined && d.currency.toUpperCase() !== 'USD') {
    throw new Error(`dividend is paid in ${d.currency}, not USD`);
  }
  return {
    symbol: d.ticker,
    type: 'dividend',
    exDate: d.ex_dividend_date,
    ratio: Number.NaN,
    cashAmount: d.cash_amount,
    newSymbol: '',
    recordDate: d.record_date ?? '',
    payDate: d.pay_date ?? '',
    source: POLYGON_REFERENCE_SOURCE,
  };
}

/** The UTC date of an RFC-3339 instant (or of a bare date). */
function isoDayOf(text: string, field: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${field} "${text}" is not a date-time`);
  return new Date(ms).toISOString().slice(0, 10);
}
