/**
 * The feed across processes (`MOMENTIC_REDIS_URL` set): a trading session publishes each message
 * to Redis pub/sub (one Redis channel per feed channel), and every `momentic serve` subscribes and
 * feeds its hub, which numbers, keeps and fans out as for a session in its own process. A message
 * carries the publisher's origin, so a server whose own session also publishes to Redis (`paper
 * --serve`) does not show that session twice. Messages from Redis are checked against the
 * channel's schema; one that fails is dropped and logged. A Redis that is down costs the remote
 * servers those messages, never the session: publishing does not wait and does not throw.
 *
 * A publisher also keeps its channels' state (what a snapshot holds) in a Redis hash,
 * `${prefix}state:${origin}`, a field per channel, rewritten at most a few times a second and
 * expiring unless refreshed: a server started after the session seeds its snapshots from it
 * (`seedFromRedis`), so a dashboard shows the session's book before its next message. A session
 * that ends deletes its hash; one that dies leaves it to expire.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redactUrl } from '../../core/secrets.js';
import { channelStates, type ChannelState } from './channel-state.js';
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

/** The hash a publisher keeps its state in. */
export const stateKey = (prefix: string, origin: string): string => `${prefix}state:${origin}`;

/** How long a publisher's state outlives its last refresh (a publisher that died). */
const STATE_TTL_MS = 90_000;
/** The state is written at most this often. */
const STATE_WRITE_MS = 250;

/** Publishes to Redis for the servers of other processes. */
export class RedisFeedPublisher implements FeedPublisher {
  readonly origin: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #states = channelStates();
  readonly #dirty = new Set<WsChannel>();
  #writeTimer: NodeJS.Timeout | undefined;
  readonly #refresh: NodeJS.Timeout;
  #written: Promise<unknown> = Promise.resolve();

