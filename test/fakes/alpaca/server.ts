/**
 * An offline stand-in for Alpaca's Market Data API bars endpoints, shaped like the examples of
 * ../../../../shared/specs/alpaca/data/openapi.yaml (stocks) and the current v1beta3 crypto
 * endpoint (bars keyed by `BTC/USD`). Serves the deterministic bars of ./bars.ts, honours
 * start/end (inclusive), limit and opaque base64 page tokens, checks the key headers, and
 * plays scripted faults in order so tests can cover retries, timeouts and bad payloads.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeBar, slots, STEP_MS, type FakeTimeframe, type WireBar } from './bars.js';

export const FAKE_KEY_ID = 'PKFAKE0KEY0ID0000001';
export const FAKE_SECRET_KEY = 'fake-secret-3f9c1e77b2d44a08a5c6';

export interface FakeAlpacaRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A scripted misbehaviour, played on the next request whose path+query contains `match` (any when absent). */
export type FakeAlpacaFault = { readonly match?: string } & (
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: unknown;
    }
  /** Answer normally, but only after `ms` (longer than the client timeout to simulate a hang). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** HTTP 200 with this JSON body instead of the real page. */
  | { readonly kind: 'payload'; readonly body: unknown }
  /** HTTP 200 with a body that is not JSON. */
  | { readonly kind: 'text'; readonly text: string }
  /** An empty `bars` page that still carries the token of the data that follows. */
  | { readonly kind: 'empty-page' }
);

/** Bars with `from <= t < to` (epoch ms) are missing from a symbol's history. */
export interface FakeHole {
  readonly from: number;
  readonly to: number;
}

export interface FakeAlpacaOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly faults?: readonly FakeAlpacaFault[];
  readonly holes?: Readonly<Record<string, readonly FakeHole[]>>;
}

export interface FakeAlpaca {
  readonly url: string;
  readonly requests: FakeAlpacaRequest[];
  /** Queues more faults. */
  script(...faults: FakeAlpacaFault[]): void;
  /** Faults not yet played. */
  pendingFaults(): number;
  close(): Promise<void>;
}

const MAX_LIMIT = 10_000;
const DEFAULT_LIMIT = 1000;
const ADJUSTMENTS = ['raw', 'split', 'dividend', 'all'];
const FEEDS = ['iex', 'sip', 'delayed_sip', 'otc'];
/** The spec: RFC-3339, fractions of a second not accepted; a bare date is also accepted. */
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))?$/;
const DEFAULT_BODY: Readonly<Record<number, unknown>> = {
  401: { code: 40110000, message: 'request is not authorized' },
  403: { message: 'forbidden.' },
  429: { message: 'too many requests.' },
  500: { message: 'internal server error' },
};

class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}
const invalid = (message: string): Reply => new Reply(400, { code: 42210000, message });

export function encodeToken(symbol: string, tf: string, t: number): string {
  return Buffer.from(`${symbol}|${tf}|${new Date(t).toISOString().replace('Z', '000000Z')}`).toString('base64');
}

function decodeToken(token: string, tf: string): { symbol: string; t: number } {
  const [symbol, tokenTf, time] = Buffer.from(token, 'base64').toString('utf8').split('|');
  const t = Date.parse(time ?? '');
  if (symbol === undefined || tokenTf !== tf || Number.isNaN(t)) throw invalid('invalid page token');
  return { symbol, t };
}

function parseTime(name: string, text: string | null, fallback: number): number {
  if (text === null) return fallback;
  const t = TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw invalid(`invalid ${name}: ${text}`);
  return t;
}

