/**
 * Alpaca's market-data stream as a LiveFeed: minute bars of stocks (`{stream_url}/v2/{feed}`)
 * and crypto pairs (`{stream_url}/v1beta3/crypto/{loc}`), one connection per endpoint. Each
 * connection is opened, authenticated and subscribed again whenever it drops (backoff with
 * jitter); the stream replays nothing, so the minutes missed meanwhile come from the REST bars
 * provider before live bars resume, and the first connection is preceded by a warm-up history.
 * A minute is closed for the session (`closeThrough`) once it ended plus a grace, since a quiet
 * symbol prints no bar, and only while every connection is up and caught up.
 * @see ../../../../../shared/specs/alpaca/streams.md
 */
import type { Bar } from '../../../core/bar.js';
import { VenueError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Clock, DataProvider, FeedLink, FeedSink, LiveFeed } from '../../../engine/ports.js';
import { requireCredentials, type ProviderContext } from '../../context.js';
import { isCryptoSymbol, toAlpacaSymbol, toBar } from '../mapper.js';
import { ALPACA_CREDENTIAL_VARS, AlpacaDataProvider } from '../provider.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { BarGate, type StreamStats } from './bar-gate.js';
import { fetchHistory, MINUTE_MS, warmupStart, type HistoryRange } from './history.js';
import type { StreamQuote, StreamTrade } from './schemas.js';
import { openStreamSession, type StreamCredentials, type StreamSession } from './session.js';

export const ALPACA_DEFAULT_STREAM_URL = 'wss://stream.data.alpaca.markets';
const VENUE = 'alpaca';

export interface AlpacaStreamOptions {
  /** Symbols as Alpaca writes them: `AAPL`, `BTC/USD` (a slash makes a crypto pair). */
  readonly symbols: readonly string[];
  /** Minute bars of history per symbol delivered before the first live bar (default 0). */
  readonly warmupBars?: number;
  /** Wait after a minute ends before closing it for quiet symbols (default 10 s). */
  readonly graceMs?: number;
  /** Longest a connection may stay down before `run` rejects with VENUE_STREAM_LOST (default 5 min). */
  readonly lostTimeoutMs?: number;
  /** Ping period finding a connection that died silently (real time; default 30 s, 0 = off). */
  readonly heartbeatMs?: number;
  /** Longest wait for each handshake step (default `http.timeout_ms`). */
  readonly handshakeTimeoutMs?: number;
  readonly backoff?: BackoffPolicy;
  /** Uniform in [0, 1): the backoff's jitter (default Math.random). */
  readonly random?: () => number;
  /** "Now" for arrival times, closing minutes and the lost-stream timeout (default the wall clock). */
  readonly clock?: Clock;
  /** The wait between reconnect attempts (default a timer that the abort signal cuts short). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often minutes are checked for closing (default 1 s). */
  readonly tickMs?: number;
  /** Where warm-up and backfill bars come from (default the Alpaca REST bars provider). */
  readonly history?: DataProvider;
  /** v1beta3 crypto location (default `us`). */
  readonly cryptoLocation?: string;
  /** Trades of the symbols, when a fill model needs them (subscribes the `trades` channel). */
  readonly onTrade?: (symbol: string, trade: StreamTrade) => void;
  /** Quotes of the symbols (subscribes the `quotes` channel). */
  readonly onQuote?: (symbol: string, quote: StreamQuote) => void;
}

/** The symbols of one endpoint and the state of its connection. */
interface Endpoint {
  readonly url: string;
  readonly symbols: readonly string[];
  readonly bySymbol: ReadonlyMap<string, string>;
  isLive: boolean;
  /** Since when (the feed's clock) the socket has been subscribed, or down (`link`). */
  link: FeedLink;
  /** Live bars that came while the gap was being filled, delivered after it. */
  pending: { bar: Bar; arrivedAt: number }[];
  /** The first minute the stream covered: backfill of a symbol with no bar yet starts there. */
  liveFrom: number | undefined;
}

const wallClock: Clock = { now: () => Date.now() };

export class AlpacaLiveFeed implements LiveFeed {
  readonly name = VENUE;
  readonly symbols: readonly string[];
  readonly #ctx: ProviderContext;
  readonly #options: AlpacaStreamOptions;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #endpoints: Endpoint[];
  readonly #history: DataProvider;
  #gate: BarGate | undefined;
  /** What the session's sink or callbacks threw: it ends the run (a bug, not a venue fault). */
  #fatal: { error: unknown } | undefined;
  #stopRun: (() => void) | undefined;
  #isRunning = false;

