/** Alpaca reference payloads -> momentic reference records; pure functions only. */
import type { AssetRecord, CorporateAction } from '../../core/reference-data.js';
import type { AlpacaAnnouncement, AlpacaAsset } from './reference-schemas.js';

export const ALPACA_REFERENCE_SOURCE = 'alpaca';

/**
 * An asset as Alpaca lists it today: borrow and trading flags, no market cap and no listing
 * dates (the asset list does not carry them).
 */
export function mapAlpacaAsset(a: AlpacaAsset, asOf: string): AssetRecord {
  return {
    symbol: a.symbol,
    asOf,
    name: a.name,
    exchange: a.exchange,
    assetClass: a.class,
    status: a.status,
    tradable: a.tradable,
    shortable: a.shortable,
    easyToBorrow: a.easy_to_borrow,
    fractionable: a.fractionable,
    marketCap: Number.NaN,
    listDate: '',
    delistDate: '',
    source: ALPACA_REFERENCE_SOURCE,
  };
}

/**
 * Announcements as corporate actions: a cash dividend (`cash` per share), a split of
 * `new_rate / old_rate` (2-for-1 is new 2, old 1), and a recapitalization into another symbol
 * as a symbol change (the announcement types have no dedicated symbol change; a
 * recapitalization with a new ratio also yields a split). Stock dividends, mergers and spinoffs
 * yield nothing (empty list). Throws with the reason when a needed field is missing.
 */
export function mapAnnouncement(a: AlpacaAnnouncement): CorporateAction[] {
  const base = {
    symbol: a.initiating_symbol,
    ratio: Number.NaN,
    cashAmount: Number.NaN,
    newSymbol: '',
    recordDate: a.record_date ?? '',
    payDate: a.payable_date ?? '',
    source: ALPACA_REFERENCE_SOURCE,
  };
  const exDate = (): string => {
    if (a.ex_date === null) throw new Error(`${a.ca_type}/${a.ca_sub_type} announcement ${a.id} has no ex_date`);
    return a.ex_date;
  };
  if (a.ca_type === 'dividend') {
    if (a.ca_sub_type !== 'cash') return [];
    const cash = Number(a.cash ?? '');
    if (!(cash > 0)) throw new Error(`cash dividend ${a.id} has cash "${a.cash ?? ''}", not an amount > 0`);
    return [{ ...base, type: 'dividend', exDate: exDate(), cashAmount: cash }];
  }
  if (a.ca_type !== 'split') return [];
  const oldRate = Number(a.old_rate ?? '');
  const newRate = Number(a.new_rate ?? '');
  if (!(oldRate > 0) || !(newRate > 0)) {
    throw new Error(
      `split ${a.id} has old_rate "${a.old_rate ?? ''}" and new_rate "${a.new_rate ?? ''}", not rates > 0`,
    );
  }
  const out: CorporateAction[] = [];
  if (newRate !== oldRate) out.push({ ...base, type: 'split', exDate: exDate(), ratio: newRate / oldRate });
  const target = a.target_symbol ?? '';
  if (a.ca_sub_type === 'recapitalization' && target !== '' && target !== a.initiating_symbol) {
    out.push({ ...base, type: 'symbol_change', exDate: exDate(), newSymbol: target });
  }
  return out;
}
