/**
 * Alpaca's `trade_updates` stream (`{trading_url}/stream`, streams.md B): authenticate, listen,
 * then deliver each validated update. A message that is not JSON or breaks the schema is logged
 * and counted, never thrown. When the connection drops the stream reconnects with exponential
 * backoff and jitter, forever, and says so through `onReconnected`: updates sent while it was
 * down are lost (Alpaca replays nothing, streams.md D.8), so the owner polls its orders then.
 */
import { VenueError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { realSleep, type Sleep } from '../../http/rate-limiter.js';
import { openWebSocket, type WsClose, type WsConnection } from '../../ws/web-socket.js';
import { describeIssues } from '../mapper.js';
import { ALPACA_CREDENTIAL_VARS } from '../provider.js';
import { alpacaStreamControlSchema, alpacaTradeUpdateSchema, type AlpacaTradeUpdate } from './schemas.js';

export interface TradeUpdatesStreamOptions {
  /** The trading base URL; the stream is at `/stream` on the same host (https -> wss). */
  readonly tradingUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly onUpdate: (update: AlpacaTradeUpdate) => void;
  /** After every reconnection (not the first connection), once listening again. */
  readonly onReconnected?: () => void;
  /** The stream gave up for good (credentials refused on a reconnection). */
  readonly onFailed?: (error: VenueError) => void;
  readonly logger?: Logger;
  /** Handshake plus authorization plus listen, per attempt (default 10 s: Alpaca's auth deadline). */
  readonly connectTimeoutMs?: number;
  /**
   * A live connection is pinged this often (default 15 s); one that has sent nothing, not even
   * the pong, for two intervals is taken as dead (a half-open TCP connection never closes).
   */
  readonly pingIntervalMs?: number;
  /** First reconnection delay (default 500 ms), doubled per failed attempt up to `maxBackoffMs` (30 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

export type TradeStreamState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'failed';

const VENUE = 'alpaca';
/** The paper stream's one-byte heartbeat frame (streams.md B.1, S2). */
const HEARTBEAT = '\u0001';

export class TradeUpdatesStream {
  readonly #o: TradeUpdatesStreamOptions;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #stop = new AbortController();
  #conn: WsConnection | undefined;
  #state: TradeStreamState = 'idle';
  #malformed = 0;
  #received = 0;
  #reconnects = 0;
  #downSince: number | undefined;

  constructor(options: TradeUpdatesStreamOptions) {
    this.#o = options;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
  }

  get state(): TradeStreamState {
    return this.#state;
  }
  /** Messages dropped because they were not JSON or broke the schema. */
  get malformedCount(): number {
    return this.#malformed;
  }
  /** Messages received once listening (updates, malformed ones and heartbeats). */
  get receivedCount(): number {
    return this.#received;
  }
  get reconnectCount(): number {
    return this.#reconnects;
  }
  /** Epoch ms since when the stream has been down; undefined while live. */
  get downSince(): number | undefined {
    return this.#downSince;
  }

  /** Connects, authenticates and listens; rejects (VENUE_AUTH or VENUE_UNAVAILABLE) when the first attempt fails. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'connecting';
    try {
      await this.#connectOnce();
    } catch (e) {
      this.#state = 'failed';
      throw e;
    }
  }

  stop(): void {
    this.#state = 'stopped';
    this.#stop.abort();
    this.#conn?.close();
  }

  async #connectOnce(): Promise<void> {
    const timeoutMs = this.#o.connectTimeoutMs ?? 10_000;
    const url = `${this.#o.tradingUrl.replace(/\/$/, '')}/stream`;
    let conn: WsConnection;
    try {
      conn = await openWebSocket(url, { venue: VENUE, timeoutMs, signal: this.#stop.signal });
    } catch (e) {
      // Keys refused at the upgrade stay VENUE_AUTH: reconnecting cannot help.
      if (e instanceof VenueError && e.code === 'VENUE_AUTH') throw e;
      throw unavailable(`trade_updates stream unreachable: ${(e as Error).message}`);
    }
    this.#conn = conn;
    await new Promise<void>((resolve, reject) => {
      let phase: 'auth' | 'listen' | 'live' = 'auth';
      const timer = setTimeout(() => {
        reject(unavailable(`trade_updates stream did not authorize and listen within ${timeoutMs} ms`));
        conn.close();
      }, timeoutMs);
      void conn.closed.then((c) => {
        clearTimeout(timer);
        if (phase !== 'live') reject(unavailable(`trade_updates stream closed during set-up (${describeClose(c)})`));
        else this.#onDrop(describeClose(c));
      });
      conn.onMessage((text) => {
        if (phase === 'live') return this.#onMessage(text);
        const control = alpacaStreamControlSchema.safeParse(safeJson(text));
        if (!control.success) return this.#onMessage(text);
        const msg = control.data;
        if (msg.stream === 'authorization' && msg.data.status !== 'authorized') {
          clearTimeout(timer);
          reject(authRefused()); // before close: closing reports "closed during set-up" otherwise
          conn.close();
        } else if (msg.stream === 'authorization' && phase === 'auth') {
          phase = 'listen';
          conn.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
        } else if (msg.stream === 'listening' && phase === 'listen') {
          if (!msg.data.streams.includes('trade_updates')) {
            clearTimeout(timer);
            reject(unavailable('the venue did not grant the trade_updates stream'));
            conn.close();
            return;
          }
          phase = 'live';
          clearTimeout(timer);
          this.#watch(conn);
          this.#state = 'live';
          this.#downSince = undefined;
          resolve();
        }
      });
      // The secret travels in this one frame only; frames are never logged.
      conn.send(
        JSON.stringify({ action: 'authenticate', data: { key_id: this.#o.keyId, secret_key: this.#o.secretKey } }),
      );
    });
  }

  /** Pings a live connection and drops it when the peer went silent; stops with the connection. */
  #watch(conn: WsConnection): void {
    const every = this.#o.pingIntervalMs ?? 15_000;
    const timer = setInterval(() => {
      if (Date.now() - conn.lastReceivedAt > 2 * every) conn.terminate(`no answer to pings for ${2 * every} ms`);
      else conn.ping();
    }, every);
    timer.unref();
    void conn.closed.then(() => clearInterval(timer));
  }

  #onMessage(text: string): void {
    this.#received++;
    if (text === HEARTBEAT) return;
    const json = safeJson(text);
    const stream = (json as { stream?: unknown } | undefined)?.stream;
    if (stream !== 'trade_updates') {
      if (json === undefined) this.#reject('not JSON', text);
      else this.#o.logger?.debug({ venue: VENUE, stream }, 'alpaca: trade stream message ignored');
      return;
    }
    const parsed = alpacaTradeUpdateSchema.safeParse(json);
    if (!parsed.success) return this.#reject(describeIssues(parsed.error), text);
    this.#o.onUpdate(parsed.data.data);
  }

  #reject(why: string, text: string): void {
    this.#malformed++;
    this.#o.logger?.warn(
      { venue: VENUE, malformed: this.#malformed, sample: text.slice(0, 200) },
      `alpaca: trade update dropped (${why})`,
    );
  }

  #onDrop(reason: string): void {
    if (this.#state === 'stopped') return;
    this.#downSince = Date.now();
    this.#state = 'reconnecting';
    this.#o.logger?.warn({ venue: VENUE, reason }, 'alpaca: trade_updates stream lost; reconnecting');
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const cap = this.#o.maxBackoffMs ?? 30_000;
    for (let attempt = 0; this.#state === 'reconnecting'; attempt++) {
      const d = Math.min(cap, (this.#o.backoffMs ?? 500) * 2 ** attempt);
      try {
        await this.#sleep(d / 2 + (this.#random() * d) / 2, this.#stop.signal);
      } catch {
        return; // stopped while waiting
      }
      if (this.#state !== 'reconnecting') return;
      try {
        await this.#connectOnce();
        this.#reconnects++;
        this.#o.logger?.info({ venue: VENUE, attempt: attempt + 1 }, 'alpaca: trade_updates stream back');
        this.#o.onReconnected?.();
        return;
      } catch (e) {
        const err = e as VenueError;
        if (err.code === 'VENUE_AUTH') {
          this.#state = 'failed';
          this.#o.logger?.error({ venue: VENUE }, `alpaca: ${err.message}`);
          this.#o.onFailed?.(err);
          return;
        }
        this.#o.logger?.warn({ venue: VENUE, attempt: attempt + 1 }, `alpaca: ${err.message}; retrying`);
      }
    }
  }
}

function unavailable(message: string): VenueError {
  return new VenueError('VENUE_UNAVAILABLE', `${VENUE}: ${message}`, {
    retryable: true,
    hint: 'check the network and venues.alpaca.trading_url; the stream reconnects by itself once up',
    context: { venue: VENUE, key: 'venues.alpaca.trading_url' },
  });
}

function authRefused(): VenueError {
  return new VenueError('VENUE_AUTH', `${VENUE} refused the trade_updates stream credentials`, {
    hint: `set ${ALPACA_CREDENTIAL_VARS.join(' and ')} to a key pair of the account behind venues.alpaca.trading_url (paper keys for paper-api)`,
    context: { venue: VENUE },
  });
}

function describeClose(c: WsClose): string {
  return c.reason === '' ? `code ${c.code}` : `${c.reason} (code ${c.code})`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
