/**
 * The Notifier routes each alert to the channels whose `min_severity` it reaches, sends the same
 * alert (same dedupe key) once per dedupe window, holds a channel to its rate (a token bucket;
 * what is held back is counted and told with the channel's next alert, or at `close`), and
 * retries a channel's transient failures a bounded number of times. It never throws into its
 * caller: a risk manager's callback or a failing session must not break because a webhook is
 * down. A channel that gives up is logged with the reason. Critical alerts are never held back
 * by a rate limit (a halt must reach someone); they still spend a token when one is there.
 *
 * State is in memory, per process: the embedded default (SQLite, no Redis) needs nothing else.
 */
import type { Logger } from '../../core/logger.js';
import { secretScrubber, type SecretScrubber } from '../../core/secrets.js';
import { realSleep, TokenBucket, type Sleep } from '../../venues/http/rate-limiter.js';
import { isAtLeast, makeAlert, type Alert, type AlertInput, type FieldValue, type Severity } from './alert.js';
import { asChannelError, type AlertChannel, type ChannelName } from './channel.js';
import { DroppedAlerts, dropsAlert, withDrops, withRepeats } from './drop-summary.js';

export interface ChannelRoute {
  readonly channel: AlertChannel;
  readonly minSeverity: Severity;
  /** Token bucket: `burst` alerts at once, refilled at `perMinute` (fractions allowed). */
  readonly burst: number;
  readonly perMinute: number;
}

export interface NotifierOptions {
  readonly routes: readonly ChannelRoute[];
  /** The same dedupe key within this many ms is sent once; 0 sends every repeat. */
  readonly dedupeMs: number;
  /** Further tries of a channel after a transient failure. */
  readonly retries: number;
  /** First retry delay; doubles per try. */
  readonly backoffMs: number;
  readonly logger?: Logger;
  /** Wall clock of the windows and buckets (an alert's own `ts` may be a replay's time). */
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly scrubber?: SecretScrubber;
}

export type DeliveryResult = 'sent' | 'failed' | 'dropped' | 'below_severity';

export interface Delivery {
  readonly channel: ChannelName;
  readonly result: DeliveryResult;
  readonly attempts?: number;
  /** Why it failed (secrets masked). */
  readonly reason?: string;
}

export interface NotifyOutcome {
  /** `duplicate`: inside the dedupe window; `closed`: after `close`; `failed`: a bug, logged. */
  readonly status: 'routed' | 'duplicate' | 'closed' | 'failed';
  readonly deliveries: readonly Delivery[];
}

interface RouteState {
  readonly route: ChannelRoute;
  readonly bucket: TokenBucket;
  readonly drops: DroppedAlerts;
  /** Deliveries of one channel go one after another, in the order the alerts came. */
  queue: Promise<unknown>;
}

/** Beyond this many remembered keys, those past the window are forgotten. */
const SEEN_PRUNE_AT = 1000;

export class Notifier {
  readonly #routes: RouteState[];
  readonly #o: NotifierOptions;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #scrubber: SecretScrubber;
  readonly #seen = new Map<string, { at: number; repeats: number }>();
  #closed = false;

