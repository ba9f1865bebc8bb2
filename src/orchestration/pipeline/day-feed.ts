/**
 * One pipeline day of daily bars from the raw zone, delivered as a session's feed: the sessions
 * before the day as history (indicators warm on them; no order is placed on a bar the market has
 * left behind), then the day's bars as the live ones, decided on at the day's close. The same
 * node, strategy, risk manager and execution client as any session trade them.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Bar, BarSeries } from '../../core/bar.js';
import { TIMEFRAME_MS } from '../../core/enums.js';
import type { FeedSink, LiveFeed } from '../../engine/ports.js';

export interface DayFeedOptions {
  /** Each symbol's daily bars (the raw zone's), in time order. */
  readonly series: readonly BarSeries[];
  /** The day's bar start (the session date at 00:00 UTC). */
  readonly dayTs: number;
  /** Bars of history per symbol before the day (`live.warmup_bars`). */
  readonly warmupBars: number;
  /**
   * The last bar the session already traded on (an attempt that stopped after it): bars up to it
   * come as history, so a day is never decided twice.
   */
  readonly tradedThrough?: number;
  /** The wall clock given as each bar's arrival (bars.csv). */
  readonly now?: () => number;
}

export class DayFeed implements LiveFeed {
  readonly name = 'raw-zone';
  readonly symbols: readonly string[];
  readonly #bars: readonly Bar[];
  readonly #o: DayFeedOptions;

  constructor(o: DayFeedOptions) {
    this.#o = o;
    this.symbols = o.series.map((s) => s.symbol);
    const bars: Bar[] = [];
    for (const s of o.series) {
      // The warm-up before the day, then the day's own bar.
      const last = s.indexAtOrBefore(o.dayTs);
      const isDay = last >= 0 && s.ts[last] === o.dayTs;
      const historyEnd = isDay ? last : last + 1;
      for (let i = Math.max(0, historyEnd - o.warmupBars); i < historyEnd; i++) bars.push(s.at(i));
      if (isDay) bars.push(s.at(last));
    }
    // In time order, one timestamp's bars together (symbol order is the bar source's to keep).
    this.#bars = bars.sort((a, b) => a.ts - b.ts);
  }

  /** Start of the first bar delivered (where the session's clock begins); NaN without bars. */
  get firstTs(): number {
    return this.#bars[0]?.ts ?? NaN;
  }

  /** Whether the day's bar of every symbol is there. */
  hasDay(symbol: string): boolean {
    return this.#bars.some((b) => b.symbol === symbol && b.ts === this.#o.dayTs);
  }

  async run(sink: FeedSink, signal: AbortSignal): Promise<void> {
    const now = this.#o.now ?? Date.now;
    const through = this.#o.tradedThrough ?? -Infinity;
    const bars = this.#bars;
    for (let i = 0; i < bars.length;) {
      if (signal.aborted) return;
      const ts = (bars[i] as Bar).ts;
      const isHistory = ts < this.#o.dayTs || ts <= through;
      for (; i < bars.length && (bars[i] as Bar).ts === ts; i++) sink.bar(bars[i] as Bar, now(), isHistory);
      // Nothing more comes for this timestamp: the session steps it (the event loop gets a turn,
      // so a stop request is heard between timestamps).
      sink.closeThrough(i < bars.length ? (bars[i] as Bar).ts : ts + TIMEFRAME_MS['1d']);
      await yieldToLoop();
    }
  }
}
