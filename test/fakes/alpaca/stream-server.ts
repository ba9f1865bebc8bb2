/**
 * An offline stand-in for Alpaca's market-data WebSocket (../../../../shared/specs/alpaca/
 * streams.md, section A): stocks at `/v2/{iex|sip|delayed_sip}`, crypto at `/v1beta3/crypto/us`,
 * on loopback with a free port. It speaks the protocol (welcome, auth within the session,
 * subscribe adding to the set, errors 400-406 as documented) and tests script the rest: bars
 * pushed when they want (the same formula bars as the fake REST server, so a backfill through
 * REST matches what the stream would have sent), and faults — dropped connections, refused
 * reconnects, failed auth, malformed frames, delayed frames, any bar (a repeat, a late one, one
 * far in the future). Every frame in both directions is logged, the auth secret masked.
 */
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { fakeBar, STEP_MS, type WireBar } from './bars.js';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from './server.js';

export type StreamEndpoint = 'stocks' | 'crypto';

export interface StreamLogEntry {
  /** Wall-clock ms when the frame was written or read. */
  readonly at: number;
  /** 1, 2, ... in order of connection. */
  readonly connection: number;
  readonly endpoint: StreamEndpoint;
  /** The connection's URL path (`/v2/iex`, `/v1beta3/crypto/us`). */
  readonly path: string;
  readonly direction: 'sent' | 'received';
  /** The frame's text; in received auth messages the secret reads `***`. */
  readonly text: string;
}

export interface PushOptions {
  /** Write the frame this long after the call (a slow network). */
  readonly delayMs?: number;
  /** Fields replacing the formula bar's (e.g. `{ c: 101.5 }`). */
  readonly override?: Partial<WireBar>;
}

export interface FakeAlpacaStreamOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
}

export interface FakeAlpacaStream {
  /** The base to set as `venues.alpaca.stream_url` (`ws://127.0.0.1:PORT`). */
  readonly url: string;
  readonly log: StreamLogEntry[];
  /** Connections accepted so far (open or not). */
  connectionCount(): number;
  /** Open connections that are authenticated and subscribed to at least one bar symbol. */
  subscribedCount(): number;
  /** Resolves once `n` subscription replies were sent since the server started. */
  whenSubscribed(n: number): Promise<void>;
  /** Resolves once `check()` holds; checked after every frame either way (and now). */
  until(check: () => boolean): Promise<void>;
  /**
   * The formula bar of `symbol` starting at `ts` to every connection subscribed to it (one
   * frame per call); returns how many connections it was written to (0 while none is).
   */
  pushBar(symbol: string, ts: number, options?: PushOptions): number;
  /** Several bars in one frame (the venue batches a minute's bars); a bar's own `override` comes after the options'. */
  pushBars(bars: readonly { symbol: string; ts: number; override?: Partial<WireBar> }[], options?: PushOptions): number;
  /**
   * Publishes like the venue on its own: just after each minute mark of `now()` (`lagMs` later),
   * the bars of the minute that ended, for `symbols`, in one frame. For sessions on a real clock
   * (the CLI's). Returns a stop function; `close()` stops it too.
   */
  publishEveryMinute(symbols: readonly string[], options?: { now?: () => number; lagMs?: number }): () => void;
  /** Any text as a frame to every authenticated connection of the endpoint (malformed input). */
  pushRaw(text: string, endpoint?: StreamEndpoint): number;
  /** Ends every open socket without a closing handshake. */
  dropConnections(): void;
  /** Open sockets go silent without closing: nothing read, nothing answered (a dead route). */
  freezeConnections(): void;
  /** While true, upgrades are answered 503 (the venue unreachable). */
  refuseConnections(isRefused: boolean): void;
  /** The next `times` auth messages are answered `402 auth failed` whatever the keys. */
  failAuth(times?: number): void;
  /** Bar frames written, parsed, in order (what a perfect client would have received). */
  barsSent(): { connection: number; S: string; t: string }[];
  close(): Promise<void>;
}

interface Session {
  readonly id: number;
  readonly endpoint: StreamEndpoint;
  readonly path: string;
  readonly socket: Duplex;
  readonly ws: WebSocket;
  isAuthenticated: boolean;
  readonly bars: Set<string>;
  readonly trades: Set<string>;
  readonly quotes: Set<string>;
}

