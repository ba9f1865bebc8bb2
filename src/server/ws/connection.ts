/**
 * One client of `/ws`: its authentication (the upgrade's `Authorization` header, or an `auth`
 * message within the window), its subscriptions, its answers, and its send queue. Messages are
 * handled one at a time, in order: a `subscribe` sent right after `auth` waits for the token check.
 * A client that has not taken what it was sent (its unsent data over the limit when the next
 * fan-out comes) is closed (4008) instead of being waited for.
 */
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { isMomenticError, UsageError, type MomenticError } from '../../core/errors.js';
import type { LedgerStore } from '../../store/ledger.js';
import { bearerToken, unauthorized, verifyToken } from '../auth/verify-token.js';
import type { ChannelRegistry } from '../channels.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { Principal } from '../server-deps.js';
import type { FeedHub, FeedSink, FeedSubscription } from './hub.js';
import { WS_CLOSE, WS_PROTOCOL_VERSION, wsClientMessage, type WsChannel, type WsClientMessage } from './protocol.js';

export interface WsFeedOptions {
  /** A client without a valid token this long after connecting is closed (4001). */
  readonly authTimeoutMs: number;
  /**
   * Unsent bytes queued for one client, left from earlier fan-outs, above which it is closed as a
   * slow consumer (4008). One burst is sent whole whatever its size.
   */
  readonly maxBufferedBytes: number;
  /** Largest message a client may send. */
  readonly maxMessageBytes: number;
  /** Bad messages a client may send before it is closed (4000). */
  readonly maxBadMessages: number;
  /** How often a connected client's token is read again (a revoked one closes it, 4001). */
  readonly recheckTokenMs: number;
  /** A client closed for reading too slowly is cut off this long after its close frame was queued. */
  readonly closeGraceMs: number;
}

export const WS_FEED_DEFAULTS: WsFeedOptions = {
  authTimeoutMs: 5_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxMessageBytes: 64 * 1024,
  maxBadMessages: 10,
  recheckTokenMs: 60_000,
  closeGraceMs: 10_000,
};

export interface ConnectionContext {
  readonly hub: FeedHub;
  readonly channels: ChannelRegistry;
  readonly ledger: Pick<LedgerStore, 'getToken'>;
  readonly metrics: ServiceMetrics;
  readonly log: FastifyBaseLogger;
  readonly version: string;
  readonly options: WsFeedOptions;
}

export class FeedConnection implements FeedSink {
  readonly #ws: WebSocket;
  readonly #c: ConnectionContext;
  readonly #subs = new Map<WsChannel, FeedSubscription>();
  #principal: Principal | undefined;
  #token: string | undefined;
  #bad = 0;
  #isClosed = false;
  #queue: Promise<void> = Promise.resolve();
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(ws: WebSocket, c: ConnectionContext, authorization: string | undefined) {
    this.#ws = ws;
    this.#c = c;
    ws.on('message', (raw: Buffer, isBinary: boolean) => this.#enqueue(() => this.#onMessage(raw, isBinary)));
    ws.on('close', () => this.#end());
    ws.on('error', (e) => c.log.debug({ err: e }, 'websocket client error'));
    this.#enqueue(async () => {
      if (authorization !== undefined) {
        try {
          await this.#authenticate(bearerToken(authorization));
        } catch (e) {
          this.#refuse(e);
          return;
        }
      }
      this.#hello();
      if (this.#principal === undefined) {
        this.#timer(
          setTimeout(() => {
            if (this.#principal !== undefined || this.#isClosed) return;
            const s = c.options.authTimeoutMs / 1000;
            this.#sendError(unauthorized(`no valid token within ${s} s of connecting`, AUTH_HINT));
            this.#close(WS_CLOSE.unauthorized, `no token within ${s} s`);
          }, c.options.authTimeoutMs),
        );
      }
    });
  }

  // ---- FeedSink ----

  admit(): boolean {
    if (this.#isClosed) return false;
    if (this.#ws.bufferedAmount <= this.#c.options.maxBufferedBytes) return true;
    this.#dropSlow();
    return false;
  }

  send(frame: Buffer | string): boolean {
    if (this.#isClosed) return false;
    this.#ws.send(frame, { binary: false });
    return true;
  }

  cork(): void {
    this.#socket()?.cork();
  }

  uncork(): void {
    this.#socket()?.uncork();
  }

  // ---- messages ----

  #enqueue(f: () => Promise<void> | void): void {
    this.#queue = this.#queue
      .then(() => (this.#isClosed ? undefined : f()))
      .catch((e: unknown) => this.#c.log.error({ err: e }, 'websocket feed: a message could not be handled'));
  }

  async #onMessage(raw: Buffer, isBinary: boolean): Promise<void> {
    let json: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      this.#badMessage(
        undefined,
        new UsageError('API_INVALID_REQUEST', 'a message is not JSON text', {
          hint: 'send one JSON object per text frame, e.g. {"type":"subscribe","channels":["fills"]}',
        }),
      );
      return;
    }
    const parsed = wsClientMessage.safeParse(json);
    const id = typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id : undefined;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue?.path.join('.') ?? '';
      this.#badMessage(
        id,
        new UsageError(
          'API_INVALID_REQUEST',
          `a message breaks the protocol${key === '' ? '' : ` at ${key}`}: ${issue?.message ?? 'invalid'}`,
          {
            hint: 'messages are auth, subscribe, unsubscribe and ping (docs/service.md, "WebSocket feed")',
            ...(key === '' ? {} : { context: { key } }),
          },
        ),
      );
      return;
    }
    await this.#handle(parsed.data);
  }

