/**
 * Historical bars from Polygon.io (now Massive) aggregates v2.
 * @see https://massive.com/docs/rest/stocks/aggregates/custom-bars (formerly polygon.io/docs)
 * @see ../shared/specs/polygon/rest.json
 */
import type { Bar } from '../../core/bar.js';
import { ConfigError, VenueError } from '../../core/errors.js';
import type { Instrument } from '../../core/instrument.js';
import { REDACTED } from '../../core/secrets.js';
import type { ProviderContext } from '../context.js';
import { HttpClient } from '../http/http-client.js';
import type { BarRequest, DataProvider, FetchOptions } from '../../engine/ports.js';
import { mapPolygonAggs, polygonAggsPath, polygonInstrument } from './mapper.js';
import {
  POLYGON_OK_STATUSES,
  polygonAggsResponseSchema,
  polygonErrorSchema,
  type PolygonAggsResponse,
} from './schemas.js';

export const POLYGON_VENUE = 'polygon';
export const POLYGON_DEFAULT_BASE_URL = 'https://api.massive.com';
/** Where the key is read from, in order (Massive kept Polygon keys valid after the rebrand). */
export const POLYGON_KEY_VARS = ['POLYGON_API_KEY', 'MASSIVE_API_KEY'] as const;
/**
 * The free (Basic) plan allows 5 requests per minute.
 * @see https://polygon.io/knowledge-base/article/what-is-the-request-limit-for-polygon-restful-apis
 */
export const POLYGON_FREE_TIER_REQUESTS_PER_MINUTE = 5;
/**
 * Default client-side budget. Paid plans have no per-minute cap (Polygon asks clients to stay
 * well under 100 requests per second); 100 per minute is generous yet polite. Free-plan users set 5.
 */
export const POLYGON_DEFAULT_REQUESTS_PER_MINUTE = 100;
/** Largest `limit` (base aggregates per answer) the endpoint accepts. */
export const POLYGON_MAX_LIMIT = 50_000;

export interface PolygonProviderOptions {
  /** Client-side rate limit (requests per rolling minute, token bucket); default 100, free plan 5. */
  readonly requestsPerMinute?: number;
  /** `limit` query parameter, 1..50000 (default 50000: fewest pages). */
  readonly limit?: number;
}

const KEY_LABEL = `${POLYGON_KEY_VARS[0]} (or ${POLYGON_KEY_VARS[1]})`;

/** The API key from the environment, or VENUE_AUTH naming both variables. */
export function polygonApiKey(env: Readonly<Record<string, string | undefined>>): string {
  for (const name of POLYGON_KEY_VARS) {
    const value = (env[name] ?? '').trim();
    if (value !== '') return value;
  }
  throw new VenueError(
    'VENUE_AUTH',
    `${POLYGON_VENUE} API key is not set (${POLYGON_KEY_VARS.join(' and ')} missing)`,
    {
      hint: `set ${KEY_LABEL} in the environment or the workspace .env file; keys are at https://massive.com/dashboard/keys`,
      context: { venue: POLYGON_VENUE },
    },
  );
}

/**
 * DataProvider over `GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}`.
 * The key travels only in `Authorization: Bearer` (as the official client sends it, see
 * polygon-io/client-python `polygon/rest/base.py`), so no URL
 * ever carries it; `next_url` pages are followed only on the configured origin for that reason.
 */
export class PolygonProvider implements DataProvider {
  readonly name = POLYGON_VENUE;
  readonly #ctx: ProviderContext;
  readonly #requestsPerMinute: number;
  readonly #limit: number;
  readonly #baseUrl: string;
  #http: { client: HttpClient; key: string } | undefined;

