/**
 * Historical bars from Binance spot klines (`GET /api/v3/klines`). Public market data: no key is
 * needed; `BINANCE_API_KEY`, when set, is sent as `X-MBX-APIKEY`.
 * @see ../shared/specs/binance/spot_api.yaml `/api/v3/klines` (Weight(IP): 2, limit max 1000)
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits (6000 weight/min per IP,
 *   X-MBX-USED-WEIGHT-1M, Retry-After on 429/418)
 */
import type { Bar } from '../../core/bar.js';
import { TIMEFRAME_MS } from '../../core/enums.js';
import { UsageError, VenueError } from '../../core/errors.js';
import { cryptoPair, type Instrument } from '../../core/instrument.js';
import type { Logger } from '../../core/logger.js';
import { secretScrubber } from '../../core/secrets.js';
import type { ProviderContext } from '../context.js';
import { HttpClient } from '../http/http-client.js';
import { realSleep, type Sleep } from '../http/rate-limiter.js';
import type { BarRequest, DataProvider, FetchOptions } from '../../engine/ports.js';
import { BINANCE_INTERVAL, barFromKline, klineProblem, klineTs, quoteAssetOf, toBinanceSymbol } from './mapper.js';
import { parseBinanceKlines, type BinanceKline } from './schemas.js';

export const BINANCE_DEFAULT_DATA_URL = 'https://api.binance.com';
export const BINANCE_KLINES_PATH = '/api/v3/klines';
/** Rows per request: the endpoint's maximum `limit`. */
export const BINANCE_KLINES_LIMIT = 1000;
/** Request weight of `/api/v3/klines` (flat, whatever the limit, in the spec we follow). */
export const BINANCE_KLINES_WEIGHT = 2;
/** REQUEST_WEIGHT limit per IP and minute on `/api/*`. */
export const BINANCE_WEIGHT_LIMIT_1M = 6000;
/** Pause new requests once the reported minute weight would pass this share of the limit. */
export const BINANCE_WEIGHT_THROTTLE_SHARE = 0.9;
/** Waited past the minute boundary, for clock skew between us and Binance. */
export const BINANCE_MINUTE_ROLL_MARGIN_MS = 500;
export const BINANCE_CREDENTIAL_VARS = ['BINANCE_API_KEY', 'BINANCE_API_SECRET'] as const;

const MINUTE_MS = 60_000;

export interface BinanceProviderOptions {
  /** The clock (epoch ms) for used-weight windows and for dropping klines that have not closed yet. */
  readonly now?: () => number;
}

/**
 * A DataProvider over Binance spot klines. Pages of at most 1000 klines are requested in
 * ascending order; each page is yielded as soon as it arrives. Klines still open at `now` are
 * left out (raw files are append-only, so only closed bars are written).
 */
export class BinanceProvider implements DataProvider {
  readonly name = 'binance';
  readonly #http: HttpClient;
  readonly #sleep: Sleep;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  #usedWeight = 0;
  #usedWeightMinute = Number.NaN;

