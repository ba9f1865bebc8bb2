/**
 * The last word before a bar reaches the session: each symbol's bars pass once and in time
 * order, and none for a minute already closed. The stream, the warm-up and the gap backfill all
 * feed through here, so a bar that comes both live and through REST is delivered once.
 */
import type { Bar } from '../../../core/bar.js';
import type { Logger } from '../../../core/logger.js';
import type { FeedSink } from '../../../engine/ports.js';

/** What the feed counted so far (for the session's log and its tests). */
export interface StreamStats {
  delivered: number;
  warmup: number;
  backfilled: number;
  /** A bar already delivered (same symbol and start), dropped. */
  duplicates: number;
  /** A bar older than the symbol's last one, or of a minute already closed, dropped. */
  late: number;
  /** A frame or message that broke the protocol's shape, skipped. */
  malformed: number;
  /** Connections lost and opened again. */
  reconnects: number;
}

export type BarOrigin = 'live' | 'warmup' | 'backfill';

/** Recent starts remembered per symbol to tell a repeat from a late bar. */
const REMEMBERED = 256;

export class BarGate {
  readonly stats: StreamStats = {
    delivered: 0,
    warmup: 0,
    backfilled: 0,
    duplicates: 0,
    late: 0,
    malformed: 0,
    reconnects: 0,
  };
  readonly #sink: FeedSink;
  readonly #logger: Logger | undefined;
  readonly #last = new Map<string, number>();
  readonly #recent = new Map<string, Set<number>>();
  /** No bar starting before this is delivered any more (the FeedSink's `closeThrough`). */
  #closedBefore = -Infinity;

  constructor(sink: FeedSink, logger: Logger | undefined) {
    this.#sink = sink;
    this.#logger = logger;
  }

  /** Start of the symbol's last delivered bar (undefined before the first). */
  lastTs(symbol: string): number | undefined {
    return this.#last.get(symbol);
  }

  get closedBefore(): number {
    return this.#closedBefore;
  }

  /** Delivers the bar unless it repeats or comes late; true when delivered. */
  offer(bar: Bar, arrivedAt: number, origin: BarOrigin): boolean {
    const last = this.#last.get(bar.symbol) ?? -Infinity;
    if (bar.ts <= last || bar.ts < this.#closedBefore) {
      const isRepeat = bar.ts === last || (this.#recent.get(bar.symbol)?.has(bar.ts) ?? false);
      if (isRepeat) this.stats.duplicates++;
      else this.stats.late++;
      // A repeat is routine (live and backfill overlap); a late bar is worth seeing.
      const log = { symbol: bar.symbol, ts: new Date(bar.ts).toISOString(), origin };
      if (isRepeat) this.#logger?.debug(log, 'bar already delivered: dropped');
      else {
        this.#logger?.warn(
          { ...log, last: Number.isFinite(last) ? new Date(last).toISOString() : undefined },
          'bar came late (older than one delivered, or its minute closed): dropped',
        );
      }
      return false;
    }
    this.#last.set(bar.symbol, bar.ts);
    let recent = this.#recent.get(bar.symbol);
    if (recent === undefined) this.#recent.set(bar.symbol, (recent = new Set()));
    recent.add(bar.ts);
    if (recent.size > REMEMBERED) recent.delete(recent.values().next().value as number);
    this.stats.delivered++;
    if (origin === 'warmup') this.stats.warmup++;
    if (origin === 'backfill') this.stats.backfilled++;
    // Warm-up and backfill are history: fetched late on purpose, never stale, never traded at warm-up.
    this.#sink.bar(bar, arrivedAt, origin !== 'live');
    return true;
  }

  /** The stream was lost: counted, and the session told (its reconnect metric). */
  reconnecting(): void {
    this.stats.reconnects++;
    this.#sink.reconnecting?.();
  }

  /** Closes every minute starting before `ts` (never moves back). */
  closeThrough(ts: number): void {
    if (ts <= this.#closedBefore) return;
    this.#closedBefore = ts;
    this.#sink.closeThrough(ts);
  }
}
