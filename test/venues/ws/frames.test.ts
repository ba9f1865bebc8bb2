import { describe, expect, it } from 'vitest';
import { acceptKey, encodeFrame, FrameDecoder, Opcode, WsProtocolError } from '../../../src/venues/ws/frames.js';

describe('WebSocket framing (RFC 6455)', () => {
  it('computes the Sec-WebSocket-Accept of the RFC example', () => {
    // RFC 6455 section 1.3: key dGhlIHNhbXBsZSBub25jZQ== is answered s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('decodes the RFC examples: unmasked and masked "Hello", and a fragmented one', () => {
    // RFC 6455 section 5.7.
    const d = new FrameDecoder();
    expect(d.push(Buffer.from([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]))[0]?.payload.toString()).toBe('Hello');
    const masked = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    expect(d.push(masked)[0]?.payload.toString()).toBe('Hello');
    expect(d.push(Buffer.from([0x01, 0x03, 0x48, 0x65, 0x6c]))).toEqual([]);
    const [whole] = d.push(Buffer.from([0x80, 0x02, 0x6c, 0x6f]));
    expect([whole?.opcode, whole?.payload.toString()]).toEqual([Opcode.Text, 'Hello']);
  });

  it('round-trips payloads across the 7-bit, 16-bit and 64-bit length forms, masked or not', () => {
    for (const n of [0, 125, 126, 65_535, 65_536, 200_000]) {
      for (const isMasked of [false, true]) {
        const payload = Buffer.alloc(n, 'abc');
        const frame = encodeFrame(Opcode.Binary, payload, isMasked);
        const headBytes = (n < 126 ? 2 : n < 65_536 ? 4 : 10) + (isMasked ? 4 : 0);
        expect(frame.length).toBe(headBytes + n);
        const [m] = new FrameDecoder().push(frame);
        expect(m?.payload.equals(payload)).toBe(true);
      }
    }
  });

  it('waits for a frame split across chunks, byte by byte', () => {
    const frame = encodeFrame(Opcode.Text, Buffer.from('[{"T":"success","msg":"connected"}]'), true);
    const d = new FrameDecoder();
    const out = [];
    for (const byte of frame) out.push(...d.push(Buffer.from([byte])));
    expect(out.map((m) => m.payload.toString())).toEqual(['[{"T":"success","msg":"connected"}]']);
  });

  it('passes a ping between fragments on at once', () => {
    const d = new FrameDecoder();
    expect(d.push(Buffer.from([0x01, 0x01, 0x61]))).toEqual([]);
    expect(d.push(Buffer.from([0x89, 0x00])).map((m) => m.opcode)).toEqual([Opcode.Ping]);
    expect(d.push(Buffer.from([0x80, 0x01, 0x62])).map((m) => m.payload.toString())).toEqual(['ab']);
  });

  it('refuses reserved bits, a stray continuation, and a fragmented control frame', () => {
    expect(() => new FrameDecoder().push(Buffer.from([0xc1, 0x00]))).toThrow(WsProtocolError);
    expect(() => new FrameDecoder().push(Buffer.from([0x80, 0x00]))).toThrow(WsProtocolError);
    expect(() => new FrameDecoder().push(Buffer.from([0x09, 0x00]))).toThrow(WsProtocolError);
  });
});
