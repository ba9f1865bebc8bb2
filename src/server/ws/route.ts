/**
 * `/ws`, the WebSocket feed (docs/service.md, "WebSocket feed"): the eight channels registered
 * with the role each needs, and the route that upgrades. The route itself is open at the HTTP
 * level (`anonymous`): a browser cannot put a header on a WebSocket, so the protocol
 * authenticates on its own, by the upgrade's `Authorization` header or a first `auth` message,
 * and checks each channel's role when a client subscribes. A plain GET is answered 426.
 */
import websocket from '@fastify/websocket';
import { UsageError } from '../../core/errors.js';
import type { Role } from '../auth/roles.js';
import { errorBody } from '../http-errors.js';
import type { RouteModule } from '../server-deps.js';
import { FeedConnection, WS_FEED_DEFAULTS, type WsFeedOptions } from './connection.js';
import { WS_CLOSE, type WsChannel } from './protocol.js';

/** Each channel's least role and what it carries (the `hello` message lists them). */
export const WS_CHANNEL_ACCESS: Readonly<Record<WsChannel, { readonly access: Role; readonly description: string }>> = {
  equity: { access: 'viewer', description: "the account after each step of a trading session (equity.csv's rows)" },
  orders: { access: 'viewer', description: 'each order as it is journaled and at each change of status' },
  fills: { access: 'viewer', description: 'each fill as it is booked' },
  positions: { access: 'viewer', description: 'open positions after each step; qty 0 once flat' },
  signals: { access: 'viewer', description: "the strategy's signals (signals.csv's rows)" },
  risk: { access: 'viewer', description: 'the kill switch and the pause of each session, at each change' },
  logs: {
    access: 'operator',
    description: "the trading process's log lines at info and above (paths, errors and venue messages)",
  },
  jobs: { access: 'viewer', description: 'backtest and sweep jobs: queued, running, progress, done' },
};

/** The feed's route module; `options` override WS_FEED_DEFAULTS (tests use small limits). */
export function wsFeedRoutes(options: Partial<WsFeedOptions> = {}): RouteModule {
  const o: WsFeedOptions = { ...WS_FEED_DEFAULTS, ...options };
  return {
    name: 'ws',
    register(app, deps) {
      for (const [name, c] of Object.entries(WS_CHANNEL_ACCESS)) deps.channels.register({ name, ...c });
      void app.register(websocket, {
        options: { maxPayload: o.maxMessageBytes, perMessageDeflate: false },
        // Clients are told the server is going (1001), so they reconnect rather than report an error.
        preClose(done) {
          for (const client of this.websocketServer.clients) client.close(WS_CLOSE.goingAway, 'server shutting down');
          done();
        },
      });
      // Declared once the plugin has loaded, so that the plugin sees the route.
      void app.register(async (scope) => {
        scope.route({
          method: 'GET',
          url: '/ws',
          config: { access: 'anonymous' },
          schema: {
            summary: 'the WebSocket feed: connect with a WebSocket client (docs/service.md, "WebSocket feed")',
            description:
              'Authenticate with Authorization: Bearer on the upgrade or a first {"type":"auth"} message; each channel checks its role on subscribe. A plain GET answers 426.',
            tags: ['feed'],
          },
          handler: async (req, reply) =>
            reply
              .code(426)
              .header('upgrade', 'websocket')
              .type('application/json; charset=utf-8')
              .send(
                errorBody(
                  new UsageError('API_INVALID_REQUEST', `${req.url.split('?')[0] ?? '/ws'} is a WebSocket endpoint`, {
                    hint: 'connect with a WebSocket client (Upgrade: websocket), e.g. new WebSocket("ws://HOST:PORT/ws")',
                  }),
                ),
              ),
          wsHandler: (socket, req) => {
            new FeedConnection(
              socket,
              {
                hub: deps.feed,
                channels: deps.channels,
                ledger: deps.ledger,
                metrics: deps.metrics,
                log: req.log,
                version: deps.version,
                options: o,
              },
              req.headers.authorization,
            );
          },
        });
      });
    },
  };
}
