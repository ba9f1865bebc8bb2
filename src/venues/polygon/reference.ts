/**
 * Reference data from Polygon.io (Massive): ticker details as of a date (market cap, list date,
 * delisting), and splits and dividends by ex-date, following `next_url` pages.
 * @see https://massive.com/docs/rest/stocks/tickers/ticker-overview
 * @see https://massive.com/docs/rest/stocks/corporate-actions/splits
 * @see https://massive.com/docs/rest/stocks/corporate-actions/dividends
 * @see ../shared/specs/polygon/rest.json
 */
import { VenueError } from '../../core/errors.js';
import type { AssetRecord, CorporateAction } from '../../core/reference-data.js';
import { REDACTED } from '../../core/secrets.js';
import type { FetchOptions, ReferenceBatch, ReferenceDataProvider, ReferenceRowRejection } from '../../engine/ports.js';
import type { ProviderContext } from '../context.js';
import { HttpClient, type HttpResponse } from '../http/http-client.js';
import { describeZodIssues, parseItems } from '../reference-rows.js';
import { encodeTicker } from './mapper.js';
import {
  POLYGON_DEFAULT_BASE_URL,
  POLYGON_DEFAULT_REQUESTS_PER_MINUTE,
  POLYGON_KEY_VARS,
  POLYGON_VENUE,
  polygonApiKey,
} from './provider.js';
import { mapDividend, mapSplit, mapTickerDetails } from './reference-mapper.js';
import {
  polygonDividendSchema,
  polygonListPageSchema,
  polygonSplitSchema,
  polygonTickerDetailsResponseSchema,
  polygonTickerDetailsSchema,
} from './reference-schemas.js';

/** Results per page of the v3 list endpoints (the spec's maximum). */
const LIST_LIMIT = 1000;
const OK = new Set(['OK', 'DELAYED']);

export class PolygonReference implements ReferenceDataProvider {
  readonly name = POLYGON_VENUE;
  readonly #ctx: ProviderContext;
  readonly #requestsPerMinute: number;
  readonly #baseUrl: string;
  #http: { client: HttpClient; key: string } | undefined;

  constructor(ctx: ProviderContext, options: { readonly requestsPerMinute?: number } = {}) {
    this.#ctx = ctx;
    this.#requestsPerMinute = options.requestsPerMinute ?? POLYGON_DEFAULT_REQUESTS_PER_MINUTE;
    const configured = ctx.config.venues.polygon.base_url;
    this.#baseUrl = configured === '' ? POLYGON_DEFAULT_BASE_URL : configured;
  }

