/**
 * One open WebSocket over a TCP/TLS socket, either end: a client masks what it sends, a server
 * does not. Text and binary messages both arrive as text (Alpaca's paper trading stream sends
 * JSON in binary frames); pings are answered; a close is answered and ends the socket.
 */
import type { Duplex } from 'node:stream';
import { closePayload, encodeFrame, FrameDecoder, Opcode, WsProtocolError } from './frames.js';

/** 1006: the socket ended without a close frame (RFC 6455 section 7.1.5). */
export const ABNORMAL_CLOSURE = 1006;

export interface WsClose {
  readonly code: number;
  readonly reason: string;
}

export class WsConnection {
  readonly #socket: Duplex;
  readonly #isClient: boolean;
  readonly #decoder = new FrameDecoder();
  readonly #messageListeners: ((text: string) => void)[] = [];
  readonly #early: string[] = [];
  #closeFrame: WsClose | undefined;
  #hasSentClose = false;
  #isClosed = false;
  #lastReceivedAt = Date.now();
  readonly closed: Promise<WsClose>;

  constructor(socket: Duplex, head: Buffer, isClient: boolean) {
    this.#socket = socket;
    this.#isClient = isClient;
    let settle: (c: WsClose) => void = () => {};
    this.closed = new Promise((resolve) => (settle = resolve));
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#isClosed = true;
      settle(this.#closeFrame ?? { code: ABNORMAL_CLOSURE, reason: 'connection lost' });
    });
    if (head.length > 0) queueMicrotask(() => this.#receive(head));
  }

  /** Wall-clock ms of the last bytes from the peer (a pong counts): how a silent peer is found. */
  get lastReceivedAt(): number {
    return this.#lastReceivedAt;
  }

  get isOpen(): boolean {
    return !this.#isClosed && !this.#hasSentClose;
  }

  /** Messages that came before the first listener are handed to it at once. */
  onMessage(listener: (text: string) => void): void {
    this.#messageListeners.push(listener);
    const early = this.#early.splice(0);
    for (const text of early) listener(text);
  }

  send(text: string): void {
    if (!this.isOpen) return;
    this.#socket.write(encodeFrame(Opcode.Text, Buffer.from(text, 'utf8'), this.#isClient));
  }

  ping(): void {
    if (this.isOpen) this.#socket.write(encodeFrame(Opcode.Ping, Buffer.alloc(0), this.#isClient));
  }

  /** The closing handshake; the socket ends when the peer answers (or at once if it is gone). */
  close(code = 1000, reason = ''): void {
    if (this.#isClosed) return;
    if (!this.#hasSentClose) {
      this.#hasSentClose = true;
      this.#closeFrame ??= { code, reason };
      this.#socket.write(encodeFrame(Opcode.Close, closePayload(code, reason), this.#isClient));
    }
    // A peer that never answers must not keep the socket open.
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }

  /** Drops the socket without a closing handshake (a lost network, as the peer sees it). */
  terminate(): void {
    this.#isClosed = true;
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#lastReceivedAt = Date.now();
    let messages;
    try {
      messages = this.#decoder.push(chunk);
    } catch (e) {
      if (!(e instanceof WsProtocolError)) throw e;
      this.#closeFrame ??= { code: 1002, reason: e.message };
      this.close(1002, 'protocol error');
      return;
    }
    for (const m of messages) {
      if (m.opcode === Opcode.Ping) {
        if (this.isOpen) this.#socket.write(encodeFrame(Opcode.Pong, m.payload, this.#isClient));
      } else if (m.opcode === Opcode.Close) {
        const code = m.payload.length >= 2 ? m.payload.readUInt16BE(0) : 1005;
        this.#closeFrame ??= { code, reason: m.payload.subarray(2).toString('utf8') };
        if (!this.#hasSentClose) {
          this.#hasSentClose = true;
          this.#socket.write(encodeFrame(Opcode.Close, m.payload.subarray(0, 2), this.#isClient));
        }
        this.#socket.end();
        return;
      } else if (m.opcode === Opcode.Text || m.opcode === Opcode.Binary) {
        const text = m.payload.toString('utf8');
        if (this.#messageListeners.length === 0) this.#early.push(text);
        for (const l of this.#messageListeners) l(text);
      }
    }
  }
}
