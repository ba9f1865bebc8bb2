import type { TradingCalendar } from '../calendar/types.js';
import type { Bar } from '../core/bar.js';
import type { Clock } from '../core/clock.js';
import type { Timeframe } from '../core/enums.js';
import type { Instrument } from '../core/instrument.js';
import type { ExecutionClient } from '../execution/ports.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Strategy } from '../strategies/api.js';
import type { BarSource } from './bar-source.js';
import type { PreTradeCheck } from './context.js';

/** The engine's clock: a backtest moves it bar by bar; a live clock ignores `advanceTo`. */
export interface EngineClock extends Clock {
  advanceTo(ts: number): void;
}

/** A venue that learns prices from the engine's bars: the SimulatedExchange (backtest, paper). */
export interface BarDrivenVenue {
  /** The venue's side of one symbol's bars, resolved once so no bar pays a symbol lookup. */
  barsOf(symbol: string): VenueBars;
}

export interface VenueBars {
  onBar(bar: Bar): void;
  /** After strategies reacted to the bar (`fill: 'close'` fills happen here). */
  onBarEnd(bar: Bar): void;
}

export interface EngineOptions {
  readonly runId: string;
  readonly strategy: Strategy;
  readonly params: Readonly<Record<string, unknown>>;
  readonly clock: EngineClock;
  readonly source: BarSource;
  readonly execution: ExecutionClient;
  /** The simulated exchange when it is the execution client; absent for a live venue. */
  readonly market?: BarDrivenVenue;
  /** Books fills and marks; its symbols must include the source's. */
  readonly portfolio: Portfolio;
  readonly instrument: (symbol: string) => Instrument;
  readonly calendar: (symbol: string) => TradingCalendar;
  readonly timeframe: Timeframe;
  /** Timestamps without orders at the start (the strategy may declare more with `ctx.warmUp`). */
  readonly warmup?: number;
  readonly risk?: PreTradeCheck;
}
