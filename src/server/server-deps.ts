import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/schema.js';
import type { LedgerStore } from '../store/ledger.js';
import type { RouteAccess } from './access-control.js';
import type { Access, Role } from './auth/roles.js';
import type { ChannelRegistry } from './channels.js';
import type { ServiceMetrics } from './metrics/service-metrics.js';
import type { FeedHub } from './ws/hub.js';

/** Who made a request: the token it carried (absent for anonymous requests). */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: every route declares it, or the server refuses to start. */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Why the request's token was refused; thrown once the rate limiter has counted the request. */
    authFailure: unknown;
  }
  interface FastifyInstance {
    /** Every route with its method and access, in registration order (HEAD routes included). */
    readonly routeAccess: readonly RouteAccess[];
  }
}

/** What the routes read: the workspace, its ledger and config, the metrics, the WebSocket channels and feed. */
export interface ServerDeps {
  readonly home: string;
  readonly config: Config;
  readonly ledger: LedgerStore;
  readonly metrics: ServiceMetrics;
  readonly channels: ChannelRegistry;
  /** What `/ws` fans out: the hub that sessions in this process, and Redis, publish to. */
  readonly feed: FeedHub;
  /**
   * True when a trading node runs in this process (a session started with `--serve`): /readyz
   * then also needs its heartbeat to be fresh.
   */
  readonly hostsNode: boolean;
  /** Wall clock, epoch ms. */
  readonly now: () => number;
  readonly startedAt: number;
  readonly version: string;
  /** The global config layer the server was started with (`momentic --config F serve`): its jobs get it too. */
  readonly configFile?: string;
}

export type Api = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** A group of routes (runs, ledger, risk...): the server registers each; later groups plug in the same way. */
export interface RouteModule {
  readonly name: string;
  register(app: Api, deps: ServerDeps): void;
}
