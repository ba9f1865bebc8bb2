/**
 * An offline stand-in for Binance spot market data (`GET /api/v3/klines`), speaking the protocol
 * of ../shared/specs/binance/spot_api.yaml: positional 12-field klines with decimal strings,
 * `{code, msg}` error bodies, `X-MBX-USED-WEIGHT-1M` on every response, 429 + Retry-After when the
 * minute's weight is spent. Prices follow a seeded formula, so every run serves the same klines.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBinanceFault =
  /** Answer with this status (and `Retry-After` seconds when given) and a Binance error body. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number; readonly body?: unknown }
  /** Answer normally, but only after `ms` (to exceed the client's timeout). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** A broken 200 answer: a row cut to 5 fields, a price that is not a number, or a body that is not JSON. */
  | { readonly kind: 'malformed'; readonly variant: 'short-row' | 'non-numeric' | 'not-json' }
  /** Answer 200 with exactly this JSON body. */
  | { readonly kind: 'body'; readonly body: unknown };

export interface FakeBinanceOptions {
  /** Listed pairs; others get `{code: -1121, msg: 'Invalid symbol.'}`. */
  readonly symbols?: readonly string[];
  readonly seed?: number;
  /** No kline opens before this (a listing date). Default 2017-08-17, BTCUSDT's listing. */
  readonly listedAt?: number;
  /** The server's clock: klines open at or before now exist (the last one is still forming). */
  readonly now?: () => number;
  /** The i-th klines request gets faults[i]; null or a missing entry means a normal answer. */
  readonly faults?: readonly (FakeBinanceFault | null)[];
  /** Open times in [from, to) are missing, as in a venue outage. */
  readonly gaps?: readonly { readonly from: number; readonly to: number }[];
  /** Weight already used in the minute the server starts in (by "other clients"). */
  readonly initialUsedWeight?: number;
  /** REQUEST_WEIGHT per minute (default 6000). */
  readonly weightLimit?: number;
}

export interface FakeBinanceRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Status the fake answered with. */
  readonly status: number;
}

export interface FakeBinance {
  readonly url: string;
  readonly requests: FakeBinanceRequest[];
  close(): Promise<void>;
}

export const FAKE_BINANCE_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBBTC'] as const;
export const FAKE_KLINES_WEIGHT = 2;

const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
};
const BASE_PRICE: Readonly<Record<string, number>> = { BTCUSDT: 30_000, ETHUSDT: 2_000, BNBBTC: 0.01 };

