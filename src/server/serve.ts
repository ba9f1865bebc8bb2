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
import type { FeedPublisher } from './ws/protocol.js';

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
  /** Where job updates are published (the /ws hub); none: they are not. */
  readonly feed?: FeedPublisher;
  /** The global config layer given to `momentic --config F serve`, absolute: jobs run with it too. */
  readonly configFile?: string;
}

export interface RunningService {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly app: Api;
  readonly metrics: ServiceMetrics;
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
    const app = await buildServer({
      deps: {
        home: o.home,
        config: o.config,
        ledger,
        metrics,
        channels: new ChannelRegistry(),
        hostsNode: o.hostsNode === true,
        now: Date.now,
        startedAt: Date.now(),
        version: o.version,
        ...(o.feed === undefined ? {} : { feed: o.feed }),
        ...(o.configFile === undefined ? {} : { configFile: o.configFile }),
      },
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    });
    await app.listen({ host, port: o.port ?? o.config.serve.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : (o.port ?? o.config.serve.port);
    const shown = host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${shown}:${port}`,
      host,
      port,
      app,
      metrics,
      async close() {
        await app.close();
        await ledger.close();
      },
    };
  } catch (e) {
    await ledger.close();
    throw e;
  }
}
