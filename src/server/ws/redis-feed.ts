/**
 * The feed across processes (`MOMENTIC_REDIS_URL` set): a trading session publishes each message
 * to Redis pub/sub (one Redis channel per feed channel), and every `momentic serve` subscribes and
 * feeds its hub, which numbers, keeps and fans out as for a session in its own process. A message
 * carries the publisher's origin, so a server whose own session also publishes to Redis (`paper
 * --serve`) does not show that session twice. Messages from Redis are checked against the
 * channel's schema; one that fails is dropped and logged. A Redis that is down costs the remote
 * servers those messages, never the session: publishing does not wait and does not throw.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redactUrl } from '../../core/secrets.js';
import type { FeedHub } from './hub.js';
import { WS_CHANNELS, WS_PAYLOADS, type FeedPublisher, type WsChannel, type WsPayload } from './protocol.js';

/** Where warnings go (a pino or fastify logger). */
export interface FeedLog {
  warn(obj: object, msg: string): void;
}

/** Redis channels are `${prefix}${channel}` (`momentic:feed:fills`). */
export const FEED_PREFIX = 'momentic:feed:';

interface Envelope {
  /** The publisher's origin. */
  readonly o: string;
  readonly d: unknown;
}

async function connect(url: string, name: string, logger: FeedLog | undefined): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    // Publishing never queues behind a connection that is gone for long: it fails fast and is dropped.
    maxRetriesPerRequest: 1,
    retryStrategy: (n: number) => Math.min(200 * n, 5_000),
  });
  let warned = false;
  r.on('error', (e: Error) => {
    if (warned) return;
    warned = true;
    logger?.warn({ redis: redactUrl(url), error: e.message }, `feed ${name}: Redis unavailable, retrying`);
  });
  r.on('ready', () => (warned = false));
  await r.connect().catch(() => undefined);
  return r;
}

/** Publishes to Redis for the servers of other processes. */
export class RedisFeedPublisher implements FeedPublisher {
  readonly origin: string;
  readonly #redis: Redis;
  readonly #prefix: string;

  private constructor(redis: Redis, prefix: string, origin: string) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.origin = origin;
  }

  static async open(
    url: string,
    o: { readonly prefix?: string; readonly logger?: FeedLog } = {},
  ): Promise<RedisFeedPublisher> {
    return new RedisFeedPublisher(await connect(url, 'publisher', o.logger), o.prefix ?? FEED_PREFIX, randomUUID());
  }

  publish<C extends WsChannel>(channel: C, data: WsPayload<C>): void {
    const envelope: Envelope = { o: this.origin, d: data };
    this.#redis.publish(`${this.#prefix}${channel}`, JSON.stringify(envelope)).catch(() => undefined);
  }

  /** Waits for what was published to be written (at most `timeoutMs`), then disconnects. */
  async close(timeoutMs = 2_000): Promise<void> {
    const timer = new Promise((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([this.#redis.quit().catch(() => undefined), timer]);
    this.#redis.disconnect();
  }
}

/** Feeds a hub with what the publishers of other processes send through Redis. */
export class RedisFeedBridge {
  readonly #redis: Redis;
  /** Messages dropped because they were not JSON or broke their channel's schema. */
  rejected = 0;

  private constructor(redis: Redis) {
    this.#redis = redis;
  }

  static async open(
    url: string,
    hub: Pick<FeedHub, 'publish'>,
    o: { readonly prefix?: string; readonly logger?: FeedLog; readonly ignoreOrigin?: string } = {},
  ): Promise<RedisFeedBridge> {
    const prefix = o.prefix ?? FEED_PREFIX;
    const redis = await connect(url, 'subscriber', o.logger);
    const bridge = new RedisFeedBridge(redis);
    const byName = new Map<string, WsChannel>(WS_CHANNELS.map((c) => [`${prefix}${c}`, c]));
    redis.on('message', (name: string, message: string) => {
      const channel = byName.get(name);
      if (channel === undefined) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message) as Envelope;
      } catch {
        bridge.#reject(o.logger, name, 'not JSON');
        return;
      }
      if (envelope.o === o.ignoreOrigin) return;
      const parsed = WS_PAYLOADS[channel].safeParse(envelope.d);
      if (!parsed.success) {
        bridge.#reject(o.logger, name, parsed.error.issues[0]?.message ?? 'invalid');
        return;
      }
      hub.publish(channel, parsed.data as WsPayload<typeof channel>);
    });
    // ioredis subscribes again by itself after a reconnect.
    await redis
      .subscribe(...byName.keys())
      .catch((e: unknown) =>
        o.logger?.warn({ error: (e as Error).message }, 'feed subscriber: could not subscribe yet; retrying'),
      );
    return bridge;
  }

  #reject(logger: FeedLog | undefined, name: string, why: string): void {
    // The first few are logged; a publisher that is wrong on every message would flood the log.
    if (++this.rejected <= 10) logger?.warn({ channel: name, error: why }, 'feed subscriber: message dropped');
  }

  close(): void {
    this.#redis.disconnect();
  }
}

/** One publisher that publishes to each of `publishers` (the local hub and Redis). */
export function teeFeed(...publishers: readonly FeedPublisher[]): FeedPublisher {
  if (publishers.length === 1) return publishers[0] as FeedPublisher;
  return {
    publish(channel, data) {
      for (const p of publishers) p.publish(channel, data);
    },
  };
}
