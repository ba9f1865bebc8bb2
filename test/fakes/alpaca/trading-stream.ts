/**
 * The fake's `trade_updates` WebSocket (streams.md B): the client authenticates with the key
 * pair, listens, then receives each update as one JSON object, in binary frames like Alpaca's
 * paper stream (text frames on request). Faults: refuse authentication, hold updates back
 * (delayed acks) and release them, send raw text (malformed messages), drop every connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

interface Client {
  readonly ws: WebSocket;
  isAuthed: boolean;
  isListening: boolean;
}

export interface FakeTradeStreamOptions {
  readonly keyId: string;
  readonly secretKey: string;
  readonly binaryFrames: boolean;
}

export class FakeTradeStream {
  readonly #o: FakeTradeStreamOptions;
  readonly #clients = new Set<Client>();
  /** Pongs are ours to send, so that a silent server can leave pings unanswered. */
  readonly #wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
  #held: string[] | undefined;
  /** Auth answers `unauthorized` while true. */
  isRefusingAuth = false;
  /** While true the connections stay open but the server sends nothing (a half-open connection). */
  isSilent = false;
  /** Messages delivered to listening clients (updates and raw text). */
  sent = 0;
  /** Every control message received, with the secret masked (for the secrets test). */
  readonly received: string[] = [];
  #listenWaiters: (() => void)[] = [];

  constructor(options: FakeTradeStreamOptions) {
    this.#o = options;
  }

  get listening(): number {
    return [...this.#clients].filter((c) => c.isListening).length;
  }

  /** Resolves once `n` clients listen to trade_updates. */
  async waitForListeners(n = 1): Promise<void> {
    while (this.listening < n) await new Promise<void>((r) => this.#listenWaiters.push(r));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (req.url?.split('?')[0] !== '/stream') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { ws, isAuthed: false, isListening: false };
      this.#clients.add(client);
      ws.on('message', (data: Buffer) => this.#onMessage(client, data.toString('utf8')));
      ws.on('ping', (data: Buffer) => {
        if (!this.isSilent) ws.pong(data);
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => this.#clients.delete(client));
    });
  }

  /** Sends an update to every listening client (or holds it while updates are held). */
  publish(data: unknown): void {
    this.#deliver(JSON.stringify({ stream: 'trade_updates', data }));
  }

  /** Sends text as is to listening clients: a malformed message, a heartbeat. */
  sendRaw(text: string): void {
    this.#deliver(text);
  }

  /** Delayed acks: updates wait until `release`. */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const t of held) this.#deliver(t);
  }

  /** Cuts every connection without a closing handshake (a network drop). */
  drop(): void {
    for (const c of this.#clients) c.ws.terminate();
    this.#clients.clear();
  }

  #deliver(text: string): void {
    if (this.#held !== undefined) {
      this.#held.push(text);
      return;
    }
    for (const c of this.#clients) {
      if (!c.isListening) continue;
      this.sent++;
      this.#send(c, text);
    }
  }

  #send(c: Client, text: string): void {
    if (this.isSilent) return;
    c.ws.send(text, { binary: this.#o.binaryFrames });
  }

  #onMessage(c: Client, text: string): void {
    let msg: { action?: string; data?: { key_id?: string; secret_key?: string; streams?: unknown } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.#send(c, JSON.stringify({ stream: 'error', data: { error_message: 'invalid syntax' } }));
      return;
    }
    this.received.push(text.split(this.#o.secretKey).join('***'));
    if (msg.action === 'authenticate') {
      c.isAuthed =
        !this.isRefusingAuth && msg.data?.key_id === this.#o.keyId && msg.data?.secret_key === this.#o.secretKey;
      const status = c.isAuthed ? 'authorized' : 'unauthorized';
      this.#send(c, JSON.stringify({ stream: 'authorization', data: { status, action: 'authenticate' } }));
    } else if (msg.action === 'listen') {
      if (!c.isAuthed) {
        this.#send(c, JSON.stringify({ stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } }));
        return;
      }
      const streams = Array.isArray(msg.data?.streams) ? (msg.data.streams as unknown[]) : [];
      c.isListening = streams.includes('trade_updates');
      this.#send(c, JSON.stringify({ stream: 'listening', data: { streams: c.isListening ? ['trade_updates'] : [] } }));
      if (c.isListening) for (const w of this.#listenWaiters.splice(0)) w();
    }
  }
}
