/**
 * Redis pub/sub as a doorbell for the admin controls (with `MOMENTIC_REDIS_URL` set): an issuer
 * rings the node's channel after writing a command to the ledger, the node rings the issuer's
 * after writing its answer, so neither waits for its next poll. A message carries only a command
 * id; the ledger stays the record (what was asked, by whom, what the node did). A Redis that is
 * down or drops a message costs speed, never a command: both sides poll the ledger as well.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';
import { redactUrl } from '../../core/secrets.js';

/** Where a node hears of new commands. */
export const commandChannel = (runId: string): string => `momentic:admin:${runId}:commands`;
/** Where a node says it answered a command (the message is the command id). */
export const ackChannel = (runId: string): string => `momentic:admin:${runId}:acks`;

export class RedisNudge {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #handlers = new Map<string, (message: string) => void>();

  private constructor(pub: Redis, sub: Redis) {
    this.#pub = pub;
    this.#sub = sub;
    sub.on('message', (channel: string, message: string) => this.#handlers.get(channel)?.(message));
  }

  /**
   * Connects (a publisher and a subscriber connection). `reconnect`: keep trying after a drop (a
   * node runs for hours); a one-off command gives up and polls. Undefined when Redis cannot be
   * reached now: the caller polls the ledger alone, and says so in the log.
   */
  static async open(
    url: string,
    o: { readonly reconnect: boolean; readonly logger?: Logger; readonly timeoutMs?: number },
  ): Promise<RedisNudge | undefined> {
    const { Redis } = await import('ioredis');
    const timeoutMs = o.timeoutMs ?? 2000;
    const make = (): Redis =>
      new Redis(url, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        maxRetriesPerRequest: 1,
        retryStrategy: o.reconnect ? (n: number) => Math.min(200 * n, 5000) : () => null,
      });
    const pub = make();
    const sub = make();
    let warned = false;
    const onError = (e: Error): void => {
      if (warned) return;
      warned = true;
      o.logger?.warn(
        { redis: redactUrl(url), error: e.message },
        'admin controls: Redis unavailable, the ledger is polled alone',
      );
    };
    pub.on('error', onError);
    sub.on('error', onError);
    pub.on('ready', () => (warned = false));
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (e) {
      onError(e as Error);
      pub.disconnect();
      sub.disconnect();
      return undefined;
    }
    return new RedisNudge(pub, sub);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    this.#handlers.set(channel, onMessage);
    await this.#sub.subscribe(channel);
  }

  /** Rings a channel; a failure is only slower (the other side polls), never an error. */
  async publish(channel: string, message: string): Promise<void> {
    try {
      await this.#pub.publish(channel, message);
    } catch {
      // reported once by the connection's error handler
    }
  }

  close(): void {
    this.#handlers.clear();
    this.#sub.disconnect();
    this.#pub.disconnect();
  }
}
