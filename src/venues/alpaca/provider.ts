/**
 * Alpaca Market Data bars as a DataProvider: stocks from `GET /v2/stocks/{symbol}/bars` (keys
 * required), crypto pairs (`BTC/USD`) from `GET /v1beta3/crypto/{loc}/bars` (no keys needed).
 * Follows `next_page_token` until null; every page is validated before any of it is used.
 * @see https://docs.alpaca.markets/reference/stockbarsingle-1
 * @see https://docs.alpaca.markets/reference/cryptobars-1
 */
import type { Bar } from '../../core/bar.js';
import { ConfigError, VenueError } from '../../core/errors.js';
import { cryptoPair, equity, type Instrument } from '../../core/instrument.js';
import { getCalendar } from '../../calendar/registry.js';
import { requireCredentials, type ProviderContext } from '../context.js';
import { HttpClient, type HttpResponse } from '../http/http-client.js';
import type { RateLimit } from '../http/rate-limiter.js';
import type { BarRequest, DataProvider, FetchOptions } from '../../engine/ports.js';
import { describeIssues, isCryptoSymbol, queryRange, toAlpacaSymbol, toAlpacaTimeframe, toBars } from './mapper.js';
import {
  ALPACA_MAX_PAGE_LIMIT,
  alpacaCryptoBarsResponseSchema,
  alpacaStockBarsResponseSchema,
  type AlpacaBar,
} from './schemas.js';

export const ALPACA_DEFAULT_DATA_URL = 'https://data.alpaca.markets';
/** Environment variables holding the key pair, sent as APCA-API-KEY-ID / APCA-API-SECRET-KEY. */
export const ALPACA_CREDENTIAL_VARS = ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'] as const;
/** Alpaca's default (free plan) budget for the data API: 200 requests per minute. */
export const ALPACA_DEFAULT_RATE_LIMIT: RateLimit = { limit: 200, windowMs: 60_000 };

const VENUE = 'alpaca';
/** Identical tokens in a row after which pagination is declared stuck. */
const MAX_REPEATED_TOKENS = 3;

export interface AlpacaProviderOptions {
  /** Client-side request budget (default 200 per minute; raise it for Algo Trader Plus). */
  readonly rateLimit?: RateLimit;
  /** Bars per page, 1..10000 (default 10000: fewest requests). */
  readonly pageLimit?: number;
  /** v1beta3 crypto location (default `us`). */
  readonly cryptoLocation?: string;
}

interface Page {
  readonly bars: readonly AlpacaBar[] | null;
  readonly next: string | null;
}

export class AlpacaDataProvider implements DataProvider {
  readonly name = VENUE;
  readonly #ctx: ProviderContext;
  readonly #http: HttpClient;
  readonly #pageLimit: number;
  readonly #cryptoLocation: string;

