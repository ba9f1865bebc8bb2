/**
 * Starting the service (`momentic serve`): the workspace's ledger, the metrics registry, the
 * routes, listening on loopback unless told otherwise. Another host is served only when asked by
 * flag and when a token exists to let anyone in: a server on the network with no way to
 * authenticate is a mistake, so it does not start.
 */
import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { createLedger, type LedgerStore } from '../store/ledger.js';
import { buildServer } from './app.js';
import { hasActiveToken } from './auth/token-admin.js';
import { ChannelRegistry } from './channels.js';
import { ServiceMetrics } from './metrics/service-metrics.js';
import type { Api } from './server-deps.js';
import { FeedHub } from './ws/hub.js';
import { seedFromLedger } from './ws/feed-seed.js';
import { RedisFeedBridge, seedFromRedis } from './ws/redis-feed.js';

export const DEFAULT_HOST = '127.0.0.1';

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export interface ServiceOptions {
  readonly home: string;
  readonly config: Config;
  readonly host?: string;
  /** 0: any free port. Default `serve.port`. */
  readonly port?: number;
  readonly version: string;
  readonly logger?: FastifyBaseLogger;
  /** Given (shared with a session the process runs), or a new one. */
  readonly metrics?: ServiceMetrics;
  readonly hostsNode?: boolean;
  /** The WebSocket feed's hub: given (shared with a session the process runs), or a new one. */
  readonly feed?: FeedHub;
  /**
   * With `MOMENTIC_REDIS_URL` (redis.url) set the hub also takes what other processes publish;
   * messages of this origin (the process's own session, which publishes to the hub directly) are skipped.
   */
  readonly feedOrigin?: string;
  /** The Redis names of the feed (default `momentic:feed:`): tests keep theirs apart. */
  readonly feedPrefix?: string;
  /** The global config layer given to `momentic --config F serve`, absolute: jobs run with it too. */
  readonly configFile?: string;
}

export interface RunningService {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly app: Api;
  readonly metrics: ServiceMetrics;
  readonly feed: FeedHub;
  close(): Promise<void>;
}

export async function startService(o: ServiceOptions): Promise<RunningService> {
  const host = o.host ?? DEFAULT_HOST;
  const ledger: LedgerStore = await createLedger(o.config, o.home);
  try {
    if (!isLoopback(host) && !(await hasActiveToken(ledger))) {
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `--host ${host} serves other machines, and no API token (not revoked) exists`,
        {
          hint: 'create one first (momentic tokens create --role viewer --name NAME), or serve loopback only (no --host)',
          context: { flag: '--host', value: host },
        },
      );
    }
    const metrics = o.metrics ?? new ServiceMetrics();
    const feed = o.feed ?? new FeedHub();
    const app = await buildServer({
      deps: {
        home: o.home,
        config: o.config,
        ledger,
        metrics,
        channels: new ChannelRegistry(),
        feed,
        hostsNode: o.hostsNode === true,
        now: Date.now,
        startedAt: Date.now(),
        version: o.version,
        ...(o.configFile === undefined ? {} : { configFile: o.configFile }),
      },
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    });
    const redisUrl = o.config.redis.url;
    // A server of its own (no session in this process) starts from the state of the session
    // already running, so a dashboard shows its book before its next message.
    const seeds = o.hostsNode !== true && o.feed === undefined;
    const redisOpts = {
      ...(o.logger === undefined ? {} : { logger: o.logger }),
      ...(o.feedOrigin === undefined ? {} : { ignoreOrigin: o.feedOrigin }),
      ...(o.feedPrefix === undefined ? {} : { prefix: o.feedPrefix }),
    };
    const bridge =
      redisUrl === '' ? undefined : await RedisFeedBridge.open(redisUrl, feed, { ...redisOpts, hold: seeds });
    if (seeds) {
      const fromRedis = redisUrl === '' ? undefined : await seedFromRedis(redisUrl, feed, redisOpts);
      if (fromRedis !== undefined && fromRedis.origins.length > 0) {
        o.logger?.info({ origins: fromRedis.origins }, "feed seeded from the running sessions' state in Redis");
        bridge?.release(fromRedis.seeded);
      } else {
        // A seed that cannot be read costs the snapshot its past, never the server.
        const r = await seedFromLedger(ledger, feed).catch((e: unknown) => {
          o.logger?.warn({ error: (e as Error).message }, 'feed not seeded from the ledger');
          return undefined;
        });
        if (r?.source === 'ledger') o.logger?.info({ runs: r.runs, items: r.items }, 'feed seeded from the ledger');
        bridge?.release();
      }
    }
    try {
      await app.listen({ host, port: o.port ?? o.config.serve.port });
    } catch (e) {
      bridge?.close();
      await app.close();
      throw e;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : (o.port ?? o.config.serve.port);
    const shown = host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${shown}:${port}`,
      host,
      port,
      app,
      metrics,
      feed,
      async close() {
        bridge?.close();
        await app.close();
        await ledger.close();
      },
    };
  } catch (e) {
    await ledger.close();
    throw e;
  }
}
