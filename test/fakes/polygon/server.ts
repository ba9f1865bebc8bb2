/**
 * A local fake of the Polygon.io (Massive) aggregates v2 endpoint, shaped as the published spec
 * describes (../shared/specs/polygon/rest.json): Bearer (or `apiKey`) auth, YYYY-MM-DD or ms
 * bounds, `adjusted`, `sort`, `limit`, and absolute `next_url` pages with an opaque cursor.
 * Faults are scripted per request so tests can replay rate limits, outages and bad payloads.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeAggs, parseBound, type FakeAgg, type FakeTimespan } from './bars.js';

export { fakeAgg, fakeAggs, type FakeAgg } from './bars.js';

/** The key the fake accepts unless told otherwise (a test value, not a secret). */
export const FAKE_POLYGON_KEY = 'fake-polygon-key-7f3a9c2e51';

export type FakePolygonFault =
  /** Any HTTP status with a spec-shaped error body (e.g. 429 with `Retry-After`, 500, 503). */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** Answers normally, but only after `delayMs` (beyond the client timeout). */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** 401 whatever key was sent. */
  | { readonly kind: 'unauthorized' }
  /** 200 with a valid envelope whose bars break the schema. */
  | { readonly kind: 'malformed' }
  /** 200 with an HTML body. */
  | { readonly kind: 'not-json' }
  /** 200 with `{status: 'ERROR', error}`. */
  | { readonly kind: 'error-body'; readonly message?: string };

export interface FakePolygonOptions {
  readonly apiKey?: string;
  /** Most results per page (the request's `limit` also caps it); default 50000. */
  readonly pageSize?: number;
  /** Fault of the n-th request (0-based); `null` or a missing entry answers normally. */
  readonly script?: readonly (FakePolygonFault | null)[];
  /** Window starts (`t`) left out of the generated data: holes, as in a halted stock. */
  readonly holes?: readonly number[];
  /** Page indexes (0-based) answered with no results but a `next_url` to the same position. */
  readonly emptyPages?: readonly number[];
  /** `status` of successful answers; `DELAYED` is what plans without real-time data get. */
  readonly status?: 'OK' | 'DELAYED';
  /** Per ticker, results served verbatim (no range filter) instead of generated bars. */
  readonly fixtures?: Readonly<Record<string, readonly FakeAgg[]>>;
  /** Origin written into `next_url` (default: the fake's own URL). */
  readonly nextUrlOrigin?: string;
  /** Reference endpoints' data: ticker details by ticker, and split and dividend results. */
  readonly reference?: FakePolygonReference;
}

/** Served verbatim (a test may plant malformed records); lists are filtered by `ticker` and paged by `limit`. */
export interface FakePolygonReference {
  readonly tickers?: Readonly<Record<string, unknown>>;
  readonly splits?: readonly Record<string, unknown>[];
  readonly dividends?: readonly Record<string, unknown>[];
}

export interface FakePolygonRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
}

export interface FakePolygon {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FakePolygonRequest[];
  close(): Promise<void>;
}

const AGGS = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/([a-z]+)\/([^/]+)\/([^/]+)$/;
const TIMESPANS: readonly string[] = ['minute', 'hour', 'day'];

/** Pagination state carried by `next_url`; opaque to clients. */
interface Cursor {
  readonly f: number;
  readonly t: number;
  readonly o: number;
  readonly p: number;
  readonly l: number;
  readonly s: 'asc' | 'desc';
  readonly a: boolean;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(text: string): Cursor | undefined {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
  } catch {
    return undefined;
  }
}