  constructor(ctx: ProviderContext, options: AlpacaProviderOptions = {}) {
    const pageLimit = options.pageLimit ?? ALPACA_MAX_PAGE_LIMIT;
    if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > ALPACA_MAX_PAGE_LIMIT) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `alpaca page limit ${pageLimit} is outside 1..10000`, {
        hint: 'pass a whole number of bars per page from 1 to 10000',
        context: { key: 'pageLimit', value: String(pageLimit) },
      });
    }
    this.#ctx = ctx;
    this.#pageLimit = pageLimit;
    this.#cryptoLocation = options.cryptoLocation ?? 'us';
    const { http } = ctx.config;
    this.#http = new HttpClient({
      venue: VENUE,
      baseUrl: ctx.config.venues.alpaca.data_url === '' ? ALPACA_DEFAULT_DATA_URL : ctx.config.venues.alpaca.data_url,
      headers: keyHeaders(ctx.env),
      credentialVars: ALPACA_CREDENTIAL_VARS,
      timeoutMs: http.timeout_ms,
      retries: http.retries,
      backoffMs: http.backoff_ms,
      rateLimit: options.rateLimit ?? ALPACA_DEFAULT_RATE_LIMIT,
      ...(ctx.sleep === undefined ? {} : { sleep: ctx.sleep }),
      ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
    });
  }

  /** `BTC/USD` is a crypto pair quoted in USD on the 24/7 calendar; anything else a US equity. */
  instrument(symbol: string): Instrument {
    if (!isCryptoSymbol(symbol)) return equity(symbol);
    const quote = symbol.slice(symbol.indexOf('/') + 1).toUpperCase();
    return cryptoPair(symbol, quote === '' ? {} : { currency: quote });
  }

  async *fetchBars(request: BarRequest, options: FetchOptions = {}): AsyncIterable<readonly Bar[]> {
    if (!(request.start < request.end)) return;
    const isCrypto = isCryptoSymbol(request.symbol);
    // Stocks need keys: fail before any request rather than on a 401.
    if (!isCrypto) requireCredentials(VENUE, this.#ctx.env, ALPACA_CREDENTIAL_VARS);
    const wireSymbol = toAlpacaSymbol(request.symbol);
    const path = isCrypto
      ? `/v1beta3/crypto/${encodeURIComponent(this.#cryptoLocation)}/bars`
      : `/v2/stocks/${encodeURIComponent(wireSymbol)}/bars`;
    const { adjustment, feed } = this.#ctx.config.venues.alpaca;
    const query = {
      ...(isCrypto ? { symbols: wireSymbol } : {}),
      timeframe: toAlpacaTimeframe(request.timeframe),
      ...queryRange(request.start, request.end),
      limit: this.#pageLimit,
      ...(isCrypto ? {} : { adjustment, feed }),
    };
    const mapping = {
      symbol: request.symbol,
      timeframe: request.timeframe,
      timezone: getCalendar(this.instrument(request.symbol).calendar).timezone,
      start: request.start,
      end: request.end,
    };
    let token: string | undefined;
    let repeats = 0;
    let last = -Infinity;
    for (;;) {
      const res = await this.#http.getJson(path, {
        query: { ...query, page_token: token },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const page = isCrypto ? cryptoPage(res, path, wireSymbol) : stockPage(res, path, wireSymbol);
      const bars = toBars(page.bars, mapping);
      for (const b of bars) {
        if (b.ts <= last) {
          throw badResponse(res, path, `bars are out of order or repeated at ${new Date(b.ts).toISOString()}`);
        }
        last = b.ts;
      }
      if (bars.length > 0) yield bars;
      if (page.next === null) return;
      repeats = page.next === token ? repeats + 1 : 0;
      if (repeats >= MAX_REPEATED_TOKENS) {
        throw badResponse(res, path, `next_page_token repeated ${MAX_REPEATED_TOKENS} times without progress`);
      }
      token = page.next;
    }
  }
}

export function createAlpacaProvider(ctx: ProviderContext, options: AlpacaProviderOptions = {}): DataProvider {
  return new AlpacaDataProvider(ctx, options);
}

/** Key headers when both variables are set (crypto works without them, with a lower rate limit). */
function keyHeaders(env: ProviderContext['env']): Record<string, string> {
  const id = env.APCA_API_KEY_ID?.trim() ?? '';
  const secret = env.APCA_API_SECRET_KEY?.trim() ?? '';
  return id === '' || secret === '' ? {} : { 'APCA-API-KEY-ID': id, 'APCA-API-SECRET-KEY': secret };
}

function stockPage(res: HttpResponse, path: string, symbol: string): Page {
  const parsed = alpacaStockBarsResponseSchema.safeParse(res.body);
  if (!parsed.success) throw badResponse(res, path, describeIssues(parsed.error));
  if (parsed.data.symbol.toUpperCase() !== symbol) {
    throw badResponse(res, path, `bars are for ${parsed.data.symbol}, not ${symbol}`);
  }
  return { bars: parsed.data.bars, next: parsed.data.next_page_token };
}

function cryptoPage(res: HttpResponse, path: string, symbol: string): Page {
  const parsed = alpacaCryptoBarsResponseSchema.safeParse(res.body);
  if (!parsed.success) throw badResponse(res, path, describeIssues(parsed.error));
  return { bars: parsed.data.bars[symbol] ?? null, next: parsed.data.next_page_token ?? null };
}

function badResponse(res: HttpResponse, path: string, detail: string): VenueError {
  return new VenueError(
    'VENUE_BAD_RESPONSE',
    `${VENUE} answered GET ${path} with a payload that breaks the bars schema: ${detail}`,
    {
      status: res.status,
      hint: 'nothing from that page was used; retry later, and report it to Alpaca if it persists',
      context: { venue: VENUE, value: path },
    },
  );
}
