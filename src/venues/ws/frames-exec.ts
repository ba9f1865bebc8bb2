/**
 * RFC 6455 framing, the part of the WebSocket protocol both a client and a test server need:
 * encode one frame, and reassemble messages from the bytes of a socket (fragments, control
 * frames between them, masked or not). Node 20 has no WebSocket in its standard library and the
 * project takes no dependency for it; the venues' streams use a small subset of the protocol.
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-5.2
 */
import { createHash, randomBytes } from 'node:crypto';

export const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A message larger than this is a protocol error (a venue update is a few kilobytes). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The Sec-WebSocket-Accept value answering a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** One frame; clients mask what they send (RFC 6455 5.3), servers do not. */
export function encodeFrame(opcode: Opcode, payload: Buffer, mask: boolean): Buffer {
  const len = payload.length;
  const extra = len < 126 ? 0 : len < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + extra + (mask ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (mask ? 0x80 : 0) | (extra === 0 ? len : extra === 2 ? 126 : 127);
  if (extra === 2) head.writeUInt16BE(len, 2);
  else if (extra === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  key.copy(head, 2 + extra);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([head, body]);
}

/** A complete message or control frame. */
export interface WsMessage {
  readonly opcode: Opcode;
  readonly data: Buffer;
}

/** Reassembles messages from socket chunks; throws on a frame that breaks the protocol. */
export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentOpcode: Opcode | undefined;

  /** Feeds bytes; returns the messages (and control frames) completed by them, in order. */
  push(chunk: Buffer): WsMessage[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: WsMessage[] = [];
    for (;;) {
      const frame = this.#nextFrame();
      if (frame === undefined) return out;
      const { fin, opcode, data } = frame;
      if (opcode >= Opcode.Close) {
        out.push({ opcode, data });
      } else if (opcode === Opcode.Continuation) {
        if (this.#fragmentOpcode === undefined) throw new Error('continuation frame without a first fragment');
        this.#fragments.push(data);
        if (fin) {
          out.push({ opcode: this.#fragmentOpcode, data: Buffer.concat(this.#fragments) });
          this.#fragments = [];
          this.#fragmentOpcode = undefined;
        }
      } else if (fin) {
        out.push({ opcode, data });
      } else {
        this.#fragmentOpcode = opcode;
        this.#fragments = [data];
      }
    }
  }

  #nextFrame(): { fin: boolean; opcode: Opcode; data: Buffer } | undefined {
    const b = this.#buf;
    if (b.length < 2) return undefined;
    const fin = ((b[0] as number) & 0x80) !== 0;
    const opcode = ((b[0] as number) & 0x0f) as Opcode;
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) throw new Error(`unknown opcode ${opcode}`);
    const masked = ((b[1] as number) & 0x80) !== 0;
    let len = (b[1] as number) & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = b.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE_BYTES)) throw new Error(`frame of ${big} bytes is too large`);
      len = Number(big);
      at = 10;
    }
    if (len > MAX_MESSAGE_BYTES) throw new Error(`frame of ${len} bytes is too large`);
    const keyAt = at;
    if (masked) at += 4;
    if (b.length < at + len) return undefined;
    const data = Buffer.from(b.subarray(at, at + len));
    if (masked) for (let i = 0; i < len; i++) data[i] = (data[i] as number) ^ (b[keyAt + (i & 3)] as number);
    this.#buf = b.subarray(at + len);
    return { fin, opcode, data };
  }
}
