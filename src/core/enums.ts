/** Domain enumerations as `as const` objects (STYLE.md: no TypeScript `enum`). */
type ValueOf<T> = T[keyof T];

export const AssetClass = {
  Equity: 'equity',
  Etf: 'etf',
  Crypto: 'crypto',
  Future: 'future',
  Fx: 'fx',
  Index: 'index',
} as const;
export type AssetClass = ValueOf<typeof AssetClass>;

export const Side = { Buy: 'buy', Sell: 'sell' } as const;
export type Side = ValueOf<typeof Side>;

export const OrderType = {
  Market: 'market',
  Limit: 'limit',
  Stop: 'stop',
  StopLimit: 'stop_limit',
  TrailingStop: 'trailing_stop',
  MarketOnOpen: 'market_on_open',
  MarketOnClose: 'market_on_close',
} as const;
export type OrderType = ValueOf<typeof OrderType>;

export const TimeInForce = { Day: 'day', Gtc: 'gtc', Ioc: 'ioc', Fok: 'fok', Opg: 'opg', Cls: 'cls' } as const;
export type TimeInForce = ValueOf<typeof TimeInForce>;

/** Order lifecycle of DESIGN.md: new -> accepted -> partially_filled -> filled | cancelled | rejected | expired. */
export const OrderStatus = {
  New: 'new',
  Accepted: 'accepted',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'cancelled',
  Rejected: 'rejected',
  Expired: 'expired',
} as const;
export type OrderStatus = ValueOf<typeof OrderStatus>;

export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.Filled,
  OrderStatus.Cancelled,
  OrderStatus.Rejected,
  OrderStatus.Expired,
]);

/** Order class: a single order or a linked group. */
export const OrderClass = { Simple: 'simple', Bracket: 'bracket', Oco: 'oco', Oto: 'oto' } as const;
export type OrderClass = ValueOf<typeof OrderClass>;

export const Timeframe = { Day: '1d', Hour: '1h', Min15: '15m', Min5: '5m', Min1: '1m' } as const;
export type Timeframe = ValueOf<typeof Timeframe>;

/** Every bar size, longest first (flags, schemas and file layouts list them from here). */
export const TIMEFRAMES = ['1d', '1h', '15m', '5m', '1m'] as const satisfies readonly Timeframe[];

/** Bar length in milliseconds (a day bar is one session, whose length varies; 24 h is nominal). */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1d': 86_400_000,
  '1h': 3_600_000,
  '15m': 900_000,
  '5m': 300_000,
  '1m': 60_000,
};

export const TradingMode = { Backtest: 'backtest', Paper: 'paper', Live: 'live' } as const;
export type TradingMode = ValueOf<typeof TradingMode>;

export const Liquidity = { Maker: 'maker', Taker: 'taker' } as const;
export type Liquidity = ValueOf<typeof Liquidity>;

/** Log verbosities, most severe first (pino's levels). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
