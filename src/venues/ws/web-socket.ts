/**
 * The venues' WebSocket client, on the `ws` library: open a connection with errors our callers
 * can act on, and read it the way a venue stream needs. Text and binary messages both arrive as
 * UTF-8 text (Alpaca's paper trading stream sends JSON in binary frames), messages that come
 * before anyone listens wait for the first listener, pings are answered by `ws`, and
 * `lastReceivedAt` lets the owner find a peer that went silent without closing.
 * @see https://github.com/websockets/ws/blob/master/doc/ws.md
 */
import { WebSocket } from 'ws';
import { VenueError } from '../../core/errors.js';

/** 1006: the socket ended without a close frame (RFC 6455 section 7.1.5). */
export const ABNORMAL_CLOSURE = 1006;

/** How long a close we started waits for the peer's answer before the socket is dropped. */
const CLOSE_ANSWER_MS = 1000;

export interface WsClose {
  readonly code: number;
  readonly reason: string;
}

export interface OpenWebSocketOptions {
  /** The venue, for error messages. */
  readonly venue: string;
  /** Sent with the upgrade request; never repeated in an error. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Longest wait for the connection and the upgrade answer. */
  readonly timeoutMs: number;
  /** Aborting gives up a connection still opening (an open one is closed by its owner). */
  readonly signal?: AbortSignal;
}

/**
 * An open connection, or a VenueError: VENUE_AUTH when the upgrade is answered 401 or 403,
 * else a retryable VENUE_UNAVAILABLE. `http(s)://` URLs are taken as `ws(s)://` on the same
 * host, since a venue's stream often lives beside its REST API.
 */
export function openWebSocket(url: string, options: OpenWebSocketOptions): Promise<WsConnection> {
  const { venue } = options;
  const target = toWebSocketUrl(url);
  if (target === undefined) {
    return Promise.reject(
      new VenueError('VENUE_UNAVAILABLE', `${venue} stream URL ${url} is not a ws:// or wss:// URL`, {
        hint: 'set the stream URL to wss://host/path (or ws:// for a local test server)',
        context: { venue, value: url },
      }),
    );
  }
  // Host and path only: a query string may carry a token.
  const where = `${target.host}${target.pathname}`;
  const unavailable = (detail: string): VenueError =>
    new VenueError('VENUE_UNAVAILABLE', `${venue} stream at ${where} ${detail}`, {
      retryable: true,
      hint: 'check the network and the stream URL; the connection is retried',
      context: { venue, value: where },
    });
  if (options.signal?.aborted === true) return Promise.reject(unavailable('was given up before it opened'));

  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(target, {
        ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
        handshakeTimeout: options.timeoutMs,
        // No extension is asked for: the venues' JSON is small and compression costs memory per connection.
        perMessageDeflate: false,
      });
    } catch {
      // The library's message may name a malformed header: say only that the request failed.
      reject(
        new VenueError('VENUE_UNAVAILABLE', `${venue} stream at ${where} cannot be requested`, {
          hint: 'check the stream URL in the configuration and the API keys in the environment',
          context: { venue, value: where },
        }),
      );
      return;
    }
    const connection = new WsConnection(socket);
    let isSettled = false;
    const settle = (error?: VenueError): void => {
      if (isSettled) return;
      isSettled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(connection);
      else {
        reject(error);
        socket.terminate();
      }
    };
    const onAbort = (): void => settle(unavailable('was given up before it opened'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => settle());
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status === 401 || status === 403) {
        settle(
          new VenueError('VENUE_AUTH', `${venue} stream at ${where} refused the connection (HTTP ${status})`, {
            status,
            hint: 'check the API keys in the environment',
            context: { venue, value: where },
          }),
        );
      } else settle(unavailable(`answered HTTP ${status} instead of switching protocols`));
    });
    // A refused or timed-out handshake; `ws` says which ("Opening handshake has timed out", ECONNREFUSED...).
    socket.on('error', (e) => settle(unavailable(`could not be reached (${e.message})`)));
  });
}

/** `https://host` -> `wss://host`, `http://` -> `ws://`; ws(s) URLs pass; anything else is undefined. */
function toWebSocketUrl(url: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  return u.protocol === 'ws:' || u.protocol === 'wss:' ? u : undefined;
}

/** One connection, as its owner reads it: text in, text out, a close with its code and reason. */
export class WsConnection {
  readonly #socket: WebSocket;
  readonly #messageListeners: ((text: string) => void)[] = [];
  readonly #early: string[] = [];
  /** Our own close (or drop) wins over what the peer echoes: it says why the connection ended. */
  #ownClose: WsClose | undefined;
  #lastError = '';
  #lastReceivedAt = Date.now();
  /** Resolves once the socket is gone, whoever ended it. */
  readonly closed: Promise<WsClose>;

  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.binaryType = 'nodebuffer';
    let settle: (c: WsClose) => void = () => {};
    this.closed = new Promise((resolve) => (settle = resolve));
    socket.on('open', () => (this.#lastReceivedAt = Date.now()));
    socket.on('message', (data: Buffer) => {
      this.#lastReceivedAt = Date.now();
      const text = data.toString('utf8');
      if (this.#messageListeners.length === 0) this.#early.push(text);
      for (const l of this.#messageListeners) l(text);
    });
    socket.on('ping', () => (this.#lastReceivedAt = Date.now()));
    socket.on('pong', () => (this.#lastReceivedAt = Date.now()));
    // `ws` follows every error with a close; the error only explains it.
    socket.on('error', (e) => (this.#lastError = e.message));
    socket.on('close', (code, reason) => {
      const said = reason.toString('utf8');
      const lost = code === ABNORMAL_CLOSURE ? 'connection lost' : '';
      settle(this.#ownClose ?? { code, reason: said !== '' ? said : this.#lastError !== '' ? this.#lastError : lost });
    });
  }

  /** Wall-clock ms of the last message, ping or pong from the peer: how a silent peer is found. */
  get lastReceivedAt(): number {
    return this.#lastReceivedAt;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Messages that came before the first listener are handed to it at once. */
  onMessage(listener: (text: string) => void): void {
    this.#messageListeners.push(listener);
    for (const text of this.#early.splice(0)) listener(text);
  }

  send(text: string): void {
    if (this.isOpen) this.#socket.send(text);
  }

  /** Asks for a pong; its arrival moves `lastReceivedAt`. */
  ping(): void {
    if (this.isOpen) this.#socket.ping();
  }

  /** The closing handshake; a peer that does not answer within a second is dropped. */
  close(code = 1000, reason = ''): void {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#ownClose ??= { code, reason };
    this.#socket.close(code, reason);
    setTimeout(() => this.#socket.terminate(), CLOSE_ANSWER_MS).unref();
  }

  /** Drops the socket without a closing handshake (a lost network, as the peer sees it). */
  terminate(reason = 'dropped by us'): void {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#ownClose ??= { code: ABNORMAL_CLOSURE, reason };
    this.#socket.terminate();
  }
}