  constructor(ctx: ProviderContext, options: BinanceProviderOptions = {}) {
    const key = (ctx.env['BINANCE_API_KEY'] ?? '').trim();
    if (key !== '') secretScrubber.add(key);
    const baseUrl =
      ctx.config.venues.binance.data_url === '' ? BINANCE_DEFAULT_DATA_URL : ctx.config.venues.binance.data_url;
    this.#sleep = ctx.sleep ?? realSleep;
    this.#now = options.now ?? Date.now;
    this.#logger = ctx.logger;
    this.#http = new HttpClient({
      venue: 'binance',
      baseUrl,
      headers: key === '' ? {} : { 'X-MBX-APIKEY': key },
      credentialVars: BINANCE_CREDENTIAL_VARS,
      timeoutMs: ctx.config.http.timeout_ms,
      retries: ctx.config.http.retries,
      backoffMs: ctx.config.http.backoff_ms,
      rateLimit: { limit: BINANCE_WEIGHT_LIMIT_1M, windowMs: MINUTE_MS },
      sleep: this.#sleep,
      ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
    });
  }

  instrument(symbol: string): Instrument {
    const quote = quoteAssetOf(symbol);
    if (quote === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `cannot tell the quote asset of Binance symbol "${symbol}"`, {
        hint: 'write the pair as BASE/QUOTE, e.g. BTC/USDT',
        context: { value: symbol },
      });
    }
    return cryptoPair(symbol, { currency: quote });
  }

  async *fetchBars(request: BarRequest, options: FetchOptions = {}): AsyncGenerator<readonly Bar[]> {
    const { symbol, timeframe, start, end } = request;
    const step = TIMEFRAME_MS[timeframe];
    const interval = BINANCE_INTERVAL[timeframe];
    if (interval === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `Binance has no klines for timeframe "${String(timeframe)}"`, {
        hint: `use one of ${Object.keys(BINANCE_INTERVAL).join(', ')}`,
        context: { value: String(timeframe) },
      });
    }
    const wire = toBinanceSymbol(symbol);
    const endTime = end - 1; // Binance's endTime is inclusive; ours is exclusive.
    let from = start;
    let prevOpen = -Infinity;
    while (from <= endTime) {
      const klines = await this.#page(wire, interval, from, endTime, options.signal);
      const bars: Bar[] = [];
      let isOpenKlineSeen = false;
      for (const k of klines) {
        if (k.openTime <= prevOpen) {
          throw badResponse(`kline ${new Date(k.openTime).toISOString()} is out of order or repeated`, wire);
        }
        if (prevOpen !== -Infinity && k.openTime - prevOpen > step) this.#logGap(symbol, prevOpen, k.openTime, step);
        prevOpen = k.openTime;
        if (k.closeTime >= this.#now()) {
          isOpenKlineSeen = true; // still forming: it would change after we wrote it
          break;
        }
        const ts = klineTs(k.openTime, timeframe);
        if (ts < start || ts >= end) continue;
        const problem = klineProblem(k);
        if (problem !== undefined) throw badResponse(`kline ${new Date(k.openTime).toISOString()}: ${problem}`, wire);
        bars.push(barFromKline(k, symbol, timeframe));
      }
      if (bars.length > 0) yield bars;
      const last = klines.at(-1);
      if (isOpenKlineSeen || last === undefined || klines.length < BINANCE_KLINES_LIMIT) return;
      if (last.openTime < from) throw badResponse(`a page ended before its startTime ${from}`, wire);
      from = last.openTime + step;
    }
  }

  async #page(
    wire: string,
    interval: string,
    startTime: number,
    endTime: number,
    signal: AbortSignal | undefined,
  ): Promise<readonly BinanceKline[]> {
    await this.#throttle(signal);
    const query = { symbol: wire, interval, startTime, endTime, limit: BINANCE_KLINES_LIMIT };
    let body: unknown;
    try {
      const res = await this.#http.getJson(BINANCE_KLINES_PATH, {
        query,
        weight: BINANCE_KLINES_WEIGHT,
        ...(signal === undefined ? {} : { signal }),
      });
      this.#noteUsedWeight(res.headers.get('x-mbx-used-weight-1m'));
      body = res.body;
    } catch (e) {
      throw translate(e, wire);
    }
    const parsed = parseBinanceKlines(body);
    if (!parsed.ok) throw badResponse(parsed.problem, wire);
    this.#logger?.debug(
      {
        venue: 'binance',
        symbol: wire,
        interval,
        startTime,
        rows: parsed.klines.length,
        usedWeight1m: this.#usedWeight,
      },
      'binance: klines page',
    );
    return parsed.klines;
  }

  #noteUsedWeight(header: string | null): void {
    const used = Number(header);
    if (header === null || !Number.isFinite(used)) return;
    this.#usedWeight = used;
    this.#usedWeightMinute = Math.floor(this.#now() / MINUTE_MS);
  }

  /** Waits for the next minute when the weight Binance reported for this one is nearly spent. */
  async #throttle(signal: AbortSignal | undefined): Promise<void> {
    const now = this.#now();
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.#usedWeightMinute) return;
    if (this.#usedWeight + BINANCE_KLINES_WEIGHT <= BINANCE_WEIGHT_LIMIT_1M * BINANCE_WEIGHT_THROTTLE_SHARE) return;
    const wait = (minute + 1) * MINUTE_MS - now + BINANCE_MINUTE_ROLL_MARGIN_MS;
    this.#logger?.warn(
      { venue: 'binance', usedWeight1m: this.#usedWeight, limit: BINANCE_WEIGHT_LIMIT_1M, waitMs: wait },
      'binance: request weight nearly spent for this minute; waiting for the next one',
    );
    await this.#sleep(wait, signal);
    this.#usedWeight = 0;
    this.#usedWeightMinute = Number.NaN;
  }

  #logGap(symbol: string, prevOpen: number, nextOpen: number, step: number): void {
    this.#logger?.warn(
      {
        venue: 'binance',
        symbol,
        after: new Date(prevOpen).toISOString(),
        before: new Date(nextOpen).toISOString(),
        missing: Math.round((nextOpen - prevOpen) / step) - 1,
      },
      'binance: klines missing (venue gap)',
    );
  }
}

export function createBinanceProvider(ctx: ProviderContext, options: BinanceProviderOptions = {}): DataProvider {
  return new BinanceProvider(ctx, options);
}

function badResponse(problem: string, wire: string): VenueError {
  return new VenueError(
    'VENUE_BAD_RESPONSE',
    `binance ${BINANCE_KLINES_PATH} returned a malformed payload: ${problem}`,
    {
      hint: 'nothing was written; retry later, or report it if it persists',
      context: { venue: 'binance', value: BINANCE_KLINES_PATH, symbol: wire },
    },
  );
}

/** Adds Binance-specific advice to the transport's errors (IP bans, symbol errors). */
function translate(e: unknown, wire: string): unknown {
  if (!(e instanceof VenueError)) return e;
  if (e.status === 418) {
    const secs = e.retryAfterMs === undefined ? undefined : Math.ceil(e.retryAfterMs / 1000);
    return new VenueError(
      'VENUE_RATE_LIMITED',
      `binance banned this IP for sending too much request weight (HTTP 418)${secs === undefined ? '' : ` for ${secs} s`}`,
      {
        status: 418,
        retryable: true,
        ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
        hint: 'do not call Binance from this IP until the ban ends (Retry-After); bans grow from 2 minutes to 3 days for repeat offenders',
        context: { ...e.context, symbol: wire },
        cause: e,
      },
    );
  }
  if (e.code === 'VENUE_BAD_RESPONSE' && e.status === 400) {
    return new VenueError('VENUE_BAD_RESPONSE', e.message, {
      status: 400,
      hint: `check the symbol (Binance spot pairs are written like BTCUSDT; "${wire}" was sent), the timeframe and the dates`,
      context: { ...e.context, symbol: wire },
      cause: e,
    });
  }
  return e;
}
