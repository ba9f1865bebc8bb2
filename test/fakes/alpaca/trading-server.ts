/**
 * An offline stand-in for Alpaca's Trading API on loopback (port 0): REST account, positions,
 * orders (POST, GET, DELETE, by client order id), assets, clock, calendar and FILL activities,
 * shaped by ../../../../shared/specs/alpaca/trading/openapi.yaml, plus the `trade_updates`
 * WebSocket at `/stream` (./trading-stream.ts). The venue's state and matcher are in
 * ./trading-venue.ts. HTTP faults are scripted like the bars server's: played in order on the
 * next request whose `METHOD path` contains `match`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from './server.js';
import { FakeTradeStream } from './trading-stream.js';
import { FakeTradingVenue, isCrypto, positionName, type WireOrder } from './trading-venue.js';

export { FAKE_KEY_ID, FAKE_SECRET_KEY };

export type TradingFault = { readonly match?: string } &
  /** Answer with this status (429 with `Retry-After`, 500, ...) and do nothing. */
  (
    | {
        readonly kind: 'status';
        readonly status: number;
        readonly headers?: Record<string, string>;
        readonly body?: unknown;
      }
    /** Answer normally after `ms` (a delayed ack; longer than the client timeout to simulate a hang). */
    | { readonly kind: 'delay'; readonly ms: number }
    /** Do the work, then cut the connection before answering: the order landed, the answer was lost. */
    | { readonly kind: 'lose-answer' }
    /** HTTP 200 with this body instead of the real one (a malformed payload). */
    | { readonly kind: 'payload'; readonly body: unknown }
  );

export interface FakeTradingRequest {
  /** Wall-clock ms when the request had arrived whole (a retry's wait is the gap between two). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface FakeTradingOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly cash?: number;
  readonly assets?: readonly string[];
  /** The venue's clock (default the wall clock); `setNow` jumps it. */
  readonly now?: number;
  /** Text frames instead of the paper stream's binary ones. */
  readonly textFrames?: boolean;
  readonly faults?: readonly TradingFault[];
}

export interface FakeTrading {
  /** Base URL to put in `venues.alpaca.trading_url`. */
  readonly url: string;
  readonly venue: FakeTradingVenue;
  readonly stream: FakeTradeStream;
  readonly requests: FakeTradingRequest[];
  script(...faults: TradingFault[]): void;
  pendingFaults(): number;
  /** The market trades at `price`: open orders it reaches fill (at most `maxQty` each: partial fills). */
  trade(symbol: string, price: number, maxQty?: number): void;
  /** The symbol's price for buying power and market value, without trading. */
  setPrice(symbol: string, price: number): void;
  /** Jumps the venue's clock (epoch ms), which then stands still. */
  setNow(ts: number): void;
  /** Moves the venue's running clock by `ms` (negative: back): it keeps running from there. */
  shiftClock(ms: number): void;
  close(): Promise<void>;
}