const STOCK_FEEDS = ['iex', 'sip', 'delayed_sip'];
const CRYPTO_SYMBOL = /^[A-Z0-9]+\/[A-Z0-9]+$/;
const STOCK_SYMBOL = /^[A-Z0-9.]+$/;

export async function startFakeAlpacaStream(options: FakeAlpacaStreamOptions = {}): Promise<FakeAlpacaStream> {
  const keyId = options.keyId ?? FAKE_KEY_ID;
  const secretKey = options.secretKey ?? FAKE_SECRET_KEY;
  const log: StreamLogEntry[] = [];
  const sessions = new Set<Session>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let connections = 0;
  let subscriptions = 0;
  let isRefused = false;
  let authFailures = 0;
  const frozen = new Set<Session>();
  const stoppers: (() => void)[] = [];

  const changed = (): void => {
    for (const w of [...waiters]) w();
  };
  const send = (s: Session, payload: unknown): void => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    if (!isOpen(s)) return;
    s.ws.send(text);
    log.push({ at: Date.now(), connection: s.id, endpoint: s.endpoint, path: s.path, direction: 'sent', text });
    changed();
  };
  const later = (ms: number | undefined, f: () => void): void => {
    if (ms === undefined || ms <= 0) return f();
    const timer = setTimeout(() => {
      timers.delete(timer);
      f();
    }, ms);
    timers.add(timer);
  };
  const error = (s: Session, code: number, msg: string): void => send(s, [{ T: 'error', code, msg }]);

  function onMessage(s: Session, text: string): void {
    let m: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        m = parsed as Record<string, unknown>;
    } catch {
      m = undefined;
    }
    const logged = m?.action === 'auth' ? JSON.stringify({ ...m, secret: '***' }) : text;
    log.push({
      at: Date.now(),
      connection: s.id,
      endpoint: s.endpoint,
      path: s.path,
      direction: 'received',
      text: logged,
    });
    changed();
    if (m === undefined) return error(s, 400, 'invalid syntax');
    if (m.action === 'auth') {
      if (s.isAuthenticated) return error(s, 403, 'already authenticated');
      if (authFailures > 0 || m.key !== keyId || m.secret !== secretKey) {
        if (authFailures > 0) authFailures--;
        error(s, 402, 'auth failed');
        s.ws.close(1008, 'auth failed');
        return;
      }
      s.isAuthenticated = true;
      return send(s, [{ T: 'success', msg: 'authenticated' }]);
    }
    if (m.action === 'subscribe' || m.action === 'unsubscribe') {
      if (!s.isAuthenticated) return error(s, 401, 'not authenticated');
      const channels = { bars: s.bars, trades: s.trades, quotes: s.quotes };
      const pattern = s.endpoint === 'crypto' ? CRYPTO_SYMBOL : STOCK_SYMBOL;
      for (const name of Object.keys(channels) as (keyof typeof channels)[]) {
        const list = m[name];
        if (list === undefined) continue;
        if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || (x !== '*' && !pattern.test(x)))) {
          return error(s, 400, 'invalid syntax');
        }
      }
      for (const name of Object.keys(channels) as (keyof typeof channels)[]) {
        for (const sym of (m[name] as string[] | undefined) ?? []) {
          if (m.action === 'subscribe') channels[name].add(sym);
          else channels[name].delete(sym);
        }
      }
      const reply = {
        T: 'subscription',
        trades: [...s.trades],
        quotes: [...s.quotes],
        ...(s.endpoint === 'crypto' ? { orderbooks: [] } : {}),
        bars: [...s.bars],
        updatedBars: [],
        dailyBars: [],
        ...(s.endpoint === 'stocks' ? { statuses: [], lulds: [], corrections: [], cancelErrors: [] } : {}),
      };
      subscriptions++;
      return send(s, [reply]);
    }
    error(s, 400, 'invalid syntax');
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const stock = /^\/v2\/([a-z_]+)$/.exec(path);
    const endpoint: StreamEndpoint | undefined =
      path === '/v1beta3/crypto/us'
        ? 'crypto'
        : stock !== null && STOCK_FEEDS.includes(stock[1] as string)
          ? 'stocks'
          : undefined;
    if (endpoint === undefined) return refuseUpgrade(socket, 404);
    if (isRefused) return refuseUpgrade(socket, 503);
    wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, socket, endpoint, path));
  }

  function onOpen(ws: WebSocket, socket: Duplex, endpoint: StreamEndpoint, path: string): void {
    const s: Session = {
      id: ++connections,
      endpoint,
      path,
      socket,
      ws,
      isAuthenticated: false,
      bars: new Set(),
      trades: new Set(),
      quotes: new Set(),
    };
    sessions.add(s);
    ws.on('message', (data: Buffer) => onMessage(s, data.toString('utf8')));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      sessions.delete(s);
      changed();
    });
    send(s, [{ T: 'success', msg: 'connected' }]);
  }

  const isCryptoSymbol = (symbol: string): boolean => symbol.includes('/');
  const wireBar = (symbol: string, ts: number, override?: Partial<WireBar>): Record<string, unknown> => ({
    T: 'b',
    S: symbol,
    ...fakeBar(symbol, { t: ts, i: ts / STEP_MS['1Min'] }, isCryptoSymbol(symbol)),
    ...override,
  });
  const pushBars = (
    bars: readonly { symbol: string; ts: number; override?: Partial<WireBar> }[],
    o: PushOptions = {},
  ): number => {
    let count = 0;
    for (const s of sessions) {
      if (!isOpen(s) || frozen.has(s)) continue;
      const mine = bars.filter((b) => s.isAuthenticated && (s.bars.has(b.symbol) || s.bars.has('*')));
      const frame = mine
        .filter((b) => (s.endpoint === 'crypto') === isCryptoSymbol(b.symbol))
        .map((b) => wireBar(b.symbol, b.ts, b.override === undefined ? o.override : { ...o.override, ...b.override }));
      if (frame.length === 0) continue;
      count++;
      later(o.delayMs, () => send(s, frame));
    }
    return count;
  };

  const publishEveryMinute = (
    symbols: readonly string[],
    o: { now?: () => number; lagMs?: number } = {},
  ): (() => void) => {
    const now = o.now ?? Date.now;
    const lagMs = o.lagMs ?? 50;
    const minute = STEP_MS['1Min'];
    let isStopped = false;
    const schedule = (): void => {
      if (isStopped) return;
      const t = now();
      const mark = Math.floor(t / minute) * minute + minute;
      later(mark + lagMs - t, () => {
        if (isStopped) return;
        pushBars(symbols.map((symbol) => ({ symbol, ts: mark - minute })));
        schedule();
      });
    };
    schedule();
    const stop = (): void => {
      isStopped = true;
    };
    stoppers.push(stop);
    return stop;
  };

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((_req, res) => res.writeHead(426, { Upgrade: 'websocket' }).end());
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    log,
    connectionCount: () => connections,
    subscribedCount: () => [...sessions].filter((s) => isOpen(s) && s.bars.size > 0).length,
    whenSubscribed: (n) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (subscriptions < n) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    until: (check) =>
      new Promise<void>((resolve) => {
        const w = (): void => {
          if (!check()) return;
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
        w();
      }),
    pushBar: (symbol, ts, o) => pushBars([{ symbol, ts }], o),
    pushBars,
    publishEveryMinute,
    pushRaw: (text, endpoint) => {
      let count = 0;
      for (const s of sessions) {
        if (!isOpen(s) || !s.isAuthenticated || (endpoint !== undefined && s.endpoint !== endpoint)) continue;
        send(s, text);
        count++;
      }
      return count;
    },
    dropConnections: () => {
      for (const s of sessions) s.ws.terminate();
    },
    freezeConnections: () => {
      for (const s of sessions) {
        s.socket.pause();
        frozen.add(s);
      }
    },
    refuseConnections: (refuse) => {
      isRefused = refuse;
    },
    failAuth: (times = Number.POSITIVE_INFINITY) => {
      authFailures = times;
    },
    barsSent: () =>
      log
        .filter((e) => e.direction === 'sent')
        .flatMap((e) => {
          let frame: unknown;
          try {
            frame = JSON.parse(e.text);
          } catch {
            return [];
          }
          if (!Array.isArray(frame)) return [];
          return (frame as { T?: unknown; S: string; t: string }[])
            .filter((b) => b.T === 'b')
            .map((b) => ({ connection: e.connection, S: b.S, t: b.t }));
        }),
    close: async () => {
      for (const stop of stoppers) stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sessions) s.ws.terminate();
      server.closeAllConnections();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const isOpen = (s: Session): boolean => s.ws.readyState === WebSocket.OPEN;

/** Answers the upgrade with a plain HTTP status and ends the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