export async function startFakeAlpaca(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
  const keyId = options.keyId ?? FAKE_KEY_ID;
  const secretKey = options.secretKey ?? FAKE_SECRET_KEY;
  const faults: FakeAlpacaFault[] = [...(options.faults ?? [])];
  const requests: FakeAlpacaRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const inHole = (symbol: string, t: number): boolean =>
    (options.holes?.[symbol] ?? []).some((h) => t >= h.from && t < h.to);

  function checkAuth(req: IncomingMessage, required: boolean): void {
    const id = req.headers['apca-api-key-id'];
    const secret = req.headers['apca-api-secret-key'];
    if (id === undefined && secret === undefined) {
      if (required) throw new Reply(401, DEFAULT_BODY[401]);
      return;
    }
    if (id !== keyId || secret !== secretKey) throw new Reply(403, DEFAULT_BODY[403]);
  }

  /** One page of bars for `symbols` (in order), resuming at the token's position. */
  function page(url: URL, symbols: readonly string[], isCrypto: boolean, emptyPage: boolean) {
    const q = url.searchParams;
    const tf = q.get('timeframe') ?? '';
    if (!(tf in STEP_MS)) throw invalid(`invalid timeframe: ${tf}`);
    const to = parseTime('end', q.get('end'), Date.now());
    const from = parseTime('start', q.get('start'), Date.UTC(new Date(to).getUTCFullYear(), 0, 1));
    if (from > to) throw invalid('end should not be before start');
    const limit = q.has('limit') ? Number(q.get('limit')) : DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid('invalid limit: 1..10000');
    const token = q.get('page_token');
    const resume = token === null || token === '' ? undefined : decodeToken(token, tf);
    if (resume !== undefined && !symbols.includes(resume.symbol)) throw invalid('invalid page token');
    const bars: Record<string, WireBar[]> = {};
    let count = 0;
    for (const symbol of symbols) {
      if (resume !== undefined && symbol < resume.symbol) continue;
      const lo = resume !== undefined && symbol === resume.symbol ? Math.max(from, resume.t) : from;
      for (const slot of slots(isCrypto, tf as FakeTimeframe, lo, to)) {
        if (inHole(symbol, slot.t)) continue;
        if (emptyPage || count === limit) return { bars, next: encodeToken(symbol, tf, slot.t) };
        (bars[symbol] ??= []).push(fakeBar(symbol, slot, isCrypto));
        count++;
      }
    }
    return { bars, next: null };
  }

  function stocks(req: IncomingMessage, url: URL, symbol: string, emptyPage: boolean): unknown {
    checkAuth(req, true);
    const q = url.searchParams;
    if (!ADJUSTMENTS.includes(q.get('adjustment') ?? 'raw')) throw invalid('invalid adjustment');
    if (!FEEDS.includes(q.get('feed') ?? 'iex')) throw invalid('invalid feed');
    const { bars, next } = page(url, [symbol], false, emptyPage);
    // An empty range reads `"bars": null` (a nil slice in the vendor's Go service).
    return { bars: bars[symbol] ?? (emptyPage ? [] : null), symbol, next_page_token: next };
  }

  function crypto(req: IncomingMessage, url: URL, location: string, emptyPage: boolean): unknown {
    if (location !== 'us') throw new Reply(404, { message: 'Not Found' });
    checkAuth(req, false);
    const symbols = (url.searchParams.get('symbols') ?? '').split(',').filter((s) => s !== '');
    if (symbols.length === 0 || symbols.some((s) => !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s))) {
      throw invalid('invalid symbols');
    }
    const { bars, next } = page(url, [...new Set(symbols)].sort(), true, emptyPage);
    return { bars, next_page_token: next };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), headers });
    const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      if (res.destroyed) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...extra }).end(text);
    };
    const at = faults.findIndex((f) => f.match === undefined || `${url.pathname}${url.search}`.includes(f.match));
    const fault = at < 0 ? undefined : faults.splice(at, 1)[0];
    if (fault?.kind === 'status')
      return send(fault.status, fault.body ?? DEFAULT_BODY[fault.status] ?? {}, fault.headers);
    if (fault?.kind === 'payload') return send(200, fault.body);
    if (fault?.kind === 'text') return send(200, fault.text);
    if (fault?.kind === 'delay') await wait(fault.ms);
    const emptyPage = fault?.kind === 'empty-page';
    try {
      if (req.method !== 'GET') throw new Reply(405, { message: 'method not allowed' });
      const stock = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
      const coin = /^\/v1beta3\/crypto\/([^/]+)\/bars$/.exec(url.pathname);
      if (stock !== null) send(200, stocks(req, url, decodeURIComponent(stock[1] as string), emptyPage));
      else if (coin !== null) send(200, crypto(req, url, coin[1] as string, emptyPage));
      else throw new Reply(404, { message: 'Not Found' });
    } catch (e) {
      if (e instanceof Reply) send(e.status, e.body);
      else send(500, { message: (e as Error).message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...more) => void faults.push(...more),
    pendingFaults: () => faults.length,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e === undefined ? resolve() : reject(e))));
    },
  };
}