  /** `GET /v3/reference/tickers/{ticker}?date=asOf` per symbol; an unknown ticker (404) is a rejection. */
  async assets(
    symbols: readonly string[],
    asOf: string,
    options: FetchOptions = {},
  ): Promise<ReferenceBatch<AssetRecord>> {
    const { client, key } = this.#client();
    const out = { records: [] as AssetRecord[], rejected: [] as ReferenceRowRejection[] };
    for (const symbol of symbols) {
      const path = `/v3/reference/tickers/${encodeTicker(symbol)}`;
      const res = await client.request('GET', path, {
        query: { date: asOf },
        passStatuses: [404],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const where = `GET ${path}`;
      if (res.status === 404) {
        out.rejected.push({ where, raw: symbol, reason: `${POLYGON_VENUE} has no ticker ${symbol} on ${asOf}` });
        continue;
      }
      const env = polygonTickerDetailsResponseSchema.safeParse(res.body);
      if (!env.success) throw badResponse(res, where, `malformed ticker details (${describeZodIssues(env.error)})`);
      checkStatus(res, env.data.status, where, key);
      parseItems(
        [env.data.results],
        polygonTickerDetailsSchema,
        where,
        (d) => {
          if (d.ticker !== symbol) throw new Error(`details are for ${d.ticker}, not ${symbol}`);
          return mapTickerDetails(d, asOf);
        },
        out,
      );
    }
    return out;
  }

  /** Splits (`execution_date`) and dividends (`ex_dividend_date`) in `from..to`, per symbol. */
  async corporateActions(
    symbols: readonly string[],
    from: string,
    to: string,
    options: FetchOptions = {},
  ): Promise<ReferenceBatch<CorporateAction>> {
    const out = { records: [] as CorporateAction[], rejected: [] as ReferenceRowRejection[] };
    for (const symbol of symbols) {
      const splits = { ticker: symbol, 'execution_date.gte': from, 'execution_date.lte': to, limit: LIST_LIMIT };
      for await (const page of this.#pages('/v3/reference/splits', splits, options)) {
        parseItems(page.items, polygonSplitSchema, page.where, mapSplit, out);
      }
      const dividends = { ticker: symbol, 'ex_dividend_date.gte': from, 'ex_dividend_date.lte': to, limit: LIST_LIMIT };
      for await (const page of this.#pages('/v3/reference/dividends', dividends, options)) {
        parseItems(page.items, polygonDividendSchema, page.where, mapDividend, out);
      }
    }
    return out;
  }

  /** Pages of a v3 list endpoint, following `next_url` on our own origin only (it is sent the key). */
  async *#pages(
    path: string,
    firstQuery: Readonly<Record<string, string | number>>,
    options: FetchOptions,
  ): AsyncIterable<{ items: readonly unknown[]; where: string }> {
    const { client, key } = this.#client();
    const origin = new URL(this.#baseUrl).origin;
    const followed = new Set<string>();
    let next: string | undefined = path;
    let query: Readonly<Record<string, string | number>> = firstQuery;
    const where = `GET ${path}`;
    while (next !== undefined) {
      const res = await client.getJson(next, { query, ...(options.signal ? { signal: options.signal } : {}) });
      const page = polygonListPageSchema.safeParse(res.body);
      if (!page.success) throw badResponse(res, where, `malformed page (${describeZodIssues(page.error)})`);
      checkStatus(res, page.data.status, where, key);
      yield { items: page.data.results ?? [], where };
      next = undefined;
      query = {};
      if (page.data.next_url !== undefined) {
        let url: URL;
        try {
          url = new URL(page.data.next_url);
        } catch {
          throw badResponse(res, where, 'next_url is not an absolute URL');
        }
        if (url.origin !== origin) {
          throw badResponse(
            res,
            where,
            `next_url points to ${url.origin}, not ${origin}; not followed so the key stays private`,
          );
        }
        if (followed.has(url.href)) throw badResponse(res, where, 'next_url repeats a page already fetched');
        followed.add(url.href);
        next = url.href;
      }
    }
  }

  #client(): { client: HttpClient; key: string } {
    if (this.#http === undefined) {
      const key = polygonApiKey(this.#ctx.env);
      const { http } = this.#ctx.config;
      const client = new HttpClient({
        venue: POLYGON_VENUE,
        baseUrl: this.#baseUrl,
        headers: { authorization: `Bearer ${key}` },
        credentialVars: [`${POLYGON_KEY_VARS[0]} (or ${POLYGON_KEY_VARS[1]})`],
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

export function createPolygonReference(ctx: ProviderContext): PolygonReference {
  return new PolygonReference(ctx, { requestsPerMinute: ctx.config.venues.polygon.requests_per_minute });
}

/** A 200 whose `status` is not OK/DELAYED is a vendor error; its text is repeated without the key. */
function checkStatus(res: HttpResponse, status: string, where: string, key: string): void {
  if (OK.has(status)) return;
  const body = res.body as { error?: unknown; message?: unknown };
  const said = String(body.error ?? body.message ?? '')
    .split(key)
    .join(REDACTED)
    .slice(0, 200);
  throw badResponse(res, where, `status ${status}${said === '' ? '' : ` (${said})`}`);
}

function badResponse(res: HttpResponse, where: string, what: string): VenueError {
  return new VenueError('VENUE_BAD_RESPONSE', `${POLYGON_VENUE}: ${what} at ${where}`, {
    status: res.status,
    hint: 'nothing from this page was used; retry later, or report it if it persists',
    context: { venue: POLYGON_VENUE, value: where },
  });
}
