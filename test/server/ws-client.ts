/** A WebSocket client for the feed's tests: every message kept in order, and waits on them. */
import { WebSocket } from 'ws';
import { wsServerMessage, type WsServerMessage } from '../../src/server/ws/protocol.js';

export class FeedClient {
  readonly ws: WebSocket;
  readonly messages: WsServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly opened: Promise<void>;
  readonly #waiters: (() => void)[] = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (raw: Buffer) => {
      // Every message the server sends must be in the protocol.
      this.messages.push(wsServerMessage.parse(JSON.parse(raw.toString('utf8'))));
      this.#wake();
    });
    this.ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** Resolves once `done()` holds (checked at each message and at close); fails after `ms`. */
  async until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
    const t0 = Date.now();
    while (!done()) {
      if (Date.now() - t0 > ms) {
        throw new Error(`feed client: ${what} within ${ms} ms (got ${JSON.stringify(this.messages.slice(-3))})`);
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The first message from index `from` on that is of `type` (waiting for it). */
  async next<T extends WsServerMessage['type']>(
    type: T,
    from = 0,
  ): Promise<Extract<WsServerMessage, { type: T }> & { index: number }> {
    let found = -1;
    await this.until(() => (found = this.messages.findIndex((m, i) => i >= from && m.type === type)) >= 0, `a ${type}`);
    return { ...(this.messages[found] as Extract<WsServerMessage, { type: T }>), index: found };
  }

  ofType<T extends WsServerMessage['type']>(type: T): Extract<WsServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<WsServerMessage, { type: T }>[];
  }

  /** Round trip: every message the server sent before answering this ping has arrived. */
  async sync(id: string): Promise<void> {
    this.send({ type: 'ping', id });
    await this.until(() => this.messages.some((m) => m.type === 'pong' && m.id === id), `pong ${id}`);
  }

  async close(): Promise<void> {
    if (this.closed !== undefined || this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.until(() => this.closed !== undefined, 'close');
  }
}