  async #handle(m: WsClientMessage): Promise<void> {
    switch (m.type) {
      case 'ping':
        this.#reply({ type: 'pong', ...idOf(m.id), time: new Date().toISOString() });
        return;
      case 'auth':
        if (this.#principal !== undefined) {
          this.#sendError(
            new UsageError('API_INVALID_REQUEST', `already authenticated as token ${this.#principal.tokenId}`, {
              hint: 'send auth once; to use another token, open another connection',
            }),
            m.id,
          );
          return;
        }
        try {
          await this.#authenticate(m.token);
        } catch (e) {
          this.#refuse(e, m.id);
          return;
        }
        this.#hello();
        return;
      case 'subscribe':
        await this.#subscribe(m.channels, m.symbols, m.id);
        return;
      case 'unsubscribe':
        for (const c of m.channels) this.#unsubscribe(c);
        this.#reply({ type: 'unsubscribed', ...idOf(m.id), channels: m.channels });
        return;
    }
  }

  async #subscribe(channels: readonly WsChannel[], symbols: readonly string[] | undefined, id?: string): Promise<void> {
    const who = this.#principal;
    if (who === undefined) {
      this.#sendError(unauthorized('subscribe before authenticating', AUTH_HINT), id);
      return;
    }
    // The token is read again: a revocation holds from the next subscribe on.
    try {
      await verifyToken(this.#token as string, this.#c.ledger);
    } catch (e) {
      this.#refuse(e, id);
      return;
    }
    for (const c of channels) {
      const refused = this.#c.channels.authorize(c, who);
      if (refused !== undefined) {
        // All or nothing: a request is answered as a whole.
        this.#sendError(refused, id);
        return;
      }
    }
    if (this.#isClosed) return;
    const unique = [...new Set(channels)];
    this.#reply({ type: 'subscribed', ...idOf(id), channels: unique, symbols: symbols ?? null });
    for (const c of unique) {
      const before = this.#subs.get(c);
      if (before === undefined) this.#c.metrics.wsClients(c, 1);
      else before.close();
      const sub = this.#c.hub.subscribe(c, this, symbols);
      this.#subs.set(c, sub);
      // Sent before anything the hub fans out later: its events follow the snapshot.
      if (!this.admit() || !this.send(sub.snapshot)) return;
    }
  }

  #unsubscribe(c: WsChannel): void {
    const sub = this.#subs.get(c);
    if (sub === undefined) return;
    sub.close();
    this.#subs.delete(c);
    this.#c.metrics.wsClients(c, -1);
  }

  // ---- authentication ----

  async #authenticate(token: string): Promise<void> {
    const p = await verifyToken(token, this.#c.ledger);
    this.#principal = p;
    this.#token = token;
    const every = this.#c.options.recheckTokenMs;
    this.#timer(
      setInterval(() => {
        verifyToken(token, this.#c.ledger).catch((e: unknown) => this.#enqueue(() => this.#refuse(e)));
      }, every),
    );
  }

  /** A token refused: the error, then the connection closed (4001). */
  #refuse(e: unknown, id?: string): void {
    const err = isMomenticError(e) ? e : unauthorized(String(e));
    this.#sendError(err, id);
    this.#close(WS_CLOSE.unauthorized, err.code === 'API_UNAUTHORIZED' ? 'unauthorized' : err.code);
  }

  #hello(): void {
    this.#reply({
      type: 'hello',
      server_version: this.#c.version,
      role: this.#principal?.role ?? null,
      channels: this.#c.channels.list().map((c) => ({ name: c.name, access: c.access, description: c.description })),
    });
  }

  // ---- sending and closing ----

  #reply(m: Record<string, unknown>): void {
    this.send(JSON.stringify({ v: WS_PROTOCOL_VERSION, ...m }));
  }

  #sendError(e: MomenticError, id?: string): void {
    this.#reply({ type: 'error', ...idOf(id), error: { code: e.code, message: e.message, hint: e.hint ?? '' } });
  }

  #badMessage(id: string | undefined, e: MomenticError): void {
    this.#sendError(e, id);
    if (++this.#bad > this.#c.options.maxBadMessages) {
      this.#close(WS_CLOSE.badMessage, `more than ${this.#c.options.maxBadMessages} bad messages`);
    }
  }

  #dropSlow(): void {
    const mb = (this.#c.options.maxBufferedBytes / (1024 * 1024)).toFixed(1);
    this.#c.log.warn(
      { token_id: this.#principal?.tokenId, channels: [...this.#subs.keys()], buffered: this.#ws.bufferedAmount },
      'websocket feed: closing a client that reads too slowly',
    );
    this.#close(WS_CLOSE.slowConsumer, `slow consumer: over ${mb} MiB unsent`);
    // Its close frame waits behind what it has not read: cut it off if it never gets there.
    const t = setTimeout(() => this.#ws.terminate(), this.#c.options.closeGraceMs);
    t.unref();
  }

  #close(code: number, reason: string): void {
    if (this.#isClosed) return;
    this.#end();
    this.#ws.close(code, reason);
  }

  /** Leaves every channel and stops the timers (on close, whoever closed). */
  #end(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const c of [...this.#subs.keys()]) this.#unsubscribe(c);
    for (const t of this.#timers) clearTimeout(t);
  }

  #timer(t: NodeJS.Timeout): void {
    t.unref();
    this.#timers.push(t);
  }

  #socket(): Socket | undefined {
    // ws keeps the TCP socket private; corking it writes a fan-out's frames in one system call.
    return (this.#ws as unknown as { _socket?: Socket })._socket;
  }
}

const AUTH_HINT =
  'send {"type":"auth","token":"mtk_..."} first, or connect with Authorization: Bearer <token> (momentic tokens create)';

const idOf = (id: string | undefined): { id?: string } => (id === undefined ? {} : { id });