  constructor(ctx: ProviderContext, options: PolygonProviderOptions = {}) {
    this.#ctx = ctx;
    this.#requestsPerMinute = options.requestsPerMinute ?? POLYGON_DEFAULT_REQUESTS_PER_MINUTE;
    this.#limit = options.limit ?? POLYGON_MAX_LIMIT;
    if (!(this.#requestsPerMinute > 0) || !Number.isFinite(this.#requestsPerMinute)) {
      throw invalidOption('requestsPerMinute', this.#requestsPerMinute, 'a positive number, e.g. 5 on the free plan');
    }
    if (!Number.isInteger(this.#limit) || this.#limit < 1 || this.#limit > POLYGON_MAX_LIMIT) {
      throw invalidOption('limit', this.#limit, `an integer from 1 to ${POLYGON_MAX_LIMIT}`);
    }
    const configured = ctx.config.venues.polygon.base_url;
    this.#baseUrl = configured === '' ? POLYGON_DEFAULT_BASE_URL : configured;
  }

  instrument(symbol: string): Instrument {
    return polygonInstrument(symbol);
  }

  async *fetchBars(request: BarRequest, options: FetchOptions = {}): AsyncIterable<readonly Bar[]> {
    const { client, key } = this.#client();
    if (!(request.end > request.start)) return;
    const adjusted = this.#ctx.config.venues.polygon.adjusted;
    let next: string | undefined = polygonAggsPath(request);
    let query: Readonly<Record<string, string | number>> = {
      adjusted: String(adjusted),
      sort: 'asc',
      limit: this.#limit,
    };
    const followed = new Set<string>();
    let lastTs = -Infinity;
    while (next !== undefined) {
      const res = await client.getJson(next, { query, ...(options.signal ? { signal: options.signal } : {}) });
      const where = endpointOf(res.url);
      const page = parseAggsPage(res.body, { where, symbol: request.symbol, adjusted, key });
      const bars = mapPolygonAggs(request, page.results ?? []);
      for (const bar of bars) {
        if (!(bar.ts > lastTs)) throw badResponse(`bars are not in ascending time order at ts ${bar.ts}`, where);
        lastTs = bar.ts;
      }
      if (bars.length > 0) yield bars;
      next = page.next_url === undefined ? undefined : this.#nextPage(page.next_url, where, followed);
      query = {};
    }
  }

  /** Follows a `next_url` only on our own origin (it is sent the key) and never twice. */
  #nextPage(raw: string, where: string, followed: Set<string>): string {
    const origin = new URL(this.#baseUrl).origin;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badResponse('next_url is not an absolute URL', where);
    }
    if (url.origin !== origin) {
      throw badResponse(
        `next_url points to ${url.origin}, not ${origin}; not followed so the key stays private`,
        where,
      );
    }
    if (followed.has(url.href)) throw badResponse('next_url repeats a page already fetched', where);
    followed.add(url.href);
    return url.href;
  }

  #client(): { client: HttpClient; key: string } {
    if (this.#http === undefined) {
      const key = polygonApiKey(this.#ctx.env);
      const { http } = this.#ctx.config;
      const client = new HttpClient({
        venue: POLYGON_VENUE,
        baseUrl: this.#baseUrl,
        headers: { authorization: `Bearer ${key}` },
        credentialVars: [KEY_LABEL],
        timeoutMs: http.timeout_ms,
        retries: http.retries,
        backoffMs: http.backoff_ms,
        rateLimit: { limit: this.#requestsPerMinute, windowMs: 60_000 },
        ...(this.#ctx.sleep ? { sleep: this.#ctx.sleep } : {}),
        ...(this.#ctx.logger ? { logger: this.#ctx.logger } : {}),
      });
      this.#http = { client, key };
    }
    return this.#http;
  }
}

export function createPolygonProvider(ctx: ProviderContext, options: PolygonProviderOptions = {}): DataProvider {
  return new PolygonProvider(ctx, options);
}

interface PageExpectation {
  readonly where: string;
  readonly symbol: string;
  readonly adjusted: boolean;
  /** Masked out of any vendor text we repeat. */
  readonly key: string;
}

/** Validates one aggregates answer; a vendor error status or a schema break is a VenueError. */
export function parseAggsPage(body: unknown, expect: PageExpectation): PolygonAggsResponse {
  const { where } = expect;
  const status = polygonErrorSchema.safeParse(body);
  if (status.success && !(POLYGON_OK_STATUSES as readonly string[]).includes(status.data.status)) {
    const said = (status.data.error ?? status.data.message ?? '').split(expect.key).join(REDACTED).slice(0, 200);
    throw new VenueError(
      'VENUE_BAD_RESPONSE',
      `${POLYGON_VENUE} answered status ${status.data.status}${said === '' ? '' : ` (${said})`} at ${where}`,
      {
        hint: 'check the symbol, timeframe and dates of the request; retry later if it persists',
        context: { venue: POLYGON_VENUE, value: where },
      },
    );
  }
  const parsed = polygonAggsResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.length === 0 ? '(body)' : i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw badResponse(`malformed aggregates answer (${issues})`, where);
  }
  if (parsed.data.ticker !== expect.symbol) {
    throw badResponse(`answer is for ticker ${parsed.data.ticker}, not ${expect.symbol}`, where);
  }
  if (parsed.data.adjusted !== undefined && parsed.data.adjusted !== expect.adjusted) {
    throw badResponse(`answer has adjusted=${parsed.data.adjusted}, asked for ${expect.adjusted}`, where);
  }
  return parsed.data;
}

/** Origin and path of a request URL: names the endpoint without the query. */
function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function badResponse(what: string, where: string): VenueError {
  return new VenueError('VENUE_BAD_RESPONSE', `${POLYGON_VENUE}: ${what} at ${where}`, {
    hint: 'nothing from this page was used; retry later, or report it if it persists',
    context: { venue: POLYGON_VENUE, value: where },
  });
}

function invalidOption(name: string, value: number, expected: string): ConfigError {
  return new ConfigError('CONFIG_INVALID_VALUE', `polygon option ${name} is ${value}; expected ${expected}`, {
    hint: `pass ${name} as ${expected}`,
    context: { key: name, value: String(value) },
  });
}