export const DEFAULT_ASSETS = ['AAPL', 'MSFT', 'SPY', 'BTC/USD', 'ETH/USD'] as const;

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export async function startFakeTrading(options: FakeTradingOptions = {}): Promise<FakeTrading> {
  const keyId = options.keyId ?? FAKE_KEY_ID;
  const secretKey = options.secretKey ?? FAKE_SECRET_KEY;
  let clock = options.now;
  let offset = 0;
  const stream = new FakeTradeStream({ keyId, secretKey, binaryFrames: options.textFrames !== true });
  const venue = new FakeTradingVenue(
    options.assets ?? DEFAULT_ASSETS,
    options.cash ?? 100_000,
    () => clock ?? Date.now() + offset,
    (u) => stream.publish(u),
  );
  const faults: TradingFault[] = [...(options.faults ?? [])];
  const requests: FakeTradingRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void serve(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => stream.upgrade(req, socket, head));

  async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    requests.push({
      at: Date.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    const where = `${method} ${url.pathname}${url.search}`;
    const i = faults.findIndex((f) => f.match === undefined || where.includes(f.match));
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (res.destroyed) return;
    let reply: Reply;
    if (fault?.kind === 'status') {
      reply = new Reply(
        fault.status,
        fault.body ?? { code: fault.status * 100_000, message: `fault ${fault.status}` },
        fault.headers,
      );
    } else if (headers['apca-api-key-id'] !== keyId || headers['apca-api-secret-key'] !== secretKey) {
      reply = new Reply(401, { code: 40110000, message: 'request is not authorized' });
    } else {
      let after: (() => void) | undefined;
      reply = route(method, url, body, (f) => (after = f));
      if (fault?.kind === 'lose-answer') {
        after?.();
        res.socket?.destroy();
        return;
      }
      if (fault?.kind === 'payload') reply = new Reply(200, fault.body);
      send(res, reply);
      after?.();
      return;
    }
    send(res, reply);
  }

  function send(res: ServerResponse, r: Reply): void {
    if (r.status === 204) {
      res.writeHead(204, r.headers).end();
      return;
    }
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(JSON.stringify(r.body));
  }

  /** Serves one request; `later` runs after the answer is written (the stream's `new` follows the POST's answer). */
  function route(method: string, url: URL, body: string, later: (f: () => void) => void): Reply {
    const p = url.pathname;
    const q = url.searchParams;
    const notFound = new Reply(404, { code: 40410000, message: 'order not found' });
    if (method === 'GET' && p === '/v2/account') return new Reply(200, account());
    if (method === 'GET' && p === '/v2/positions') return new Reply(200, [...venue.positions.keys()].map(position));
    if (method === 'GET' && p.startsWith('/v2/positions/')) {
      const name = decodeURIComponent(p.slice('/v2/positions/'.length));
      return venue.positions.has(name)
        ? new Reply(200, position(name))
        : new Reply(404, { code: 40410000, message: 'position does not exist' });
    }
    if (method === 'POST' && p === '/v2/orders') {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return new Reply(400, { code: 40010000, message: 'request body format is invalid' });
      }
      const r = venue.submit(parsed);
      if (!('id' in r)) return new Reply(r.status, r.body);
      later(() => venue.route(r));
      return new Reply(200, { ...r });
    }
    if (method === 'GET' && p === '/v2/orders') return new Reply(200, listOrders(q));
    if (method === 'GET' && p === '/v2/orders:by_client_order_id') {
      const o = venue.byClientId(q.get('client_order_id') ?? '');
      return o === undefined ? notFound : new Reply(200, o);
    }
    if (p.startsWith('/v2/orders/')) {
      const o = venue.byId(decodeURIComponent(p.slice('/v2/orders/'.length)));
      if (o === undefined) return notFound;
      if (method === 'GET') return new Reply(200, o);
      if (method === 'DELETE') {
        if (!venue.isOpen(o)) return new Reply(422, { code: 42210000, message: 'order is not cancelable' });
        later(() => venue.end(o, 'canceled'));
        return new Reply(204, null);
      }
    }
    if (method === 'GET' && p === '/v2/assets') {
      const cls = q.get('asset_class');
      return new Reply(
        200,
        venue.assets.map(asset).filter((a) => cls === null || a.class === cls),
      );
    }
    if (method === 'GET' && p.startsWith('/v2/assets/')) {
      const s = decodeURIComponent(p.slice('/v2/assets/'.length));
      return venue.assets.includes(s)
        ? new Reply(200, asset(s))
        : new Reply(404, { code: 40410000, message: 'asset not found' });
    }
    if (method === 'GET' && p === '/v2/clock') return new Reply(200, marketClock());
    if (method === 'GET' && p === '/v2/calendar') return new Reply(200, calendar(q.get('start'), q.get('end')));
    if (method === 'GET' && (p === '/v2/account/activities/FILL' || p === '/v2/account/activities')) {
      if (p === '/v2/account/activities' && !(q.get('activity_types') ?? 'FILL').split(',').includes('FILL')) {
        return new Reply(200, []);
      }
      return new Reply(200, fillActivities(q));
    }
    return new Reply(404, { code: 40410000, message: `no route ${method} ${p}` });
  }

  function account(): Record<string, unknown> {
    const cash = venue.cash;
    const equity = venue.equity();
    return {
      id: '904837e3-3b76-47ec-b432-046db621571b',
      account_number: 'PA0FAKE00001',
      status: 'ACTIVE',
      currency: 'USD',
      cash: String(cash),
      portfolio_value: String(equity),
      equity: String(equity),
      last_equity: String(equity),
      buying_power: String(Math.max(0, cash)),
      multiplier: '1',
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      shorting_enabled: false,
      created_at: '2024-01-02T15:00:00Z',
    };
  }

  function position(name: string): Record<string, unknown> {
    const p = venue.positions.get(name) ?? { qty: 0, avg: 0 };
    const symbol = venue.assets.find((a) => positionName(a) === name) ?? name;
    const price = venue.prices.get(symbol) ?? p.avg;
    return {
      asset_id: '904837e3-3b76-47ec-b432-046db621571b',
      symbol: name,
      exchange: isCrypto(symbol) ? 'CRYPTO' : 'NASDAQ',
      asset_class: isCrypto(symbol) ? 'crypto' : 'us_equity',
      asset_marginable: !isCrypto(symbol),
      avg_entry_price: String(p.avg),
      qty: String(Math.abs(p.qty)),
      qty_available: String(Math.abs(p.qty)),
      side: p.qty < 0 ? 'short' : 'long',
      market_value: String(p.qty * price),
      cost_basis: String(p.qty * p.avg),
      unrealized_pl: String(p.qty * (price - p.avg)),
      unrealized_plpc: '0',
      unrealized_intraday_pl: '0',
      unrealized_intraday_plpc: '0',
      current_price: String(price),
      lastday_price: String(price),
      change_today: '0',
    };
  }

  function listOrders(q: URLSearchParams): WireOrder[] {
    const status = q.get('status') ?? 'open';
    const symbols = q.get('symbols')?.split(',');
    const after = q.get('after');
    const until = q.get('until');
    let out = venue.orders.filter(
      (o) =>
        (status === 'all' || (status === 'open') === venue.isOpen(o)) &&
        (symbols === undefined || symbols.includes(o.symbol)) &&
        (after === null || Date.parse(o.created_at as string) > Date.parse(after)) &&
        (until === null || Date.parse(o.created_at as string) < Date.parse(until)),
    );
    if ((q.get('direction') ?? 'desc') === 'desc') out = out.reverse();
    return out.slice(0, Math.min(500, Number(q.get('limit') ?? 50)));
  }

  function fillActivities(q: URLSearchParams): Record<string, unknown>[] {
    const after = q.get('after');
    const until = q.get('until');
    const token = q.get('page_token');
    let out = venue.activities.filter(
      (a) =>
        (after === null || Date.parse(a.transaction_time as string) > Date.parse(after)) &&
        (until === null || Date.parse(a.transaction_time as string) < Date.parse(until)),
    );
    if ((q.get('direction') ?? 'desc') === 'desc') out = out.reverse();
    if (token !== null) out = out.slice(out.findIndex((a) => a.id === token) + 1);
    return out.slice(0, Math.min(100, Number(q.get('page_size') ?? 100)));
  }

  function asset(symbol: string): Record<string, unknown> & { class: string } {
    const crypto = isCrypto(symbol);
    return {
      id: '904837e3-3b76-47ec-b432-046db621571b',
      class: crypto ? 'crypto' : 'us_equity',
      exchange: crypto ? 'CRYPTO' : 'NASDAQ',
      symbol,
      name: symbol,
      status: 'active',
      tradable: true,
      marginable: !crypto,
      shortable: !crypto,
      easy_to_borrow: !crypto,
      fractionable: true,
    };
  }

  /** Regular hours 09:30-16:00 New York on weekdays, taken as UTC-5 (the fake ignores DST and holidays). */
  function marketClock(): Record<string, unknown> {
    const now = venue.now();
    const day = Math.floor(now / 86_400_000) * 86_400_000;
    const open = day + 14.5 * 3_600_000;
    const close = day + 21 * 3_600_000;
    const weekday = (t: number) => ![0, 6].includes(new Date(t).getUTCDay());
    const isOpen = weekday(now) && now >= open && now < close;
    let nextOpen = now < open && weekday(now) ? open : open + 86_400_000;
    while (!weekday(nextOpen)) nextOpen += 86_400_000;
    let nextClose = now < close && weekday(now) ? close : close + 86_400_000;
    while (!weekday(nextClose)) nextClose += 86_400_000;
    return {
      timestamp: new Date(now).toISOString(),
      is_open: isOpen,
      next_open: new Date(nextOpen).toISOString(),
      next_close: new Date(nextClose).toISOString(),
    };
  }

  function calendar(start: string | null, end: string | null): Record<string, string>[] {
    const from = Date.parse(start ?? new Date(venue.now()).toISOString().slice(0, 10));
    const to = Date.parse(end ?? new Date(from + 30 * 86_400_000).toISOString().slice(0, 10));
    const out: Record<string, string>[] = [];
    for (let t = Math.floor(from / 86_400_000) * 86_400_000; t <= to; t += 86_400_000) {
      if ([0, 6].includes(new Date(t).getUTCDay())) continue;
      const date = new Date(t).toISOString().slice(0, 10);
      out.push({ date, open: '09:30', close: '16:00', session_open: '0400', session_close: '2000' });
    }
    return out;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    venue,
    stream,
    requests,
    script: (...more) => void faults.push(...more),
    pendingFaults: () => faults.length,
    trade: (symbol, price, maxQty) => venue.trade(symbol, price, maxQty),
    setPrice: (symbol, price) => void venue.prices.set(symbol, price),
    setNow: (ts) => {
      clock = ts;
    },
    shiftClock: (ms) => {
      offset += ms;
    },
    close: async () => {
      stream.drop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