export async function startFakePolygon(options: FakePolygonOptions = {}): Promise<FakePolygon> {
  const key = options.apiKey ?? FAKE_POLYGON_KEY;
  const requests: FakePolygonRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';
  let ids = 0;
  const requestId = (): string => `fake${(++ids).toString(16).padStart(28, '0')}`;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void =>
    send(res, status, { status: 'ERROR', request_id: requestId(), error }, headers);

  const answer = (
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    fault: FakePolygonFault | null,
  ): void => {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? query['apiKey'];
    if (fault?.kind === 'unauthorized' || bearer === undefined || bearer !== key) {
      fail(res, 401, bearer === undefined ? 'API Key was not provided' : 'Unknown API Key');
      return;
    }
    if (fault?.kind === 'status') {
      const message =
        fault.status === 429
          ? "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue."
          : 'Internal server error';
      fail(res, fault.status, message, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
      return;
    }
    if (fault?.kind === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    if (fault?.kind === 'error-body') {
      fail(res, 200, fault.message ?? 'Something went wrong on our side');
      return;
    }
    if (path.startsWith('/v3/reference/')) {
      referenceAnswer(
        res,
        path,
        query,
        options.reference ?? {},
        url,
        requestId,
        send,
        fault?.kind === 'malformed',
        options.pageSize,
      );
      return;
    }
    const m = AGGS.exec(path);
    if (m === null) {
      send(res, 404, { status: 'NOT_FOUND', request_id: requestId(), message: 'Not found.' });
      return;
    }
    const [, tickerSeg, multText, span, fromText, toText] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const ticker = decodeURIComponent(tickerSeg);
    const multiplier = Number(multText);
    if (!TIMESPANS.includes(span) || multiplier < 1 || (span === 'day' && multiplier !== 1)) {
      fail(res, 400, `the fake serves 1/day and N/minute|hour windows, not ${multiplier}/${span}`);
      return;
    }
    const cursor = query['cursor'] === undefined ? undefined : decodeCursor(query['cursor']);
    if (query['cursor'] !== undefined && cursor === undefined) {
      fail(res, 400, 'Invalid cursor');
      return;
    }
    const state = cursor ?? firstPage(ticker, fromText, toText, query);
    if (typeof state === 'string') {
      fail(res, 400, state);
      return;
    }
    let all =
      options.fixtures?.[ticker]?.slice() ?? fakeAggs(ticker, multiplier, span as FakeTimespan, state.f, state.t);
    if (all === undefined) {
      fail(res, 400, 'Requested range is too large for the fake; narrow it');
      return;
    }
    if (options.fixtures?.[ticker] === undefined && options.holes !== undefined) {
      const holes = new Set(options.holes);
      all = all.filter((a) => !holes.has(a.t));
    }
    if (state.s === 'desc') all.reverse();
    const isEmptyPage = options.emptyPages?.includes(state.p) === true;
    const size = Math.min(state.l, options.pageSize ?? 50_000);
    const results = isEmptyPage ? [] : all.slice(state.o, state.o + size);
    const offset = state.o + results.length;
    const body: Record<string, unknown> = {
      ticker,
      queryCount: results.length,
      resultsCount: results.length,
      adjusted: state.a,
      status: options.status ?? 'OK',
      request_id: requestId(),
    };
    if (results.length > 0) body['results'] = fault?.kind === 'malformed' ? corrupt(results) : results;
    if (offset < all.length) {
      const next: Cursor = { ...state, o: offset, p: state.p + 1 };
      const nextFrom = all[offset]?.t ?? state.f;
      body['next_url'] =
        `${options.nextUrlOrigin ?? url}/v2/aggs/ticker/${tickerSeg}/range/${multiplier}/${span}/${nextFrom}/${toText}` +
        `?cursor=${encodeCursor(next)}`;
    } else if (fault?.kind === 'malformed' && results.length === 0) {
      body['results'] = [{ o: 'NaN' }];
    }
    send(res, 200, body);
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(u.searchParams);
    const fault = options.script?.[requests.length] ?? null;
    requests.push({ path: u.pathname, query, headers: req.headers });
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res, u.pathname, query, req.headers, null);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    answer(res, u.pathname, query, req.headers, fault);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The first page's state from the path bounds and query, or the 400 message. */
function firstPage(ticker: string, fromText: string, toText: string, query: Record<string, string>): Cursor | string {
  const f = parseBound(fromText, ticker, false);
  const t = parseBound(toText, ticker, true);
  if (f === undefined || t === undefined) return `Could not parse the from/to bounds "${fromText}" / "${toText}"`;
  const limit = query['limit'] === undefined ? 5_000 : Number(query['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50_000) return 'limit must be an integer from 1 to 50000';
  const sort = query['sort'] ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc') return "sort must be 'asc' or 'desc'";
  const adjusted = query['adjusted'] ?? 'true';
  if (adjusted !== 'true' && adjusted !== 'false') return 'adjusted must be true or false';
  return { f, t, o: 0, p: 0, l: limit, s: sort, a: adjusted === 'true' };
}

/** Bars that break the spec: a price as a string, a missing close. */
function corrupt(results: readonly FakeAgg[]): unknown[] {
  return results.map((r, i) => (i === 0 ? { ...r, h: String(r.h) } : i === 1 ? { ...r, c: undefined } : r));
}

const LIST_DATE_FIELD: Readonly<Record<string, string>> = { splits: 'execution_date', dividends: 'ex_dividend_date' };

/**
 * `/v3/reference/tickers/{ticker}` (404 for an unknown ticker), and `/v3/reference/splits|dividends`
 * filtered by `ticker` and the date field's `.gte`/`.lte`, `limit` per page (default 10), with an
 * absolute `next_url` carrying the offset as the cursor.
 */
function referenceAnswer(
  res: ServerResponse,
  path: string,
  query: Record<string, string>,
  ref: FakePolygonReference,
  url: string,
  requestId: () => string,
  send: (res: ServerResponse, status: number, body: unknown) => void,
  malformed: boolean,
  pageSize = Infinity,
): void {
  const ticker = /^\/v3\/reference\/tickers\/([^/]+)$/.exec(path);
  if (ticker !== null) {
    const details = ref.tickers?.[decodeURIComponent(ticker[1] as string)];
    if (details === undefined) {
      send(res, 404, { status: 'NOT_FOUND', request_id: requestId(), message: 'Ticker not found.' });
      return;
    }
    send(
      res,
      200,
      malformed ? { status: 'OK', results: 'oops' } : { status: 'OK', request_id: requestId(), results: details },
    );
    return;
  }
  const list = /^\/v3\/reference\/(splits|dividends)$/.exec(path)?.[1];
  if (list === undefined) {
    send(res, 404, { status: 'NOT_FOUND', request_id: requestId(), message: 'Not found.' });
    return;
  }
  if (malformed) {
    send(res, 200, { status: 'OK', results: { not: 'a list' } });
    return;
  }
  const field = LIST_DATE_FIELD[list] as string;
  const all = ((list === 'splits' ? ref.splits : ref.dividends) ?? []).filter(
    (r) =>
      (query['ticker'] === undefined || r['ticker'] === query['ticker']) &&
      (query[`${field}.gte`] === undefined || String(r[field]) >= (query[`${field}.gte`] as string)) &&
      (query[`${field}.lte`] === undefined || String(r[field]) <= (query[`${field}.lte`] as string)),
  );
  const limit = Math.min(Number(query['limit'] ?? 10), pageSize);
  const offset = Number(query['cursor'] ?? 0);
  const results = all.slice(offset, offset + limit);
  const body: Record<string, unknown> = { status: 'OK', request_id: requestId(), results };
  if (offset + limit < all.length) {
    const next = new URLSearchParams({ ...query, cursor: String(offset + limit) });
    body['next_url'] = `${url}${path}?${next.toString()}`;
  }
  send(res, 200, body);
}
