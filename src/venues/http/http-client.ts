import { VenueError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { realSleep, TokenBucket, type RateLimit, type Sleep } from './rate-limiter.js';
import { fetchTransport, pooledTransport, type RawResponse, type Transport } from './transport.js';

export interface HttpClientOptions {
  /** Venue name for messages, e.g. `alpaca`. */
  readonly venue: string;
  readonly baseUrl: string;
  /** Auth and other headers sent with every request (values are secrets: never logged). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Environment variables that hold this venue's credentials, named in 401/403 errors. */
  readonly credentialVars: readonly string[];
  readonly timeoutMs: number;
  /** Retries of transient failures (network, timeout, 5xx, 429, 418). */
  readonly retries: number;
  /** First backoff; doubles per retry, with jitter, capped at `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs?: number;
  /** Give up instead of waiting when the venue asks for a longer pause than this. */
  readonly maxRetryAfterMs?: number;
  readonly rateLimit?: RateLimit;
  /**
   * Requests over at most this many kept-open connections per host, the rest waiting their turn
   * (transport.ts `pooledTransport`); default: fetch, one connection per request made at once.
   */
  readonly connections?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly logger?: Logger;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly url: string;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly signal?: AbortSignal;
  /** Rate-limit units this request costs (Binance request weight). */
  readonly weight?: number;
}

/** A request that may carry a JSON body and may want some error statuses as values. */
export interface SendOptions extends RequestOptions {
  /** Sent as JSON (`content-type: application/json`). */
  readonly body?: unknown;
  /**
   * Statuses answered as a response instead of an error (a venue's 403/404/422 that the caller
   * reads as an outcome: a refused order, an order that is not there). Never retried.
   */
  readonly passStatuses?: readonly number[];
}

/** Seconds or an HTTP date, as in the Retry-After header; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * JSON over HTTP with a timeout, client-side rate limiting, and retries with exponential
 * backoff and jitter for transient failures only; honours Retry-After. Every failure becomes a
 * VenueError that names the venue and, for 401/403, the environment variables to set.
 */
export class HttpClient {
  readonly #o: HttpClientOptions;
  readonly #bucket: TokenBucket | undefined;
  readonly #transport: Transport;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(options: HttpClientOptions) {
    this.#o = options;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#bucket = options.rateLimit === undefined ? undefined : new TokenBucket(options.rateLimit, this.#sleep);
    this.#transport = options.connections === undefined ? fetchTransport : pooledTransport(options.connections);
  }

  /** Builds the URL of a path (or passes an absolute URL through) with the query. */
  url(pathOrUrl: string, query: RequestOptions['query'] = {}): URL {
    const base = new URL(this.#o.baseUrl.endsWith('/') ? this.#o.baseUrl : `${this.#o.baseUrl}/`);
    const url = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(pathOrUrl.replace(/^\//, ''), base);
    if (url.origin !== base.origin) {
      // Credentials ride in headers: never send them to another host (e.g. a pagination URL).
      throw new VenueError(
        'VENUE_BAD_RESPONSE',
        `${this.#o.venue} pointed to ${url.origin}, not its own ${base.origin}; request refused`,
        {
          hint: 'check the venue base URL in the config; report it if the venue keeps doing this',
          context: { venue: this.#o.venue, value: url.origin },
        },
      );
    }
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async getJson(pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', pathOrUrl, options);
  }

  /**
   * Any method, with the same timeout, rate limit and retry policy as `getJson`. Retrying a
   * POST is only safe when the venue makes it idempotent (Alpaca's client order ids do).
   */
  async request(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<HttpResponse> {
    const url = this.url(pathOrUrl, options.query);
    const retries = this.#o.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#bucket?.take(options.weight ?? 1, options.signal);
        return await this.#once(method, url, options);
      } catch (e) {
        if (!(e instanceof VenueError) || !e.retryable || attempt >= retries || options.signal?.aborted === true)
          throw e;
        const maxWait = this.#o.maxRetryAfterMs ?? 120_000;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > maxWait) throw e;
        const wait = e.retryAfterMs ?? this.#backoff(attempt);
        this.#o.logger?.warn(
          { venue: this.#o.venue, status: e.status, attempt: attempt + 1, waitMs: Math.round(wait) },
          `${this.#o.venue}: ${e.message}; retrying`,
        );
        await this.#sleep(wait, options.signal);
      }
    }
  }

  #backoff(attempt: number): number {
    const cap = this.#o.maxBackoffMs ?? 30_000;
    const d = Math.min(cap, this.#o.backoffMs * 2 ** attempt);
    return d / 2 + (this.#random() * d) / 2;
  }

  async #once(method: string, url: URL, options: SendOptions): Promise<HttpResponse> {
    const venue = this.#o.venue;
    const signal = options.signal;
    const where = `${method === 'GET' ? '' : `${method} `}${url.origin}${url.pathname}`;
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const hasBody = options.body !== undefined;
    let res: RawResponse;
    try {
      res = await this.#transport({
        method,
        url,
        headers: {
          accept: 'application/json',
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...this.#o.headers,
        },
        ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (e) {
      if (signal?.aborted === true) throw e;
      const isTimeout = timeout.aborted;
      const err = e as { code?: string; cause?: { code?: string } };
      const cause = err.cause?.code ?? err.code ?? (e as Error).message;
      throw new VenueError(
        'VENUE_UNAVAILABLE',
        isTimeout
          ? `${venue} did not answer within ${this.#o.timeoutMs} ms (${where})`
          : `${venue} unreachable: ${cause} (${where})`,
        {
          retryable: true,
          hint: isTimeout ? 'retry later or raise http.timeout_ms' : 'check the network and the venue URL in config',
          context: { venue, value: where },
          cause: e,
        },
      );
    }
    const text = res.text;
    if (options.passStatuses?.includes(res.status) === true) {
      return { status: res.status, headers: res.headers, body: safeJson(text) ?? null, url: url.toString() };
    }
    if (res.status === 401 || res.status === 403) {
      const said = vendorMessageOf(safeJson(text));
      throw new VenueError(
        'VENUE_AUTH',
        `${venue} refused access (HTTP ${res.status}${said === '' ? '' : `: ${said}`}) at ${where}`,
        {
          status: res.status,
          hint: `set ${this.#o.credentialVars.join(' and ')} in the environment (or the workspace .env) to valid keys with access to this data`,
          context: { venue, value: where },
        },
      );
    }
    if (res.status === 429 || res.status === 418) {
      throw new VenueError('VENUE_RATE_LIMITED', `${venue} rate limit hit (HTTP ${res.status}) at ${where}`, {
        status: res.status,
        retryable: true,
        ...optionalRetryAfter(parseRetryAfter(res.headers.get('retry-after'))),
        hint: 'wait and retry; lower the request rate or narrow the request',
        context: { venue, value: where },
      });
    }
    if (res.status >= 500) {
      throw new VenueError('VENUE_UNAVAILABLE', `${venue} server error HTTP ${res.status} at ${where}`, {
        status: res.status,
        retryable: true,
        ...optionalRetryAfter(parseRetryAfter(res.headers.get('retry-after'))),
        hint: 'the venue is having trouble; retry later',
        context: { venue, value: where },
      });
    }
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new VenueError(
        'VENUE_BAD_RESPONSE',
        `${venue} answered HTTP ${res.status} with a body that is not JSON at ${where}`,
        {
          status: res.status,
          hint: 'nothing was written; retry later or report it if it persists',
          context: { venue, value: where },
        },
      );
    }
    if (res.status >= 400) {
      const vendorMessage = vendorMessageOf(body);
      throw new VenueError(
        'VENUE_BAD_RESPONSE',
        `${venue} refused the request (HTTP ${res.status}${vendorMessage === '' ? '' : `: ${vendorMessage}`}) at ${where}`,
        {
          status: res.status,
          hint: 'check the symbol, timeframe and dates of the request',
          context: { venue, value: where },
        },
      );
    }
    return { status: res.status, headers: res.headers, body, url: url.toString() };
  }
}

function optionalRetryAfter(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}

function vendorMessageOf(body: unknown): string {
  if (body !== null && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const k of ['message', 'msg', 'error']) if (typeof o[k] === 'string') return (o[k] as string).slice(0, 200);
  }
  return '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
