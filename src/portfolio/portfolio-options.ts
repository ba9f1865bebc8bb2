import { ConfigError } from '../core/errors.js';

/**
 * Day-count basis of annual rates (borrow fee, cash interest): a day accrues `rate / basis`.
 * 360 is the US money-market convention Interactive Brokers uses for USD borrow fees
 * (Borrow Fee = Value x Fee Rate / 360).
 * @see https://ibkrguides.com/reportingreference/reportguide/borrowfeedetails.htm
 */
export const DayBasis = { Act360: 360, Act365: 365 } as const;
export type DayBasis = (typeof DayBasis)[keyof typeof DayBasis];

export interface PortfolioOptions {
  /** Starting cash in the account currency; must be > 0 (drawdown divides by it). */
  readonly initialCash: number;
  /** Annual borrow fee per symbol as a fraction (0.03 = 3% a year). */
  readonly borrowRates?: Readonly<Record<string, number>>;
  /** Annual borrow fee for symbols missing from `borrowRates`. Default 0. */
  readonly defaultBorrowRate?: number;
  /** Annual interest on the signed cash balance (debit pays, credit earns). Default 0. */
  readonly cashRate?: number;
  /** Day-count basis for borrow and interest. Default 360. */
  readonly dayBasis?: DayBasis;
  /** Buying power = max(0, equity x maxLeverage - gross exposure). Default 1 (a cash account). */
  readonly maxLeverage?: number;
  /** Symbols to register up front, so their slots exist before the first bar. */
  readonly symbols?: readonly string[];
}

export interface ResolvedPortfolioOptions {
  readonly initialCash: number;
  readonly borrowRates: Readonly<Record<string, number>>;
  readonly defaultBorrowRate: number;
  readonly cashRate: number;
  readonly dayBasis: DayBasis;
  readonly maxLeverage: number;
  readonly symbols: readonly string[];
}

function invalid(key: string, value: unknown, hint: string): ConfigError {
  return new ConfigError('CONFIG_INVALID_VALUE', `portfolio option ${key} = ${String(value)} is out of range`, {
    hint,
    context: { key, value: String(value) },
  });
}

function rate(key: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw invalid(key, value, 'give an annual rate as a non-negative fraction, e.g. 0.03 for 3% a year');
  }
  return value;
}

/** Fills defaults and rejects values the accounting cannot work with. */
export function resolvePortfolioOptions(options: PortfolioOptions): ResolvedPortfolioOptions {
  const { initialCash } = options;
  if (!Number.isFinite(initialCash) || initialCash <= 0) {
    throw invalid('initialCash', initialCash, 'start with a positive, finite amount of cash, e.g. --cash 100000');
  }
  const dayBasis = options.dayBasis ?? DayBasis.Act360;
  if (dayBasis !== 360 && dayBasis !== 365) {
    throw invalid('dayBasis', dayBasis, 'use 360 (money-market, IBKR USD) or 365');
  }
  const maxLeverage = options.maxLeverage ?? 1;
  if (!Number.isFinite(maxLeverage) || maxLeverage <= 0) {
    throw invalid('maxLeverage', maxLeverage, 'use a positive multiple of equity, e.g. 1 for cash or 2 for Reg T');
  }
  const borrowRates: Record<string, number> = {};
  for (const [symbol, r] of Object.entries(options.borrowRates ?? {})) {
    borrowRates[symbol] = rate(`borrowRates.${symbol}`, r);
  }
  const cashRate = options.cashRate ?? 0;
  if (!Number.isFinite(cashRate)) throw invalid('cashRate', cashRate, 'give an annual rate as a finite fraction');
  return {
    initialCash,
    borrowRates,
    defaultBorrowRate: rate('defaultBorrowRate', options.defaultBorrowRate ?? 0),
    cashRate,
    dayBasis,
    maxLeverage,
    symbols: options.symbols ?? [],
  };
}
