/**
 * Reference data records: what providers report about instruments (listing, borrow, size),
 * corporate actions and scheduled events. Shared by the provider port (engine), the adapters
 * (venues) and the reference files (universe), so each sees one definition.
 */

export interface AssetRecord {
  readonly symbol: string;
  /** The day the provider reported this record. */
  readonly asOf: string;
  readonly name: string;
  readonly exchange: string;
  /** `us_equity` or `crypto` (Alpaca's names). */
  readonly assetClass: string;
  readonly status: 'active' | 'inactive';
  readonly tradable: boolean;
  readonly shortable: boolean;
  readonly easyToBorrow: boolean;
  readonly fractionable: boolean;
  /** US dollars; NaN when no provider gave it. */
  readonly marketCap: number;
  /** First session listed, '' when unknown. */
  readonly listDate: string;
  /** Last session listed, '' while listed. */
  readonly delistDate: string;
  readonly source: string;
}

export const CorporateActionType = { Split: 'split', Dividend: 'dividend', SymbolChange: 'symbol_change' } as const;
export type CorporateActionType = (typeof CorporateActionType)[keyof typeof CorporateActionType];

export interface CorporateAction {
  readonly symbol: string;
  readonly type: CorporateActionType;
  /** The first session the action shows in prices. */
  readonly exDate: string;
  /** Splits: new shares per old share (2-for-1 is 2, a 1-for-10 reverse split 0.1); NaN otherwise. */
  readonly ratio: number;
  /** Cash dividends: US dollars per share before the ex-date; NaN otherwise. */
  readonly cashAmount: number;
  /** Symbol changes: the symbol from the ex-date on; '' otherwise. */
  readonly newSymbol: string;
  readonly recordDate: string;
  readonly payDate: string;
  readonly source: string;
}

export interface ScheduledEvent {
  readonly symbol: string;
  readonly date: string;
  /** `earnings`, or a user's own kind. */
  readonly event: string;
  /** `bmo` (before the open), `amc` (after the close) or '' (unknown). */
  readonly time: string;
}
