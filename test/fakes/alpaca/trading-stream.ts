/**
 * The fake's `trade_updates` WebSocket (streams.md B): the client authenticates with the key
 * pair, listens, then receives each update as one JSON object, in binary frames like Alpaca's
 * paper stream (text frames on request). Faults: refuse authentication, hold updates back
 * (delayed acks) and release them, send raw text (malformed messages), drop every connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { acceptKey, encodeFrame, FrameReader, Opcode } from '../../../src/venues/ws/frames-exec.js';

interface Client {
  readonly socket: Socket;
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

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const key = req.headers['sec-websocket-key'];
    if (req.url?.split('?')[0] !== '/stream' || typeof key !== 'string') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
    const client: Client = { socket, isAuthed: false, isListening: false };
    this.#clients.add(client);
    const reader = new FrameReader();
    const onData = (chunk: Buffer) => {
      let messages;
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of messages) {
        if (m.opcode === Opcode.Close) socket.end(encodeFrame(Opcode.Close, m.data.subarray(0, 2), false));
        else if (m.opcode === Opcode.Ping && !this.isSilent) socket.write(encodeFrame(Opcode.Pong, m.data, false));
        else if (m.opcode === Opcode.Text || m.opcode === Opcode.Binary)
          this.#onMessage(client, m.data.toString('utf8'));
      }
    };
    socket.on('data', onData);
    socket.on('error', () => this.#clients.delete(client));
    socket.on('close', () => this.#clients.delete(client));
    // The HTTP server keeps upgraded sockets half-open: a client gone (FIN) is a client gone.
    socket.on('end', () => {
      this.#clients.delete(client);
      socket.end();
    });
    if (head.length > 0) onData(head);
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
    for (const c of this.#clients) c.socket.destroy();
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
    c.socket.write(encodeFrame(this.#o.binaryFrames ? Opcode.Binary : Opcode.Text, Buffer.from(text), false));
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
