import { afterEach, describe, expect, it } from 'vitest';
import { connectWebSocket, toWebSocketUrl } from '../../../src/venues/ws/ws-client.js';
import { startFakeTrading, type FakeTrading } from '../../fakes/alpaca/trading-server.js';

let fake: FakeTrading | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('connectWebSocket', () => {
  it('maps https to wss and http to ws', () => {
    expect(toWebSocketUrl('https://paper-api.alpaca.markets/stream').href).toBe(
      'wss://paper-api.alpaca.markets/stream',
    );
    expect(toWebSocketUrl('http://127.0.0.1:5/stream').href).toBe('ws://127.0.0.1:5/stream');
  });

  it('talks to a server: sends text, decodes binary replies, and reports the peer closing', async () => {
    fake = await startFakeTrading();
    const conn = await connectWebSocket(`${fake.url}/stream`, { timeoutMs: 5000 });
    const got: string[] = [];
    const reply = new Promise<void>((r) => conn.onMessage((t) => (got.push(t), r())));
    conn.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
    await reply;
    // Unauthenticated listen, answered on the authorization stream (streams.md B.2), in a binary frame.
    expect(JSON.parse(got[0] ?? '')).toEqual({
      stream: 'authorization',
      data: { status: 'unauthorized', action: 'listen' },
    });
    const closed = new Promise<string>((r) => conn.onClose(r));
    fake.stream.drop();
    expect(await closed).toMatch(/closed by the peer|socket error/);
  });

  it('fails clearly when the server does not upgrade', async () => {
    fake = await startFakeTrading();
    await expect(connectWebSocket(`${fake.url}/nowhere`, { timeoutMs: 5000 })).rejects.toThrow(
      /WebSocket to ws:\/\/127\.0\.0\.1:\d+\/nowhere refused: HTTP 404 instead of 101/,
    );
  });
});
