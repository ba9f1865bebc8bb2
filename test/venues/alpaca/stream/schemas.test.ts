import { describe, expect, it } from 'vitest';
import { parseStreamFrame } from '../../../../src/venues/alpaca/stream/schemas.js';

describe('parseStreamFrame', () => {
  it("reads the spec's bar examples, stock and crypto (fractional volume)", () => {
    // streams.md A.7.
    const { messages, malformed } = parseStreamFrame(
      '[{"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"n":461,"vw":389.062639,"t":"2021-02-22T19:15:00Z"},' +
        '{"T":"b","S":"BTC/USD","o":26675.04,"h":26695.36,"l":26668.79,"c":26688.7,"v":3.227759152,"t":"2023-03-17T12:28:00Z","n":93,"vw":26679.5912436798}]',
    );
    expect(malformed).toEqual([]);
    expect(messages.map((m) => (m.T === 'b' ? [m.S, m.c, m.v] : m.T))).toEqual([
      ['SPY', 389.12, 49378],
      ['BTC/USD', 26688.7, 3.227759152],
    ]);
  });

  it('reads control messages, and a subscription reply without every channel key', () => {
    expect(parseStreamFrame('[{"T":"error","code":402,"msg":"auth failed"}]').messages).toEqual([
      { T: 'error', code: 402, msg: 'auth failed' },
    ]);
    const sub = parseStreamFrame('[{"T":"subscription","trades":["AAPL"],"quotes":[],"bars":["*"]}]');
    expect(sub.messages).toEqual([{ T: 'subscription', trades: ['AAPL'], quotes: [], bars: ['*'] }]);
  });

  it('skips types it does not use (updated and daily bars, statuses) without calling them malformed', () => {
    const r = parseStreamFrame('[{"T":"u","S":"AAPL"},{"T":"d","S":"AAPL"},{"T":"s","S":"AAPL","sc":"H"}]');
    expect(r).toEqual({ messages: [], malformed: [] });
  });

  it('says why each malformed part was refused, and keeps the good parts of the frame', () => {
    const r = parseStreamFrame(
      '[{"T":"b","S":"AAPL","o":"1","h":1,"l":1,"c":1,"v":1,"t":"2024-01-02T15:00:00Z"},{"T":"success","msg":"connected"},7]',
    );
    expect(r.messages).toEqual([{ T: 'success', msg: 'connected' }]);
    expect(r.malformed).toEqual([
      'a "b" message breaks its schema: o: Invalid input: expected number, received string',
      'a message without a type T: 7',
    ]);
    expect(parseStreamFrame('{"T":"success"}').malformed).toEqual(['not a JSON array: {"T":"success"}']);
    expect(parseStreamFrame('x'.repeat(200)).malformed[0]).toBe(`not JSON: ${'x'.repeat(80)}...`);
  });
});
