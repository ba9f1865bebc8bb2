/**
 * Reference data from Alpaca's Trading API: the asset master list (`GET /v2/assets`: exchange,
 * status, tradable, shortable, easy-to-borrow, fractionable) and corporate action announcements
 * (`GET /v2/corporate_actions/announcements`: splits and cash dividends, in windows of at most
 * 90 days as the endpoint requires). Both answer JSON arrays without pages.
 * @see https://docs.alpaca.markets/reference/get-v2-assets-1
 * @see https://docs.alpaca.markets/reference/get-v2-corporate_actions-announcements-1
 */
import { fromDayNumber, toDayNumber } from '../../core/dates.js';
import { VenueError } from '../../core/errors.js';
import type { AssetRecord, CorporateAction } from '../../core/reference-data.js';
import type { FetchOptions, ReferenceBatch, ReferenceDataProvider, ReferenceRowRejection } from '../../engine/ports.js';
import { requireCredentials, type ProviderContext } from '../context.js';
import { HttpClient, type HttpResponse } from '../http/http-client.js';
import { describeZodIssues, parseItems } from '../reference-rows.js';
import { ALPACA_CREDENTIAL_VARS, ALPACA_DEFAULT_RATE_LIMIT } from './provider.js';
import { mapAlpacaAsset, mapAnnouncement } from './reference-mapper.js';
import {
  ALPACA_ANNOUNCEMENT_WINDOW_DAYS,
  ALPACA_CA_TYPES,
  alpacaAnnouncementSchema,
  alpacaAssetSchema,
  alpacaListSchema,
} from './reference-schemas.js';

const VENUE = 'alpaca';
export const ALPACA_DEFAULT_TRADING_URL = 'https://paper-api.alpaca.markets';

export interface AlpacaReferenceOptions {
  /** Today's date for `as_of` (tests fix it); default the UTC date now. */
  readonly today?: () => string;
}

export class AlpacaReference implements ReferenceDataProvider {
  readonly name = VENUE;
  readonly #ctx: ProviderContext;
  readonly #today: () => string;
  #http: HttpClient | undefined;

  constructor(ctx: ProviderContext, options: AlpacaReferenceOptions = {}) {
    this.#ctx = ctx;
    this.#today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  }

  /**
   * The asset list filtered to `symbols`. Alpaca knows only today's facts, so every record is
   * stamped `as_of` today whatever day is asked (a past `asOf` is not back-filled: that would
   * put today's borrow flags into the past). A symbol Alpaca does not list is a rejection.
   */
  async assets(
    symbols: readonly string[],
    _asOf: string,
    options: FetchOptions = {},
  ): Promise<ReferenceBatch<AssetRecord>> {
    const path = '/v2/assets';
    const res = await this.#client().getJson(path, options.signal ? { signal: options.signal } : {});
    const list = alpacaListSchema.safeParse(res.body);
    if (!list.success) throw badResponse(res, path, `expected an array of assets (${describeZodIssues(list.error)})`);
    const wanted = new Set(symbols);
    const today = this.#today();
    const out = { records: [] as AssetRecord[], rejected: [] as ReferenceRowRejection[] };
    const mine = list.data.filter((item) => wanted.has((item as { symbol?: unknown } | null)?.symbol as string));
    parseItems(mine, alpacaAssetSchema, `GET ${path}`, (a) => mapAlpacaAsset(a, today), out);
    const seen = new Set([...out.records.map((r) => r.symbol), ...mine.map((i) => (i as { symbol: string }).symbol)]);
    for (const s of symbols) {
      if (!seen.has(s)) out.rejected.push({ where: `GET ${path}`, raw: s, reason: `${VENUE} lists no asset ${s}` });
    }
    return out;
  }

  /** Split and cash dividend announcements by ex-date in `from..to`, per symbol and 90-day window. */
  async corporateActions(
    symbols: readonly string[],
    from: string,
    to: string,
    options: FetchOptions = {},
  ): Promise<ReferenceBatch<CorporateAction>> {
    const path = '/v2/corporate_actions/announcements';
    const where = `GET ${path}`;
    const lists = { records: [] as CorporateAction[][], rejected: [] as ReferenceRowRejection[] };
    for (const symbol of symbols) {
      for (const [since, until] of windows(from, to)) {
        const res = await this.#client().getJson(path, {
          query: { ca_types: ALPACA_CA_TYPES.join(','), since, until, symbol, date_type: 'ex_date' },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const list = alpacaListSchema.safeParse(res.body);
        if (!list.success) {
          throw badResponse(res, path, `expected an array of announcements (${describeZodIssues(list.error)})`);
        }
        parseItems(list.data, alpacaAnnouncementSchema, where, mapAnnouncement, lists);
      }
    }
    return { records: lists.records.flat(), rejected: lists.rejected };
  }

  #client(): HttpClient {
    if (this.#http === undefined) {
      const [id, secret] = requireCredentials(VENUE, this.#ctx.env, ALPACA_CREDENTIAL_VARS);
      const { http, venues } = this.#ctx.config;
      this.#http = new HttpClient({
        venue: VENUE,
        baseUrl: venues.alpaca.trading_url === '' ? ALPACA_DEFAULT_TRADING_URL : venues.alpaca.trading_url,
        headers: { 'APCA-API-KEY-ID': id as string, 'APCA-API-SECRET-KEY': secret as string },
        credentialVars: ALPACA_CREDENTIAL_VARS,
        timeoutMs: http.timeout_ms,
        retries: http.retries,
        backoffMs: http.backoff_ms,
        rateLimit: { limit: venues.alpaca.requests_per_minute ?? ALPACA_DEFAULT_RATE_LIMIT.limit, windowMs: 60_000 },
        ...(this.#ctx.sleep === undefined ? {} : { sleep: this.#ctx.sleep }),
        ...(this.#ctx.logger === undefined ? {} : { logger: this.#ctx.logger }),
      });
    }
    return this.#http;
  }
}

export function createAlpacaReference(ctx: ProviderContext, options: AlpacaReferenceOptions = {}): AlpacaReference {
  return new AlpacaReference(ctx, options);
}

/** `from..to` cut into inclusive windows of at most 90 days. */
export function windows(from: string, to: string): [string, string][] {
  const out: [string, string][] = [];
  const last = toDayNumber(to);
  for (let d = toDayNumber(from); d <= last; d += ALPACA_ANNOUNCEMENT_WINDOW_DAYS) {
    out.push([fromDayNumber(d), fromDayNumber(Math.min(last, d + ALPACA_ANNOUNCEMENT_WINDOW_DAYS - 1))]);
  }
  return out;
}

function badResponse(res: HttpResponse, path: string, detail: string): VenueError {
  return new VenueError('VENUE_BAD_RESPONSE', `${VENUE} answered GET ${path} with a malformed payload: ${detail}`, {
    status: res.status,
    hint: 'nothing from that answer was used; retry later, and report it to Alpaca if it persists',
    context: { venue: VENUE, value: path },
  });
}
