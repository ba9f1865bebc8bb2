/** A holding in one symbol; qty is signed (negative for shorts). */
export interface Position {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly marketPrice: number;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
}

export interface AccountSnapshot {
  readonly ts: number;
  readonly cash: number;
  readonly equity: number;
  readonly buyingPower: number;
  readonly grossExposure: number;
  readonly netExposure: number;
  readonly positions: readonly Position[];
}

export function marketValue(p: Position): number {
  return p.qty * p.marketPrice;
}