  private constructor(redis: Redis, prefix: string, origin: string) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.origin = origin;
    // A quiet session (no trade for minutes) keeps its state: the hash's life is renewed.
    this.#refresh = setInterval(() => {
      this.#redis.pexpire(stateKey(this.#prefix, this.origin), STATE_TTL_MS).catch(() => undefined);
    }, STATE_TTL_MS / 3);
    this.#refresh.unref();
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
    (this.#states[channel] as ChannelState<C>).apply(data);
    this.#dirty.add(channel);
    this.#writeTimer ??= setTimeout(() => this.#writeState(), STATE_WRITE_MS);
  }

  /** Writes the state of the channels that changed since the last write. */
  #writeState(): Promise<unknown> {
    clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    if (this.#dirty.size === 0) return this.#written;
    const key = stateKey(this.#prefix, this.origin);
    const fields: string[] = [];
    for (const c of this.#dirty) fields.push(c, JSON.stringify(this.#states[c].items()));
    this.#dirty.clear();
    this.#written = this.#redis
      .multi()
      .hset(key, ...fields)
      .pexpire(key, STATE_TTL_MS)
      .exec()
      .catch(() => undefined);
    return this.#written;
  }

  /**
   * Waits for what was published to be written (at most `timeoutMs`), deletes the state (the
   * session has ended: no server should seed from it), then disconnects.
   */
  async close(timeoutMs = 2_000): Promise<void> {
    clearInterval(this.#refresh);
    clearTimeout(this.#writeTimer);
    this.#dirty.clear();
    const timer = new Promise((r) => setTimeout(r, timeoutMs).unref());
    const done = async (): Promise<void> => {
      await this.#written;
      await this.#redis.del(stateKey(this.#prefix, this.origin)).catch(() => undefined);
      await this.#redis.quit().catch(() => undefined);
    };
    await Promise.race([done(), timer]);
    this.#redis.disconnect();
  }
}

/** The time of a payload that has one, for merging several publishers' recent items. */
const timeOf = (x: unknown): string => (x as { time?: string }).time ?? '';

/**
 * Seeds `hub` with the state the running publishers keep in Redis (every one but `ignoreOrigin`),
 * each item checked against its channel's schema. Returns the items seeded per channel (as JSON,
 * so a bridge can skip messages it held that the seed already has), empty when none runs.
 */
export async function seedFromRedis(
  url: string,
  hub: Pick<FeedHub, 'seed'>,
  o: { readonly prefix?: string; readonly logger?: FeedLog; readonly ignoreOrigin?: string } = {},
): Promise<{ origins: string[]; seeded: Map<WsChannel, Set<string>> }> {
  const prefix = o.prefix ?? FEED_PREFIX;
  const redis = await connect(url, 'seed', o.logger);
  const seeded = new Map<WsChannel, Set<string>>();
  const origins: string[] = [];
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}state:*`, 'COUNT', 100);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const byChannel = new Map<WsChannel, unknown[]>();
    for (const key of keys.sort()) {
      const origin = key.slice(`${prefix}state:`.length);
      if (origin === o.ignoreOrigin) continue;
      const hash = await redis.hgetall(key);
      let any = false;
      for (const channel of WS_CHANNELS) {
        const text = hash[channel];
        if (text === undefined) continue;
        let items: unknown;
        try {
          items = JSON.parse(text);
        } catch {
          o.logger?.warn({ key, channel }, 'feed seed: state not JSON, skipped');
          continue;
        }
        if (!Array.isArray(items)) continue;
        const valid = items.filter((x) => WS_PAYLOADS[channel].safeParse(x).success);
        if (valid.length < items.length) {
          o.logger?.warn({ key, channel, dropped: items.length - valid.length }, 'feed seed: items dropped');
        }
        byChannel.set(channel, [...(byChannel.get(channel) ?? []), ...valid]);
        any = true;
      }
      if (any) origins.push(origin);
    }
    for (const [channel, items] of byChannel) {
      // Several sessions' items interleave in time; ISO-8601 UTC times sort as strings (stable).
      if (origins.length > 1) items.sort((a, b) => (timeOf(a) < timeOf(b) ? -1 : timeOf(a) > timeOf(b) ? 1 : 0));
      hub.seed(channel, items as WsPayload<typeof channel>[]);
      seeded.set(channel, new Set(items.map((x) => JSON.stringify(x))));
    }
  } catch (e) {
    o.logger?.warn({ error: (e as Error).message }, 'feed seed: could not read the state from Redis');
  } finally {
    redis.disconnect();
  }
  return { origins, seeded };
}

/** Feeds a hub with what the publishers of other processes send through Redis. */
export class RedisFeedBridge {
  readonly #redis: Redis;
  readonly #hub: Pick<FeedHub, 'publish'>;
  /** Messages received while held (see `open`'s `hold`), until `release`. */
  #held: { channel: WsChannel; data: unknown }[] | undefined;
  /** Messages dropped because they were not JSON or broke their channel's schema. */
  rejected = 0;

  private constructor(redis: Redis, hub: Pick<FeedHub, 'publish'>, hold: boolean) {
    this.#redis = redis;
    this.#hub = hub;
    this.#held = hold ? [] : undefined;
  }

  /**
   * `hold`: keep the messages until `release`, for a server that seeds its hub first (a message
   * published while the seed is read is newer than the seed: applied after it, not under it).
   */
  static async open(
    url: string,
    hub: Pick<FeedHub, 'publish'>,
    o: {
      readonly prefix?: string;
      readonly logger?: FeedLog;
      readonly ignoreOrigin?: string;
      readonly hold?: boolean;
    } = {},
  ): Promise<RedisFeedBridge> {
    const prefix = o.prefix ?? FEED_PREFIX;
    const redis = await connect(url, 'subscriber', o.logger);
    const bridge = new RedisFeedBridge(redis, hub, o.hold === true);
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
      if (bridge.#held !== undefined) bridge.#held.push({ channel, data: parsed.data });
      else hub.publish(channel, parsed.data as WsPayload<typeof channel>);
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

  /**
   * Publishes the messages held, in order, except those the seed already holds (`seeded`: the
   * seeded items as JSON, per channel), then passes messages on as they come.
   */
  release(seeded: ReadonlyMap<WsChannel, ReadonlySet<string>> = new Map()): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const m of held) {
      if (seeded.get(m.channel)?.has(JSON.stringify(m.data)) === true) continue;
      this.#hub.publish(m.channel, m.data as WsPayload<typeof m.channel>);
    }
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
