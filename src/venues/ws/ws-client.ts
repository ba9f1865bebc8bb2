/**
 * A minimal WebSocket client over node:http(s): the opening handshake, text messages out,
 * text and binary messages in, ping answered with pong, close in both directions. Enough for
 * the venues' JSON streams; no extensions (no permessage-deflate is offered, so none is used).
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.1
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { acceptKey, encodeFrame, FrameReader, Opcode } from './frames-exec.js';

export interface WsConnectOptions {
  /** Give up the handshake after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface WsConnection {
  send(text: string): void;
  /** Starts the closing handshake (or ends a socket that is already gone). */
  close(code?: number): void;
  /** Text messages, and binary ones decoded as UTF-8 (Alpaca's paper stream sends binary JSON). */
  onMessage(listener: (text: string) => void): void;
  /** Called once when the connection is gone, whoever ended it; `reason` says why. */
  onClose(listener: (reason: string) => void): void;
  /** Sends a ping; the peer's pong (or any frame) moves `lastHeardAt`. */
  ping(): void;
  /** Epoch ms of the last frame received from the peer. */
  readonly lastHeardAt: number;
  /** Ends the socket at once, without a closing handshake (a peer that stopped answering). */
  destroy(reason: string): void;
}

/** `https://host` -> `wss://host`, `http://` -> `ws://`; ws(s) URLs pass through. */
export function toWebSocketUrl(url: string): URL {
  const u = new URL(url);
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  return u;
}

/** Opens a connection; rejects with an Error saying why (never naming headers or secrets). */
export function connectWebSocket(url: string, options: WsConnectOptions): Promise<WsConnection> {
  const u = toWebSocketUrl(url);
  const key = randomBytes(16).toString('base64');
  const secure = u.protocol === 'wss:';
  const where = `${u.origin}${u.pathname}`;
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)({
      protocol: secure ? 'https:' : 'http:',
      hostname: u.hostname,
      port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
      path: `${u.pathname}${u.search}`,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
      },
      timeout: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    req.on('timeout', () => req.destroy(new Error(`no WebSocket handshake within ${options.timeoutMs} ms (${where})`)));
    req.on('error', (e) => reject(new Error(`WebSocket to ${where} failed: ${e.message}`)));
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      reject(new Error(`WebSocket to ${where} refused: HTTP ${res.statusCode ?? '?'} instead of 101`));
    });
    req.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        reject(new Error(`WebSocket to ${where} answered with a wrong Sec-WebSocket-Accept`));
        return;
      }
      socket.setTimeout(0);
      socket.setNoDelay(true);
      resolve(new SocketConnection(socket, head));
    });
    req.end();
  });
}

class SocketConnection implements WsConnection {
  readonly #socket: Socket;
  readonly #reader = new FrameReader();
  readonly #messageListeners: ((text: string) => void)[] = [];
  readonly #closeListeners: ((reason: string) => void)[] = [];
  #closed = false;
  #closeReason = '';
  #lastHeardAt = Date.now();
  /** Messages that arrived before anyone listened (the handshake's leftover bytes). */
  #early: string[] = [];

  constructor(socket: Socket, head: Buffer) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (e) => this.#end(`socket error: ${e.message}`));
    socket.on('close', () => this.#end('connection closed by the peer'));
    if (head.length > 0) this.#onData(head);
  }

  send(text: string): void {
    if (this.#closed) return;
    this.#socket.write(encodeFrame(Opcode.Text, Buffer.from(text, 'utf8'), true));
  }

  close(code = 1000): void {
    if (this.#closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.#socket.write(encodeFrame(Opcode.Close, payload, true));
    this.#socket.end();
    this.#end('closed by us');
  }

  ping(): void {
    if (!this.#closed) this.#socket.write(encodeFrame(Opcode.Ping, Buffer.alloc(0), true));
  }

  get lastHeardAt(): number {
    return this.#lastHeardAt;
  }

  destroy(reason: string): void {
    this.#socket.destroy();
    this.#end(reason);
  }

  onMessage(listener: (text: string) => void): void {
    this.#messageListeners.push(listener);
    const early = this.#early;
    this.#early = [];
    for (const m of early) listener(m);
  }

  onClose(listener: (reason: string) => void): void {
    if (this.#closed) listener(this.#closeReason);
    else this.#closeListeners.push(listener);
  }

  #onData(chunk: Buffer): void {
    this.#lastHeardAt = Date.now();
    let messages;
    try {
      messages = this.#reader.push(chunk);
    } catch (e) {
      this.#socket.destroy();
      this.#end(`protocol error: ${(e as Error).message}`);
      return;
    }
    for (const m of messages) {
      if (this.#closed) return;
      if (m.opcode === Opcode.Ping) this.#socket.write(encodeFrame(Opcode.Pong, m.data, true));
      else if (m.opcode === Opcode.Close) {
        const code = m.data.length >= 2 ? m.data.readUInt16BE(0) : 1005;
        this.#socket.end(encodeFrame(Opcode.Close, m.data.subarray(0, 2), true));
        this.#end(`closed by the peer (code ${code})`);
      } else if (m.opcode === Opcode.Text || m.opcode === Opcode.Binary) {
        const text = m.data.toString('utf8');
        if (this.#messageListeners.length === 0) this.#early.push(text);
        else for (const l of this.#messageListeners) l(text);
      }
    }
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    for (const l of this.#closeListeners.splice(0)) l(reason);
  }
}
