/**
 * A bars file replayed as if it streamed (`momentic paper --source replay:FILE`): rehearsals of a
 * session, and the proof that a session equals its backtest. The file is read as `data import`
 * reads it (any layout it takes, Binance kline dumps included, the same column mapping, time
 * zone and quality gates, nothing written), so the bars the strategy sees are the ones an import of the file would store.
 */
import { basename } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Bar, BarSeries } from '../core/bar.js';
import type { IsoDate } from '../core/dates.js';
import { toDayNumber } from '../core/dates.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';
import { DataError, UsageError } from '../core/errors.js';
import type { TradingCalendar } from '../calendar/types.js';
import { importFile } from '../data/import-file.js';
import type { FeedSink, LiveFeed } from '../engine/ports.js';
import { binanceDumpCandidates } from '../venues/binance/dump-candidates.js';
import { inferDumpName } from '../venues/binance/dump.js';

/** `max`: as fast as the session takes them; N: N times real time. */
export type ReplaySpeed = number | 'max';

/** Waits `ms` or until `signal` aborts (a replay paced at N times real time). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const sleepFor: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export interface ReplayFeedOptions {
  /** The bars in time order (one symbol's, as a file holds). */
  readonly series: BarSeries;
  readonly timeframe: Timeframe;
  readonly speed: ReplaySpeed;
  /**
   * At most this many bars of history come at once before the first live bar (`live.warmup_bars`),
   * fewer when the session's warm-up is shorter (`FeedSink.warmupBars`).
   */
  readonly warmupBars: number;
  /** The wall clock (epoch ms) given as each bar's arrival time. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

/**
 * Delivers a file's bars through a FeedSink. Its first `live.warmup_bars` bars come at once as
 * history, as a venue's feed loads history before it streams, but never more than the session's
 * warm-up (`sink.warmupBars`: the run's `warmup` or the strategy's declared one, the larger): a
 * session places no order on history, and the backtest of the file holds only its warm-up, so
 * more history would skip orders the backtest places. With at most the warm-up as history the
 * engine holds the same bars in both, and the replay trades from the bar its backtest does. At
 * `speed: 'max'` one bar follows another as soon as the session has handled it (the event loop
 * gets a turn between bars, so a stop request or `--for` is heard); at N the bar closing `t`
 * after the first live bar's close comes `t / N` after it (wall time).
 */
export class ReplayFeed implements LiveFeed {
  readonly name = 'replay';
  readonly symbols: readonly string[];
  readonly #o: ReplayFeedOptions;

  constructor(o: ReplayFeedOptions) {
    this.#o = o;
    this.symbols = [o.series.symbol];
  }

  /** Start of the first bar (epoch ms): where a replay's clock begins. */
  get firstTs(): number {
    return this.#o.series.length === 0 ? NaN : (this.#o.series.ts[0] as number);
  }

  get length(): number {
    return this.#o.series.length;
  }

  async run(sink: FeedSink, signal: AbortSignal): Promise<void> {
    const { series: s, speed, timeframe } = this.#o;
    const now = this.#o.now ?? Date.now;
    const sleep = this.#o.sleep ?? sleepFor;
    const barMs = TIMEFRAME_MS[timeframe];
    const firstLive = Math.min(this.#o.warmupBars, sink.warmupBars ?? Infinity, Math.max(0, s.length - 1));
    let anchorWall = NaN;
    for (let i = 0; i < s.length; i++) {
      if (signal.aborted) return;
      const ts = s.ts[i] as number;
      if (speed === 'max' || i < firstLive) {
        await yieldToLoop();
      } else if (i === firstLive) {
        anchorWall = now();
      } else {
        const due = anchorWall + (ts - (s.ts[firstLive] as number)) / speed;
        const wait = due - now();
        if (wait > 0) await sleep(wait, signal);
        else await yieldToLoop();
      }
      if (signal.aborted) return;
      const bar: Bar = {
        symbol: s.symbol,
        ts,
        open: s.open[i] as number,
        high: s.high[i] as number,
        low: s.low[i] as number,
        close: s.close[i] as number,
        volume: s.volume[i] as number,
      };
      sink.bar(bar, now(), i < firstLive);
      // The file has nothing more for this bar's time: the session need not wait for it.
      sink.closeThrough(i + 1 < s.length ? (s.ts[i + 1] as number) : ts + barMs);
    }
  }
}

export interface ReplayFileOptions {
  readonly home: string;
  readonly file: string;
  readonly symbol: string;
  readonly calendar: TradingCalendar;
  /** Zone of times written without an offset (default: the calendar's). */
  readonly tz?: string;
  readonly timeframe: Timeframe;
  /** Inclusive session dates of the run (UTC dates for intraday bars), as a backtest clips them. */
  readonly start?: IsoDate | null;
  readonly end?: IsoDate | null;
  readonly format: 'csv' | 'parquet';
}

/**
 * The bars of a replay file, read and checked as `data import --dry-run` would: rows the quality
 * gates reject are left out (reported in `rejected`), the rest clipped to the run's dates.
 */
export async function readReplayFile(o: ReplayFileOptions): Promise<{ series: BarSeries; rejected: number }> {
  // A Binance kline dump (named as Binance publishes it) is read whole by its own parser, as
  // `data import --layout auto` does.
  const dump = inferDumpName(o.file);
  const report = await importFile({
    home: o.home,
    file: o.file,
    symbol: o.symbol,
    calendar: o.calendar,
    format: o.format,
    tz: o.tz ?? o.calendar.timezone,
    dryRun: true,
    ...(dump === undefined
      ? {}
      : {
          parser: (text: string) =>
            binanceDumpCandidates(text, { symbol: o.symbol, timeframe: dump.timeframe, file: basename(o.file) }),
          provider: 'binance-dump',
        }),
  });
  if (report.qc.timeframe !== o.timeframe) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `${o.file} holds ${report.qc.timeframe} bars; the run trades ${o.timeframe} bars`,
      {
        hint: `replay a file of ${o.timeframe} bars, or set timeframe: ${report.qc.timeframe} in the run file`,
        context: { flag: '--source', file: o.file },
      },
    );
  }
  let series = report.quality.series;
  if (series.length === 0) {
    throw new DataError('DATA_INVALID', `${o.file} holds no bar that passes the quality gates`, {
      hint: `check it with: momentic data validate --file ${o.file} --symbol ${o.symbol}`,
      context: { file: o.file },
    });
  }
  const day = TIMEFRAME_MS['1d'];
  const from = o.start == null ? -Infinity : toDayNumber(o.start, 'start') * day;
  const to = o.end == null ? Infinity : (toDayNumber(o.end, 'end') + 1) * day - 1;
  const i0 = series.indexAtOrBefore(from - 1) + 1;
  const i1 = series.indexAtOrBefore(to) + 1;
  if (i0 !== 0 || i1 !== series.length) series = series.slice(i0, i1);
  if (series.length === 0) {
    throw new UsageError('USAGE_INVALID_RANGE', `${o.file} has no bar between ${o.start ?? '…'} and ${o.end ?? '…'}`, {
      hint: 'remove start and end from the run file, or give dates the file covers',
      context: { flag: '--source', file: o.file },
    });
  }
  return { series, rejected: report.quality.rejectedCount };
}