/** 32-bit hash mixing (MurmurHash3's fmix32) of the seed, the symbol and an integer. */
function hash(seed: number, text: string, n: number, salt: number): number {
  let h = (seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= n >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= Math.floor(n / 0x1_0000_0000);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 0x1_0000_0000;
}

function closeAt(seed: number, symbol: string, k: number): number {
  const base = BASE_PRICE[symbol] ?? 1 + 99 * hash(seed, symbol, 0, 7);
  return base * Math.exp(0.3 * Math.sin(k / 97) + 0.1 * Math.sin(k / 13.7) + 0.02 * (hash(seed, symbol, k, 1) - 0.5));
}

/** Price text as Binance writes it: rounded to the tick, 8 decimals. */
function price(x: number, symbol: string): string {
  const tick = (BASE_PRICE[symbol] ?? 1) >= 1 ? 100 : 1_000_000;
  return (Math.round(x * tick) / tick).toFixed(8);
}

/** The kline opening at `openTime`, exactly as the fake serves it (open = previous close). */
export function fakeKline(symbol: string, interval: string, openTime: number, seed = 1): (string | number)[] {
  const iv = INTERVAL_MS[interval] as number;
  const k = openTime / iv;
  const o = Number(price(closeAt(seed, symbol, k - 1), symbol));
  const c = Number(price(closeAt(seed, symbol, k), symbol));
  const h = Number(price(Math.max(o, c) * (1 + 0.01 * hash(seed, symbol, k, 2)), symbol));
  const l = Number(price(Math.min(o, c) * (1 - 0.01 * hash(seed, symbol, k, 3)), symbol));
  const volume = 1 + 99 * hash(seed, symbol, k, 4);
  const takerShare = hash(seed, symbol, k, 5);
  return [
    openTime,
    o.toFixed(8),
    h.toFixed(8),
    l.toFixed(8),
    c.toFixed(8),
    volume.toFixed(8),
    openTime + iv - 1,
    (volume * c).toFixed(8),
    1 + Math.floor(1000 * hash(seed, symbol, k, 6)),
    (volume * takerShare).toFixed(8),
    (volume * takerShare * c).toFixed(8),
    '0',
  ];
}

const ERRORS = {
  invalidSymbol: { code: -1121, msg: 'Invalid symbol.' },
  invalidInterval: { code: -1120, msg: 'Invalid interval.' },
  tooMuchWeight: {
    code: -1003,
    msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
  },
  banned: {
    code: -1003,
    msg: 'Way too much request weight used; IP banned. Please use WebSocket Streams for live updates to avoid bans.',
  },
  unknown: { code: -1000, msg: 'An unknown error occurred while processing the request.' },
  badKey: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
} as const;

function defaultErrorBody(status: number): unknown {
  if (status === 429) return ERRORS.tooMuchWeight;
  if (status === 418) return ERRORS.banned;
  if (status === 401 || status === 403) return ERRORS.badKey;
  return ERRORS.unknown;
}

export async function startFakeBinance(options: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const symbols = new Set(options.symbols ?? FAKE_BINANCE_SYMBOLS);
  const seed = options.seed ?? 1;
  const listedAt = options.listedAt ?? Date.UTC(2017, 7, 17);
  const now = options.now ?? Date.now;
  const weightLimit = options.weightLimit ?? 6000;
  const requests: FakeBinanceRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let klineRequests = 0;
  let minute = Math.floor(now() / 60_000);
  let usedWeight = options.initialUsedWeight ?? 0;

  const isMissing = (t: number): boolean => (options.gaps ?? []).some((g) => t >= g.from && t < g.to);

  function klines(symbol: string, iv: number, q: Readonly<Record<string, string>>): (string | number)[][] {
    const limit = Math.min(1000, Math.max(1, Number(q['limit'] ?? 500)));
    const first = Math.ceil(listedAt / iv) * iv;
    const current = Math.floor(now() / iv) * iv;
    const hi = Math.min(current, q['endTime'] === undefined ? current : Math.floor(Number(q['endTime']) / iv) * iv);
    const times: number[] = [];
    if (q['startTime'] !== undefined) {
      for (
        let t = Math.max(first, Math.ceil(Number(q['startTime']) / iv) * iv);
        t <= hi && times.length < limit;
        t += iv
      )
        if (!isMissing(t)) times.push(t);
    } else {
      for (let t = hi; t >= first && times.length < limit; t -= iv) if (!isMissing(t)) times.push(t);
      times.reverse();
    }
    const interval = Object.keys(INTERVAL_MS).find((k) => INTERVAL_MS[k] === iv) as string;
    return times.map((t) => fakeKline(symbol, interval, t, seed));
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/html' : 'application/json;charset=UTF-8',
      'x-mbx-used-weight-1m': String(usedWeight),
      ...headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number): void => {
      requests.push({ path: url.pathname, query, headers: req.headers, status });
    };
    if (req.method !== 'GET' || url.pathname !== '/api/v3/klines') {
      record(404);
      send(res, 404, { code: -1, msg: `no route ${req.method} ${url.pathname} in the fake` });
      return;
    }
    const fault = options.faults?.[klineRequests] ?? null;
    klineRequests++;
    const m = Math.floor(now() / 60_000);
    if (m !== minute) {
      minute = m;
      usedWeight = 0;
    }
    usedWeight += FAKE_KLINES_WEIGHT;
    if (usedWeight > weightLimit) {
      record(429);
      send(res, 429, ERRORS.tooMuchWeight, { 'retry-after': String(Math.ceil(((m + 1) * 60_000 - now()) / 1000)) });
      return;
    }
    if (fault?.kind === 'status') {
      record(fault.status);
      const headers: Record<string, string> =
        fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      send(res, fault.status, fault.body ?? defaultErrorBody(fault.status), headers);
      return;
    }
    const symbol = query['symbol'] ?? '';
    const iv = INTERVAL_MS[query['interval'] ?? ''];
    if (!symbols.has(symbol)) {
      record(400);
      send(res, 400, ERRORS.invalidSymbol);
      return;
    }
    if (iv === undefined) {
      record(400);
      send(res, 400, ERRORS.invalidInterval);
      return;
    }
    record(200);
    if (fault?.kind === 'body') {
      send(res, 200, fault.body);
      return;
    }
    const rows = klines(symbol, iv, query);
    if (fault?.kind === 'delay') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, 200, rows);
      }, fault.ms);
      timers.add(timer);
      return;
    }
    if (fault?.kind === 'malformed') {
      if (fault.variant === 'not-json') send(res, 200, '<html><body>502 Bad Gateway</body></html>');
      else {
        if (rows.length === 0)
          rows.push(fakeKline(symbol, query['interval'] as string, Math.ceil(listedAt / iv) * iv, seed));
        const i = rows.length > 1 ? 1 : 0;
        const row = rows[i] as (string | number)[];
        if (fault.variant === 'short-row') rows[i] = row.slice(0, 5);
        else rows[i] = [row[0] as number, row[1] as string, row[2] as string, row[3] as string, 'abc', ...row.slice(5)];
        send(res, 200, rows);
      }
      return;
    }
    send(res, 200, rows);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e === undefined ? resolve() : reject(e)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