  constructor(ctx: ProviderContext, options: AlpacaStreamOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.symbols = [...new Set(options.symbols)];
    this.#clock = options.clock ?? wallClock;
    this.#logger = ctx.logger?.child({ component: 'alpaca.stream' });
    this.#history = options.history ?? new AlpacaDataProvider(ctx, { cryptoLocation: options.cryptoLocation ?? 'us' });
    const { stream_url: configured, feed } = ctx.config.venues.alpaca;
    const base = (configured === '' ? ALPACA_DEFAULT_STREAM_URL : configured).replace(/\/+$/, '');
    const location = encodeURIComponent(options.cryptoLocation ?? 'us');
    const crypto = this.symbols.filter(isCryptoSymbol);
    const stocks = this.symbols.filter((s) => !isCryptoSymbol(s));
    this.#endpoints = [
      ...(stocks.length > 0 ? [endpoint(`${base}/v2/${feed}`, stocks)] : []),
      ...(crypto.length > 0 ? [endpoint(`${base}/v1beta3/crypto/${location}`, crypto)] : []),
    ];
  }

  /** Counts of the current (or last) run: delivered, warm-up, backfilled, dropped, reconnects. */
  get stats(): StreamStats | undefined {
    return this.#gate?.stats;
  }

  /**
   * Up while every endpoint's socket is subscribed (its catch-up through REST may still run),
   * since the last one came up; else down since the earliest endpoint went down (or the run began).
   */
  link(): FeedLink | undefined {
    if (!this.#isRunning) return undefined;
    const down = this.#endpoints.filter((e) => !e.link.isUp);
    if (down.length > 0) return { isUp: false, since: Math.min(...down.map((e) => e.link.since)) };
    return { isUp: true, since: Math.max(...this.#endpoints.map((e) => e.link.since)) };
  }

  async run(sink: FeedSink, signal: AbortSignal): Promise<void> {
    const [keyId, secretKey] = requireCredentials(VENUE, this.#ctx.env, ALPACA_CREDENTIAL_VARS) as [string, string];
    const started = this.#clock.now();
    for (const e of this.#endpoints) e.link = { isUp: false, since: started };
    this.#isRunning = true;
    const gate = new BarGate(sink, this.#logger);
    this.#gate = gate;
    const inner = new AbortController();
    const stop = (): void => inner.abort();
    this.#fatal = undefined;
    this.#stopRun = stop;
    signal.addEventListener('abort', stop, { once: true });
    const ticker = setInterval(
      this.#guard(() => this.#tick()),
      this.#options.tickMs ?? 1000,
    );
    try {
      // One endpoint failing for good ends the others too.
      const runs = this.#endpoints.map((e) =>
        this.#runEndpoint(e, { keyId, secretKey }, gate, inner.signal).catch((error: unknown) => {
          inner.abort();
          throw error;
        }),
      );
      const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
      // Set by a guarded delivery meanwhile (narrowing does not see it).
      const fatal = this.#fatal as { error: unknown } | undefined;
      if (fatal !== undefined) throw fatal.error;
      if (failed !== undefined) throw failed.reason;
    } finally {
      clearInterval(ticker);
      signal.removeEventListener('abort', stop);
      inner.abort();
      for (const e of this.#endpoints) e.isLive = false;
      this.#isRunning = false;
    }
  }

  async #runEndpoint(e: Endpoint, keys: StreamCredentials, gate: BarGate, signal: AbortSignal): Promise<void> {
    const o = this.#options;
    const lostTimeoutMs = o.lostTimeoutMs ?? 300_000;
    const where = new URL(e.url).pathname;
    let attempt = 0;
    let downSince = this.#clock.now();
    while (!signal.aborted) {
      let session: StreamSession | undefined;
      try {
        session = await openStreamSession(e.url, keys, this.#subscription(e), this.#handlers(e, gate), {
          timeoutMs: o.handshakeTimeoutMs ?? this.#ctx.config.http.timeout_ms,
          heartbeatMs: o.heartbeatMs ?? 30_000,
          signal,
        });
        e.link = { isUp: true, since: this.#clock.now() };
        await this.#catchUp(e, gate, signal);
      } catch (error) {
        session?.close();
        if (e.link.isUp) e.link = { isUp: false, since: this.#clock.now() };
        if (signal.aborted) return;
        if (!(error instanceof VenueError) || error.code === 'VENUE_AUTH') throw error;
        // The session's refusals for good (bad symbols, over the symbol limit) are not retried.
        if (session === undefined && !error.retryable) throw error;
        const downFor = this.#clock.now() - downSince;
        if (downFor >= lostTimeoutMs) throw streamLost(where, downFor, lostTimeoutMs, error);
        const delayMs = backoffDelay(o.backoff ?? DEFAULT_BACKOFF, attempt++, o.random ?? Math.random);
        this.#logger?.warn({ endpoint: where, attempt, delayMs, reason: error.message }, 'stream not ready: retrying');
        await (o.sleep ?? abortableSleep)(delayMs, signal);
        continue;
      }
      attempt = 0;
      e.isLive = true;
      for (const { bar, arrivedAt } of e.pending.splice(0).sort((a, b) => a.bar.ts - b.bar.ts)) {
        gate.offer(bar, arrivedAt, 'live');
      }
      this.#logger?.info({ endpoint: where, symbols: e.symbols.length }, 'stream subscribed');
      this.#tick();
      const closed = await session.closed;
      e.isLive = false;
      if (signal.aborted) return;
      gate.reconnecting();
      downSince = this.#clock.now();
      e.link = { isUp: false, since: downSince };
      this.#logger?.warn({ endpoint: where, code: closed.code }, 'stream lost: reconnecting');
    }
  }

  #subscription(e: Endpoint): { bars: string[]; trades?: string[]; quotes?: string[] } {
    const wire = e.symbols.map(toAlpacaSymbol);
    return {
      bars: wire,
      ...(this.#options.onTrade === undefined ? {} : { trades: wire }),
      ...(this.#options.onQuote === undefined ? {} : { quotes: wire }),
    };
  }

  /**
   * Runs a delivery inside a socket's message handler: what the sink or a callback throws must
   * end `run` with that error, not escape into the socket and take the process down.
   */
  #guard<A>(f: (a: A) => void): (a: A) => void {
    return (a) => {
      if (this.#fatal !== undefined) return;
      try {
        f(a);
      } catch (error) {
        this.#fatal = { error };
        this.#stopRun?.();
      }
    };
  }

  #handlers(e: Endpoint, gate: BarGate): Parameters<typeof openStreamSession>[3] {
    const { onTrade, onQuote } = this.#options;
    return {
      onBar: this.#guard((wire) => {
        const symbol = e.bySymbol.get(wire.S);
        // Data of a symbol just unsubscribed may still come (spec A.5): not ours.
        if (symbol === undefined) return;
        const bar = toBar(symbol, wire, '1m', 'UTC');
        const arrivedAt = this.#clock.now();
        if (!e.isLive) e.pending.push({ bar, arrivedAt });
        else {
          gate.offer(bar, arrivedAt, 'live');
          this.#tick();
        }
      }),
      onTrade: this.#guard((t) => {
        const symbol = e.bySymbol.get(t.S);
        if (symbol !== undefined) onTrade?.(symbol, t);
      }),
      onQuote: this.#guard((q) => {
        const symbol = e.bySymbol.get(q.S);
        if (symbol !== undefined) onQuote?.(symbol, q);
      }),
      onMalformed: (reason) => {
        gate.stats.malformed++;
        this.#logger?.warn({ endpoint: new URL(e.url).pathname, reason }, 'malformed stream message skipped');
      },
      onVenueError: (error) => {
        this.#logger?.warn({ endpoint: new URL(e.url).pathname, code: error.code, msg: error.msg }, 'stream error');
      },
    };
  }

  /**
   * The bars of the minutes before the live ones: on the first connection the warm-up history,
   * after a reconnect every minute since the symbol's last delivered bar. Minutes from the
   * current one on come live (the subscription is already in place).
   */
  async #catchUp(e: Endpoint, gate: BarGate, signal: AbortSignal): Promise<void> {
    const end = Math.floor(this.#clock.now() / MINUTE_MS) * MINUTE_MS;
    const isFirst = e.liveFrom === undefined;
    const liveFrom = (e.liveFrom ??= end);
    const warmup = this.#options.warmupBars ?? 0;
    const ranges: HistoryRange[] = [];
    for (const symbol of e.symbols) {
      const last = gate.lastTs(symbol);
      if (last !== undefined) ranges.push({ symbol, start: last + MINUTE_MS, end });
      else if (isFirst && warmup > 0)
        ranges.push({ symbol, start: warmupStart(symbol, warmup, end), end, keepLast: warmup });
      else if (!isFirst) ranges.push({ symbol, start: liveFrom, end });
    }
    if (ranges.length === 0) return;
    const bars = await fetchHistory(this.#history, ranges, signal);
    const arrivedAt = this.#clock.now();
    for (const bar of bars) gate.offer(bar, arrivedAt, isFirst ? 'warmup' : 'backfill');
    if (bars.length > 0) {
      this.#logger?.info(
        { endpoint: new URL(e.url).pathname, bars: bars.length },
        isFirst ? 'warm-up loaded' : 'gap backfilled',
      );
    }
  }

  /** Closes the minutes that ended more than the grace ago, while every endpoint is caught up. */
  #tick(): void {
    const gate = this.#gate;
    if (gate === undefined || this.#endpoints.some((e) => !e.isLive)) return;
    // Every minute that starts before `ended` ended a grace ago or more.
    const ended = Math.floor((this.#clock.now() - (this.#options.graceMs ?? 10_000)) / MINUTE_MS) * MINUTE_MS;
    gate.closeThrough(ended);
  }
}

function endpoint(url: string, symbols: readonly string[]): Endpoint {
  return {
    url,
    symbols,
    bySymbol: new Map(symbols.map((s) => [toAlpacaSymbol(s), s])),
    isLive: false,
    link: { isUp: false, since: NaN },
    pending: [],
    liveFrom: undefined,
  };
}

function streamLost(where: string, downForMs: number, timeoutMs: number, cause: VenueError): VenueError {
  return new VenueError(
    'VENUE_STREAM_LOST',
    `alpaca stream ${where} has been down for ${Math.round(downForMs / 1000)} s, past the ${Math.round(timeoutMs / 1000)} s allowed (last: ${cause.message})`,
    {
      hint: 'check the network and https://status.alpaca.markets, then start the session again: it warms up and resumes',
      context: { venue: VENUE, value: where },
      cause,
    },
  );
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
