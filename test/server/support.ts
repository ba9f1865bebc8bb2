import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULTS, type Config } from '../../src/config/schema.js';
import { buildServer } from '../../src/server/app.js';
import type { Role } from '../../src/server/auth/roles.js';
import { createApiToken, revokeApiToken } from '../../src/server/auth/token-admin.js';
import { ChannelRegistry } from '../../src/server/channels.js';
import { ServiceMetrics } from '../../src/server/metrics/service-metrics.js';
import type { Api, RouteModule, ServerDeps } from '../../src/server/server-deps.js';
import type { WsChannel, WsPayload } from '../../src/server/ws/protocol.js';
import { FeedHub } from '../../src/server/ws/hub.js';
import { createLedger, type LedgerStore } from '../../src/store/ledger.js';
import { tempDir } from '../support/cli.js';

export interface TestServer {
  readonly app: Api;
  readonly home: string;
  readonly ledger: LedgerStore;
  readonly metrics: ServiceMetrics;
  readonly deps: ServerDeps;
  /** A working token of each role, and one that was revoked (an admin's). */
  readonly tokens: Readonly<Record<Role | 'revoked', string>>;
  close(): Promise<void>;
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/**
 * The service on a workspace (a new empty one by default), with its real ledger (SQLite in
 * state/), answering through fastify's inject (no socket).
 */
export async function testServer(
  o: {
    home?: string;
    config?: Config;
    hostsNode?: boolean;
    metrics?: ServiceMetrics;
    feed?: FeedHub;
    logger?: FastifyBaseLogger;
    now?: () => number;
    routes?: readonly RouteModule[];
  } = {},
): Promise<TestServer> {
  const home = o.home ?? tempDir('momentic-serve-');
  mkdirSync(join(home, 'state'), { recursive: true });
  const config = o.config ?? DEFAULTS;
  const ledger = await createLedger(config, home);
  const now = o.now ?? Date.now;
  const make = async (role: Role): Promise<string> =>
    (await createApiToken(ledger, { name: `test ${role}`, role, actor: 'test', now: now() })).token;
  const tokens = { viewer: await make('viewer'), operator: await make('operator'), admin: await make('admin') };
  const revoked = await createApiToken(ledger, { name: 'gone', role: 'admin', actor: 'test', now: now() });
  await revokeApiToken(ledger, revoked.record.id, 'test', now());
  const metrics = o.metrics ?? new ServiceMetrics({ defaultMetrics: false });
  const deps: ServerDeps = {
    home,
    config,
    ledger,
    metrics,
    channels: new ChannelRegistry(),
    feed: o.feed ?? new FeedHub(),
    hostsNode: o.hostsNode === true,
    now,
    startedAt: now(),
    version: '0.0.0-test',
  };
  const app = await buildServer({
    deps,
    ...(o.logger === undefined ? {} : { logger: o.logger }),
    ...(o.routes === undefined ? {} : { routes: o.routes }),
  });
  return {
    app,
    home,
    ledger,
    metrics,
    deps,
    tokens: { ...tokens, revoked: revoked.token },
    async close() {
      await app.close();
      await ledger.close();
    },
  };
}

/** The feed's hub, keeping what it is given, in order, besides fanning it out. */
export class RecordingFeed extends FeedHub {
  readonly events: { channel: WsChannel; data: unknown }[] = [];
  override publish<C extends WsChannel>(channel: C, data: WsPayload<C>): void {
    this.events.push({ channel, data });
    super.publish(channel, data);
  }
  of<C extends WsChannel>(channel: C): WsPayload<C>[] {
    return this.events.filter((e) => e.channel === channel).map((e) => e.data as WsPayload<C>);
  }
}
