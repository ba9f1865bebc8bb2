import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { VenueError } from '../../../src/core/errors.js';
import { ABNORMAL_CLOSURE, openWebSocket, type WsConnection } from '../../../src/venues/ws/web-socket.js';

const SECRET = 'sekrit-0c9b8a';
const SECRET_HEADER = 'APCA-API-SECRET-KEY';

/** A real `ws` server on loopback; `accept` decides each upgrade (a status refuses it). */
interface Loopback {
  readonly url: string;
  readonly requests: IncomingMessage[];
  /** Server ends of the accepted connections, in order. */
  readonly peers: WebSocket[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function loopback(
  onPeer: (ws: WebSocket) => void = () => {},
  options: { refuse?: number; autoPong?: boolean } = {},
): Promise<Loopback> {
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const requests: IncomingMessage[] = [];
  const peers: WebSocket[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests.push(req);
    if (options.refuse !== undefined) {
      socket.end(`HTTP/1.1 ${options.refuse} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      peers.push(ws);
      ws.on('error', () => ws.terminate());
      onPeer(ws);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    for (const p of peers) p.terminate();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return { url: `ws://127.0.0.1:${port}`, requests, peers, close };
}

/** A TCP server that accepts connections and never answers: an upgrade that hangs. */
async function mute(): Promise<{ url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createTcpServer((s) => {
    sockets.push(s);
    s.resume(); // reads the request (so the client's leaving is seen) and answers nothing
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

const open = (url: string, extra: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<WsConnection> =>
  openWebSocket(url, { venue: 'alpaca', timeoutMs: extra.timeoutMs ?? 10_000, ...extra });

const failure = (p: Promise<unknown>): Promise<VenueError> =>
  p.then(
    () => expect.fail('the connection opened'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(VenueError);
      return e as VenueError;
    },
  );

/** Every text of an error a user or a log could see. */
const textsOf = (e: VenueError): string =>
  [e.message, e.hint, JSON.stringify(e.toJSON()), e.stack, String(e.cause ?? '')].join('\n');

const nextTick = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

describe('openWebSocket', () => {
  it('takes HTTP 401 and 403 at the upgrade as VENUE_AUTH, naming neither the headers nor the secret', async () => {
    for (const status of [401, 403]) {
      const server = await loopback(undefined, { refuse: status });
      const e = await failure(
        openWebSocket(`${server.url}/stream?token=${SECRET}`, {
          venue: 'alpaca',
          timeoutMs: 10_000,
          headers: { [SECRET_HEADER]: SECRET },
        }),
      );
      expect(server.requests[0]?.headers[SECRET_HEADER.toLowerCase()]).toBe(SECRET); // the header was sent
      expect([e.code, e.retryable, e.status, e.exitCode]).toEqual(['VENUE_AUTH', false, status, 4]);
      expect(e.message).toBe(`alpaca stream at ${server.url.slice(5)}/stream refused the connection (HTTP ${status})`);
      expect(textsOf(e)).not.toContain(SECRET);
      expect(textsOf(e).toLowerCase()).not.toContain(SECRET_HEADER.toLowerCase());
    }
  });

  it('takes any other refusal, and a closed port, as a retryable VENUE_UNAVAILABLE', async () => {
    const busy = await loopback(undefined, { refuse: 503 });
    const e503 = await failure(open(`${busy.url}/v2/iex`));
    expect([e503.code, e503.retryable, e503.exitCode]).toEqual(['VENUE_UNAVAILABLE', true, 4]);
    expect(e503.message).toContain('answered HTTP 503 instead of switching protocols');

    const gone = await loopback();
    await gone.close();
    const eGone = await failure(open(`${gone.url}/v2/iex`));
    expect([eGone.code, eGone.retryable]).toEqual(['VENUE_UNAVAILABLE', true]);
    expect(eGone.message).toContain('could not be reached (connect ECONNREFUSED');

    const eScheme = await failure(open('ftp://127.0.0.1/stream'));
    expect(eScheme.message).toBe('alpaca stream URL ftp://127.0.0.1/stream is not a ws:// or wss:// URL');
  });

  it('opens http:// URLs as ws:// on the same host (a stream beside its REST API)', async () => {
    const server = await loopback((ws) => ws.send('hello'));
    const conn = await open(`${server.url.replace('ws:', 'http:')}/stream`);
    const got = await new Promise<string>((r) => conn.onMessage(r));
    expect([got, server.requests[0]?.url]).toEqual(['hello', '/stream']);
    conn.close();
  });

  it('gives up a connection whose upgrade is not answered within the timeout', async () => {
    const server = await mute();
    const e = await failure(open(`${server.url}/stream`, { timeoutMs: 200 }));
    expect([e.code, e.retryable]).toEqual(['VENUE_UNAVAILABLE', true]);
    expect(e.message).toContain('Opening handshake has timed out');
    expect(server.sockets).toHaveLength(1);
  });

  it('gives up a connection still opening when its signal aborts, and never opens one for an aborted signal', async () => {
    const server = await mute();
    const controller = new AbortController();
    const pending = failure(open(`${server.url}/stream`, { signal: controller.signal }));
    await expect.poll(() => server.sockets.length).toBe(1);
    const socketClosed = new Promise((r) => server.sockets[0]?.once('close', r));
    controller.abort();
    const e = await pending;
    expect([e.code, e.message]).toEqual([
      'VENUE_UNAVAILABLE',
      `alpaca stream at ${server.url.slice(5)}/stream was given up before it opened`,
    ]);
    await socketClosed; // the half-made connection is not left open

    const e2 = await failure(open(`${server.url}/again`, { signal: AbortSignal.abort() }));
    expect(e2.code).toBe('VENUE_UNAVAILABLE');
    expect(server.sockets).toHaveLength(1);
  });
});

describe('WsConnection', () => {
  it('delivers text and binary frames alike as UTF-8 text (binary JSON, as on Alpaca paper)', async () => {
    const update = { stream: 'trade_updates', data: { event: 'fill', symbol: 'CAFÉ' } };
    const server = await loopback((ws) => {
      ws.send(Buffer.from(JSON.stringify(update), 'utf8'), { binary: true });
      ws.send('{"stream":"listening"}', { binary: false });
      ws.send(Buffer.from([0x01]), { binary: true }); // the paper stream's one-byte heartbeat
    });
    const conn = await open(server.url);
    const got: string[] = [];
    conn.onMessage((t) => got.push(t));
    await expect.poll(() => got.length).toBe(3);
    expect(JSON.parse(got[0] ?? '')).toEqual(update);
    expect(got.slice(1)).toEqual(['{"stream":"listening"}', '\u0001']);
  });

  it('keeps messages that came before the first listener for it, in order', async () => {
    const server = await loopback((ws) => {
      for (const m of ['one', 'two', 'three']) ws.send(m);
      ws.close(4000, 'done');
    });
    const conn = await open(server.url);
    await conn.closed; // every message before the close frame has been read, with nobody listening
    const got: string[] = [];
    conn.onMessage((t) => got.push(t));
    expect(got).toEqual(['one', 'two', 'three']);
    const later: string[] = [];
    conn.onMessage((t) => later.push(t));
    expect(later).toEqual([]); // handed over once, not to every listener
  });

  it('sends text the server reads as text', async () => {
    const heard: { text: string; isBinary: boolean }[] = [];
    const server = await loopback((ws) =>
      ws.on('message', (data: Buffer, isBinary) => heard.push({ text: data.toString('utf8'), isBinary })),
    );
    const conn = await open(server.url);
    conn.send('{"action":"auth"}');
    await expect.poll(() => heard).toEqual([{ text: '{"action":"auth"}', isBinary: false }]);
    expect(conn.isOpen).toBe(true);
  });

  it('moves lastReceivedAt on a pong, and not for a peer that leaves pings unanswered', async () => {
    const probe = async (autoPong: boolean): Promise<{ before: number; after: number }> => {
      // The peer closes right after the ping: a pong, if any, is read before the close frame.
      const server = await loopback((ws) => ws.on('ping', () => ws.close(4000, 'seen')), { autoPong });
      const conn = await open(server.url);
      const before = conn.lastReceivedAt;
      while (Date.now() <= before) await nextTick();
      conn.ping();
      expect(await conn.closed).toEqual({ code: 4000, reason: 'seen' });
      return { before, after: conn.lastReceivedAt };
    };
    const answered = await probe(true);
    expect(answered.after).toBeGreaterThan(answered.before);
    const silent = await probe(false);
    expect(silent.after).toBe(silent.before);
  });

  it('closes with a handshake carrying our code and reason, and reports the peer’s', async () => {
    const seen: { code: number; reason: string }[] = [];
    const server = await loopback((ws) => ws.on('close', (code, reason) => seen.push({ code, reason: `${reason}` })));
    const ours = await open(server.url);
    ours.close(4001, 'session ended');
    expect(await ours.closed).toEqual({ code: 4001, reason: 'session ended' });
    await expect.poll(() => seen).toEqual([{ code: 4001, reason: 'session ended' }]);
    expect(ours.isOpen).toBe(false);

    const theirs = await open(server.url);
    await expect.poll(() => server.peers.length).toBe(2);
    server.peers[1]?.close(1008, 'auth failed');
    expect(await theirs.closed).toEqual({ code: 1008, reason: 'auth failed' });
  });

  it('drops the socket without a handshake on terminate, saying why, and reports a peer that vanished', async () => {
    const seen: number[] = [];
    const server = await loopback((ws) => ws.on('close', (code) => seen.push(code)));
    const conn = await open(server.url);
    conn.terminate('no answer to pings for 80 ms');
    expect(await conn.closed).toEqual({ code: ABNORMAL_CLOSURE, reason: 'no answer to pings for 80 ms' });
    await expect.poll(() => seen).toEqual([ABNORMAL_CLOSURE]); // no close frame reached the server

    const other = await open(server.url);
    await expect.poll(() => server.peers.length).toBe(2);
    server.peers[1]?.terminate();
    expect((await other.closed).code).toBe(ABNORMAL_CLOSURE);
    other.send('into the void'); // a send after the end is dropped, not thrown
  });
});
