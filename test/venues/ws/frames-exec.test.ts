import { describe, expect, it } from 'vitest';
import { acceptKey, encodeFrame, FrameReader, Opcode } from '../../../src/venues/ws/frames-exec.js';

describe('WebSocket framing', () => {
  it('computes the Sec-WebSocket-Accept of RFC 6455 section 1.3', () => {
    // The RFC's own example: key dGhlIHNhbXBsZSBub25jZQ== -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('encodes an unmasked text frame as in RFC 6455 section 5.7 ("Hello")', () => {
    expect([...encodeFrame(Opcode.Text, Buffer.from('Hello'), false)]).toEqual([
      0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
    ]);
  });

  it('decodes the RFC masked "Hello" and the fragmented "Hel" + "lo"', () => {
    const masked = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    const fragments = Buffer.from([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]);
    const r = new FrameReader();
    const out = [...r.push(masked), ...r.push(fragments)];
    expect(out.map((m) => [m.opcode, m.data.toString()])).toEqual([
      [Opcode.Text, 'Hello'],
      [Opcode.Text, 'Hello'],
    ]);
  });

  it('reassembles frames split across chunks at every byte, with 16-bit and 64-bit lengths', () => {
    for (const size of [125, 126, 65_535, 70_000]) {
      const text = 'x'.repeat(size);
      const bytes = encodeFrame(Opcode.Binary, Buffer.from(text), true);
      const r = new FrameReader();
      const out = [];
      for (let i = 0; i < bytes.length; i += 7919) out.push(...r.push(bytes.subarray(i, i + 7919)));
      expect(out).toHaveLength(1);
      expect(out[0]?.data.toString()).toBe(text);
    }
  });

  it('passes control frames between fragments and refuses an unknown opcode', () => {
    const r = new FrameReader();
    const ping = encodeFrame(Opcode.Ping, Buffer.from('p'), false);
    const first = Buffer.from([0x01, 0x01, 0x61]);
    const last = Buffer.from([0x80, 0x01, 0x62]);
    expect(r.push(Buffer.concat([first, ping, last])).map((m) => [m.opcode, m.data.toString()])).toEqual([
      [Opcode.Ping, 'p'],
      [Opcode.Text, 'ab'],
    ]);
    expect(() => new FrameReader().push(Buffer.from([0x83, 0x00]))).toThrow('unknown opcode 3');
  });
});
