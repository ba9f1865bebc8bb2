/**
 * RFC 6455 framing, the part of the WebSocket protocol both ends share: a client masks what it
 * sends, a server does not. Extensions (per-message deflate) are never negotiated, so the RSV
 * bits must be clear. Used by our client and by the fake venue servers of the tests.
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-5.2
 */
import { createHash, randomBytes } from 'node:crypto';

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** A whole message (continuation frames joined) or a control frame. */
export interface WsMessage {
  readonly opcode: Opcode;
  readonly payload: Buffer;
}

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest message we accept: a market-data array of a few thousand bars is far below it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The `Sec-WebSocket-Accept` a server answers to a client's `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}${HANDSHAKE_GUID}`).digest('base64');
}

export function encodeFrame(opcode: Opcode, payload: Buffer, isMasked: boolean): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + (isMasked ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (isMasked ? 0x80 : 0) | (lengthBytes === 0 ? n : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) head.writeUInt16BE(n, 2);
  if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(n), 2);
  if (!isMasked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  mask.copy(head, 2 + lengthBytes);
  const body = Buffer.from(payload);
  for (let i = 0; i < n; i++) body[i] = (body[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([head, body]);
}

/** The close frame's payload: a status code and a short reason. */
export function closePayload(code: number, reason: string): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

export class WsProtocolError extends Error {}

/**
 * Bytes in, messages out. A frame split across TCP chunks waits for the rest; fragments of a
 * message are joined; control frames may come between fragments and are passed on at once.
 */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentOpcode: Opcode | undefined;
  #fragmentBytes = 0;

  /** Every message completed by `chunk`; throws WsProtocolError on a frame that breaks RFC 6455. */
  push(chunk: Buffer): WsMessage[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: WsMessage[] = [];
    for (;;) {
      const frame = this.#nextFrame();
      if (frame === undefined) return out;
      const message = this.#assemble(frame.isFinal, frame.opcode, frame.payload);
      if (message !== undefined) out.push(message);
    }
  }

  #nextFrame(): { isFinal: boolean; opcode: Opcode; payload: Buffer } | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    const b0 = b[0] as number;
    const b1 = b[1] as number;
    if ((b0 & 0x70) !== 0) throw new WsProtocolError('reserved bits set without a negotiated extension');
    let length = b1 & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE_BYTES)) throw new WsProtocolError(`frame of ${big} bytes is too large`);
      length = Number(big);
      at = 10;
    }
    if (length > MAX_MESSAGE_BYTES) throw new WsProtocolError(`frame of ${length} bytes is too large`);
    const isMasked = (b1 & 0x80) !== 0;
    const maskAt = at;
    if (isMasked) at += 4;
    if (b.length < at + length) return undefined;
    const payload = Buffer.from(b.subarray(at, at + length));
    if (isMasked) {
      for (let i = 0; i < length; i++) payload[i] = (payload[i] as number) ^ (b[maskAt + (i & 3)] as number);
    }
    this.#buffer = b.subarray(at + length);
    return { isFinal: (b0 & 0x80) !== 0, opcode: (b0 & 0x0f) as Opcode, payload };
  }

  #assemble(isFinal: boolean, opcode: Opcode, payload: Buffer): WsMessage | undefined {
    if (opcode >= Opcode.Close) {
      if (!isFinal || payload.length > 125) throw new WsProtocolError('control frames must be whole and short');
      return { opcode, payload };
    }
    if (opcode === Opcode.Continuation) {
      if (this.#fragmentOpcode === undefined) throw new WsProtocolError('continuation frame without a message');
    } else if (opcode === Opcode.Text || opcode === Opcode.Binary) {
      if (this.#fragmentOpcode !== undefined) throw new WsProtocolError('new message before the last one ended');
      if (isFinal) return { opcode, payload };
      this.#fragmentOpcode = opcode;
    } else {
      throw new WsProtocolError(`unknown opcode ${opcode}`);
    }
    this.#fragmentBytes += payload.length;
    if (this.#fragmentBytes > MAX_MESSAGE_BYTES) throw new WsProtocolError('fragmented message is too large');
    this.#fragments.push(payload);
    if (!isFinal) return undefined;
    const message = { opcode: this.#fragmentOpcode as Opcode, payload: Buffer.concat(this.#fragments) };
    this.#fragments = [];
    this.#fragmentOpcode = undefined;
    this.#fragmentBytes = 0;
    return message;
  }
}
