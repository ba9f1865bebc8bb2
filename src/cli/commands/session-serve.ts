/**
 * `momentic paper|live --serve [--host H] [--port N]`: the service (API, /metrics, /ws) in the
 * session's own process, on loopback unless --host says otherwise, with the session's metrics and
 * broadcast; with `MOMENTIC_REDIS_URL` set the broadcast also goes to Redis, so a `momentic serve`
 * elsewhere shows the session too. Started before the session, closed after it.
 */
import type { Config } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SessionBroadcast } from '../../orchestration/session-broadcast.js';
import { ServiceMetrics } from '../../server/metrics/service-metrics.js';
import { startService, type RunningService } from '../../server/serve.js';
import { FeedHub } from '../../server/ws/hub.js';
import type { FeedPublisher } from '../../server/ws/protocol.js';
import { RedisFeedPublisher, teeFeed } from '../../server/ws/redis-feed.js';
import { FeedBroadcast, logLinesToFeed } from '../../server/ws/session-publisher.js';
import type { CommandContext } from '../context.js';
import { numberFlag } from '../options.js';
import { VERSION } from '../version.js';

export interface SessionService {
  readonly service: RunningService;
  readonly telemetry: ServiceMetrics;
  readonly broadcast: SessionBroadcast;
  /** Where the session publishes: the server's hub, and Redis when configured. */
  readonly feed: FeedPublisher;
  close(): Promise<void>;
}

export interface ServeFlags {
  readonly serve?: unknown;
  readonly host?: unknown;
  readonly port?: unknown;
}

/** Checks --serve, --host and --port before anything starts (exit 2 on a bad one). */
export function serveFlags(opts: ServeFlags): { readonly host?: string; readonly port?: number } | undefined {
  if (opts.serve !== true) {
    for (const flag of ['host', 'port'] as const) {
      if (opts[flag] !== undefined) {
        throw new UsageError('USAGE_INVALID_OPTION', `--${flag} is for the service a session runs with --serve`, {
          hint: `add --serve, or leave out --${flag}`,
          context: { flag: `--${flag}` },
        });
      }
    }
    return undefined;
  }
  const port =
    opts.port === undefined
      ? undefined
      : numberFlag(opts.port, '--port', { integer: true, min: 0, max: 65_535, example: '--port 8750' });
  return {
    ...(typeof opts.host === 'string' ? { host: opts.host } : {}),
    ...(port === undefined ? {} : { port }),
  };
}

export async function startSessionService(o: {
  readonly home: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly host?: string;
  readonly port?: number;
  /** Lines the process logs also go to the feed's `logs` channel (CommandContext.tapLog). */
  readonly tapLog?: CommandContext['tapLog'];
}): Promise<SessionService> {
  const { logger } = o;
  const hub = new FeedHub();
  const redisUrl = o.config.redis.url;
  const remote = redisUrl === '' ? undefined : await RedisFeedPublisher.open(redisUrl, { logger });
  const feed = remote === undefined ? hub : teeFeed(hub, remote);
  const metrics = new ServiceMetrics();
  let service: RunningService;
  try {
    service = await startService({
      home: o.home,
      config: o.config,
      ...(o.host === undefined ? {} : { host: o.host }),
      ...(o.port === undefined ? {} : { port: o.port }),
      version: VERSION,
      logger,
      metrics,
      feed: hub,
      hostsNode: true,
      ...(remote === undefined ? {} : { feedOrigin: remote.origin }),
    });
  } catch (e) {
    await remote?.close();
    throw e;
  }
  const untap = o.tapLog?.(logLinesToFeed(feed));
  logger.info({ url: service.url }, `serving the API, /metrics and /ws at ${service.url}`);
  return {
    service,
    telemetry: metrics,
    broadcast: new FeedBroadcast(feed),
    feed,
    async close() {
      untap?.();
      await service.close();
      await remote?.close();
    },
  };
}
