/**
 * A stand-in for the service's `/ws` feed, for the dashboard's browser test only: it speaks the
 * protocol of src/server/ws/protocol.ts (each message it sends is parsed with the protocol's own
 * schemas first) and lets the test publish events, or lose one to make a gap in `seq`. Once the
 * real feed is in the service, the test publishes through it instead and this file goes.
 */
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { parseToken, secretMatches } from '../../src/server/auth/token-secret.js';
import type { Principal, RouteModule, ServerDeps } from '../../src/server/server-deps.js';
import {
  WS_CHANNELS,
  WS_PAYLOADS,
  WS_PROTOCOL_VERSION,
  wsClientMessage,
  wsServerMessage,
  type WsChannel,
  type WsPayload,
  type WsServerMessage,
} from '../../src/server/ws/protocol.js';

interface Client {
  readonly socket: WebSocket;
  principal: Principal | undefined;
  readonly channels: Set<WsChannel>;
}

export class FakeFeed {
  readonly #clients = new Set<Client>();
  readonly #seq = new Map<WsChannel, number>(WS_CHANNELS.map((c) => [c, 0]));
  readonly #state = new Map<WsChannel, unknown[]>(WS_CHANNELS.map((c) => [c, []]));
  /** Every subscribe message received, in order: the channels each asked for. */
  readonly subscribes: WsChannel[][] = [];
  #deps: ServerDeps | undefined;

  readonly module: RouteModule = {
    name: 'fake-feed',
    register: (app, deps) => {
      this.#deps = deps;
      for (const name of WS_CHANNELS) {
        deps.channels.register({ name, access: 'viewer', description: `fake ${name} feed` });
      }
      void app.register(websocket);
      void app.register(async (inner) => {
        inner.get('/ws', { websocket: true, config: { access: 'anonymous' }, schema: { hide: true } }, (socket) =>
          this.#connect(socket),
        );
      });
    },
  };

  get clients(): number {
    return this.#clients.size;
  }

  /** An event to every client subscribed to the channel; `lost`: counted in `seq` but never sent. */
  publish<C extends WsChannel>(channel: C, data: WsPayload<C>, o: { lost?: boolean } = {}): void {
    const payload = WS_PAYLOADS[channel].parse(data);
    const seq = (this.#seq.get(channel) ?? 0) + 1;
    this.#seq.set(channel, seq);
    this.#state.get(channel)?.push(payload);
    if (o.lost === true) return;
    for (const c of this.#clients) {
      if (c.channels.has(channel))
        this.#send(c, { v: WS_PROTOCOL_VERSION, type: 'event', channel, seq, data: payload });
    }
  }

  #send(c: Client, m: WsServerMessage): void {
    c.socket.send(JSON.stringify(wsServerMessage.parse(m)));
  }

  #hello(c: Client): void {
    const deps = this.#deps as ServerDeps;
    this.#send(c, {
      v: WS_PROTOCOL_VERSION,
      type: 'hello',
      server_version: deps.version,
      role: c.principal?.role ?? null,
      channels: deps.channels
        .list()
        .map((ch) => ({ name: ch.name as WsChannel, access: ch.access, description: ch.description })),
    });
  }

  #connect(socket: WebSocket): void {
    const c: Client = { socket, principal: undefined, channels: new Set() };
    this.#clients.add(c);
    socket.on('close', () => this.#clients.delete(c));
    this.#hello(c);
    // One message at a time, in the order they came, as the protocol expects (auth before subscribe).
    let queue = Promise.resolve();
    socket.on('message', (raw) => {
      queue = queue.then(() => this.#onMessage(c, String(raw)));
    });
  }

  async #onMessage(c: Client, raw: string): Promise<void> {
    const deps = this.#deps as ServerDeps;
    const m = wsClientMessage.parse(JSON.parse(raw));
    if (m.type === 'auth') {
      const parsed = parseToken(m.token);
      const t = parsed === undefined ? undefined : await deps.ledger.getToken(parsed.id);
      if (
        parsed === undefined ||
        t === undefined ||
        t.revokedAt !== undefined ||
        !secretMatches(parsed.secret, t.secretHash)
      ) {
        c.socket.close(4001, 'unknown token');
        return;
      }
      c.principal = { tokenId: t.id, name: t.name, role: t.role };
      this.#hello(c);
      return;
    }
    if (m.type === 'subscribe') {
      this.subscribes.push([...m.channels]);
      for (const ch of m.channels) {
        const refused = deps.channels.authorize(ch, c.principal);
        if (refused !== undefined) {
          c.socket.close(refused.code === 'API_UNAUTHORIZED' ? 4001 : 4003, refused.message.slice(0, 120));
          return;
        }
      }
      for (const ch of m.channels) c.channels.add(ch);
      this.#send(c, {
        v: WS_PROTOCOL_VERSION,
        type: 'subscribed',
        ...(m.id === undefined ? {} : { id: m.id }),
        channels: m.channels,
        symbols: null,
      });
      for (const ch of m.channels) {
        const items = this.#state.get(ch) ?? [];
        this.#send(c, { v: WS_PROTOCOL_VERSION, type: 'snapshot', channel: ch, seq: this.#seq.get(ch) ?? 0, items });
      }
    }
  }
}