  constructor(o: NotifierOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? realSleep;
    this.#scrubber = o.scrubber ?? secretScrubber;
    this.#routes = o.routes.map((route) => ({
      route,
      // TokenBucket refills `limit` per `windowMs`: a window of burst / perMinute minutes.
      bucket: new TokenBucket(
        { limit: route.burst, windowMs: (route.burst / route.perMinute) * 60_000 },
        this.#sleep,
        this.#now,
      ),
      drops: new DroppedAlerts(),
      queue: Promise.resolve(),
    }));
  }

  /** The channels alerts go to, in order. */
  get channels(): readonly ChannelName[] {
    return this.#routes.map((r) => r.route.channel.name);
  }

  /** Where each channel delivers (no secrets), for operators' output. */
  targetOf(name: ChannelName): string | undefined {
    return this.#routes.find((r) => r.route.channel.name === name)?.route.channel.target;
  }

  /**
   * Routes one alert. Resolves once every channel that took it has delivered it or given up;
   * never rejects. Callers that must not wait (a risk callback) do `void notifier.notify(...)`.
   */
  async notify(input: AlertInput): Promise<NotifyOutcome> {
    try {
      if (this.#closed) {
        this.#o.logger?.warn({ alert: { kind: input.kind, title: input.title } }, 'alert after the notifier closed');
        return { status: 'closed', deliveries: [] };
      }
      const now = this.#now();
      let alert = this.#scrub(makeAlert(input, this.#now));
      const seen = this.#seen.get(alert.dedupeKey);
      if (seen !== undefined && now - seen.at < this.#o.dedupeMs) {
        seen.repeats++;
        this.#o.logger?.debug({ alert: { kind: alert.kind, title: alert.title } }, 'alert repeated: deduplicated');
        return { status: 'duplicate', deliveries: [] };
      }
      if (seen !== undefined && seen.repeats > 0) alert = withRepeats(alert, seen.repeats, seen.at);
      this.#remember(alert.dedupeKey, now);
      const deliveries = await Promise.all(this.#routes.map((r) => this.#route(r, alert, now)));
      return { status: 'routed', deliveries };
    } catch (e) {
      this.#o.logger?.error({ error: e instanceof Error ? e.message : String(e) }, 'alert could not be routed');
      return { status: 'failed', deliveries: [] };
    }
  }

  /**
   * Sends `alert` through every channel (or the one named) now: no severity routing, no dedupe,
   * no rate limit (`momentic alerts test`). Resolves with each channel's outcome.
   */
  async test(alert: Alert, only?: ChannelName): Promise<Delivery[]> {
    const routes = this.#routes.filter((r) => only === undefined || r.route.channel.name === only);
    return Promise.all(routes.map((r) => this.#enqueue(r, this.#scrub(alert))));
  }

  /** Resolves once every delivery queued so far has ended. */
  async flush(): Promise<void> {
    await Promise.all(this.#routes.map((r) => r.queue));
  }

  /**
   * Tells each channel what its rate limit still holds back (one alert, past the limit: the last
   * word of the run), waits for every delivery, and releases the channels' connections.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#routes) {
      const tally = r.drops.take();
      if (tally !== undefined) void this.#enqueue(r, dropsAlert(tally, r.route.channel.name, this.#now()));
    }
    await this.flush();
    for (const r of this.#routes) {
      try {
        r.route.channel.close?.();
      } catch (e) {
        this.#o.logger?.warn({ channel: r.route.channel.name, error: String(e) }, 'alert channel did not close');
      }
    }
  }

  #route(r: RouteState, alert: Alert, now: number): Promise<Delivery> | Delivery {
    const { channel, minSeverity } = r.route;
    if (!isAtLeast(alert.severity, minSeverity)) return { channel: channel.name, result: 'below_severity' };
    if (!r.bucket.tryTake() && alert.severity !== 'critical') {
      r.drops.add(alert, now);
      this.#o.logger?.debug(
        { channel: channel.name, alert: { kind: alert.kind, title: alert.title } },
        'alert held back by the rate limit',
      );
      return { channel: channel.name, result: 'dropped' };
    }
    const tally = r.drops.take();
    return this.#enqueue(r, tally === undefined ? alert : withDrops(alert, tally, channel.name));
  }

  #enqueue(r: RouteState, alert: Alert): Promise<Delivery> {
    const run = r.queue.then(() => this.#deliver(r.route.channel, alert));
    r.queue = run;
    return run;
  }

  /** One alert through one channel, retrying transient failures; never rejects. */
  async #deliver(channel: AlertChannel, alert: Alert): Promise<Delivery> {
    const attempts = this.#o.retries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await channel.send(alert);
        return { channel: channel.name, result: 'sent', attempts: attempt };
      } catch (e) {
        const err = asChannelError(e);
        const reason = this.#scrubber.scrub(err.message);
        if (!err.transient || attempt >= attempts) {
          this.#o.logger?.error(
            {
              channel: channel.name,
              attempts: attempt,
              reason,
              alert: { severity: alert.severity, kind: alert.kind, title: alert.title },
            },
            `alert not delivered by the ${channel.name} channel: ${reason}`,
          );
          return { channel: channel.name, result: 'failed', attempts: attempt, reason };
        }
        const waitMs = this.#o.backoffMs * 2 ** (attempt - 1);
        this.#o.logger?.warn(
          { channel: channel.name, attempt, reason, waitMs },
          `alert channel ${channel.name} failed; trying again`,
        );
        try {
          await this.#sleep(waitMs);
        } catch {
          // a sleep cut short only shortens the wait
        }
      }
    }
  }

  #remember(key: string, now: number): void {
    if (this.#o.dedupeMs <= 0) return;
    this.#seen.delete(key);
    this.#seen.set(key, { at: now, repeats: 0 });
    if (this.#seen.size <= SEEN_PRUNE_AT) return;
    for (const [k, v] of this.#seen) if (now - v.at >= this.#o.dedupeMs) this.#seen.delete(k);
  }

  /** Every registered secret masked in what the alert says (an error message may carry a key). */
  #scrub(a: Alert): Alert {
    const s = (t: string): string => this.#scrubber.scrub(t);
    const fields: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(a.fields)) fields[k] = typeof v === 'string' ? s(v) : v;
    return { ...a, title: s(a.title), text: s(a.text), dedupeKey: s(a.dedupeKey), fields };
  }
}
