/**
 * HttpClient.request: methods with a JSON body, statuses taken as answers, the same retry policy
 * as GET; over fetch, and over a bounded pool of kept-open connections (`connections`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/venues/http/http-client.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
  server = undefined;
});

interface Seen {
  method: string;
  type: string | undefined;
  body: string;
}

/** A loopback server answering each request with the next of `answers` (status, body, headers). */
async function serve(
  answers: [number, unknown, Record<string, string>?][],
  delayMs = 0,
): Promise<{ url: string; seen: Seen[]; sockets: Set<number>; maxInFlight: () => number }> {
  const seen: Seen[] = [];
  const sockets = new Set<number>();
  let inFlight = 0;
  let max = 0;
  server = createServer((req, res) => {
    sockets.add(req.socket.remotePort ?? -1);
    max = Math.max(max, ++inFlight);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', type: req.headers['content-type'], body });
      const [status, payload, headers] = answers.shift() ?? [200, {}];
      setTimeout(() => {
        inFlight--;
        if (status === 204) res.writeHead(204).end();
        else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen, sockets, maxInFlight: () => max };
}

const TRANSPORTS = [
  ['fetch', undefined],
  ['a pool of 4 kept-open connections', 4],
] as const;

describe.each(TRANSPORTS)('HttpClient.request over %s', (_name, connections) => {
  const waits: number[] = [];
  const client = (url: string, timeoutMs = 2000) =>
    new HttpClient({
      venue: 'v',
      baseUrl: url,
      credentialVars: ['K'],
      timeoutMs,
      retries: 2,
      backoffMs: 1,
      sleep: async (ms) => void waits.push(ms),
      ...(connections === undefined ? {} : { connections }),
    });

  it('sends the JSON body with its content type, retrying a 500 with the same body', async () => {
    const { url, seen } = await serve([
      [500, { message: 'oops' }],
      [200, { id: 'x' }],
    ]);
    const res = await client(url).request('POST', '/orders', { body: { qty: '1' } });
    expect(res.body).toEqual({ id: 'x' });
    expect(seen).toEqual([
      { method: 'POST', type: 'application/json', body: '{"qty":"1"}' },
      { method: 'POST', type: 'application/json', body: '{"qty":"1"}' },
    ]);
  });

  it('answers the statuses it is told to pass, without retrying them; others stay errors', async () => {
    const { url, seen } = await serve([
      [422, { message: 'client_order_id must be unique' }],
      [204, null],
      [422, { message: 'no' }],
    ]);
    const http = client(url);
    const dup = await http.request('POST', '/orders', { body: {}, passStatuses: [403, 422] });
    expect(dup).toMatchObject({ status: 422, body: { message: 'client_order_id must be unique' } });
    expect((await http.request('DELETE', '/orders/1', { passStatuses: [422] })).status).toBe(204);
    await expect(http.request('DELETE', '/orders/1')).rejects.toMatchObject({
      code: 'VENUE_BAD_RESPONSE',
      message: expect.stringContaining('DELETE http://127.0.0.1'),
    });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'DELETE', 'DELETE']);
  });

  it('retries a 429 after its Retry-After, then answers', async () => {
    waits.length = 0;
    const { url } = await serve([
      [429, { message: 'slow down' }, { 'retry-after': '2' }],
      [200, { id: 'y' }],
    ]);
    expect((await client(url).request('POST', '/orders', { body: {} })).body).toEqual({ id: 'y' });
    expect(waits).toEqual([2000]);
  });

  it('reports a refused connection and a silent server as VENUE_UNAVAILABLE, after its retries', async () => {
    const { url } = await serve([]);
    const port = (server?.address() as AddressInfo).port;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    await expect(client(url).request('POST', '/orders', { body: {} })).rejects.toMatchObject({
      code: 'VENUE_UNAVAILABLE',
      message: `v unreachable: ECONNREFUSED (POST http://127.0.0.1:${port}/orders)`,
    });
    const silent = await serve([], 5_000);
    await expect(client(silent.url, 100).request('GET', '/slow')).rejects.toMatchObject({
      code: 'VENUE_UNAVAILABLE',
      message: expect.stringContaining('did not answer within 100 ms'),
    });
    expect(silent.seen.length).toBe(3);
  });
});

describe('HttpClient.request over a pool of kept-open connections', () => {
  it('has at most `connections` requests at the venue at once, over that many connections reused', async () => {
    const { url, seen, sockets, maxInFlight } = await serve([], 5);
    const http = new HttpClient({
      venue: 'v',
      baseUrl: url,
      credentialVars: ['K'],
      timeoutMs: 5000,
      retries: 0,
      backoffMs: 1,
      connections: 4,
    });
    const bodies = Array.from({ length: 40 }, (_, i) => ({ n: i }));
    await Promise.all(bodies.map((body) => http.request('POST', '/orders', { body })));
    expect(seen.length).toBe(40);
    expect(maxInFlight()).toBe(4);
    expect(sockets.size).toBe(4);
    // The waiting requests went out in the order they were made.
    expect(seen.map((s) => (JSON.parse(s.body) as { n: number }).n)).toEqual(bodies.map((b) => b.n));
  });

  it('drops a waiting request whose time runs out before its turn, without sending it', async () => {
    const { url, seen } = await serve([], 300);
    const http = new HttpClient({
      venue: 'v',
      baseUrl: url,
      credentialVars: ['K'],
      timeoutMs: 100,
      retries: 0,
      backoffMs: 1,
      connections: 1,
    });
    const both = await Promise.allSettled([
      http.request('POST', '/orders', { body: { n: 1 } }),
      http.request('POST', '/orders', { body: { n: 2 } }),
    ]);
    expect(both.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered'))).toEqual([
      expect.stringContaining('did not answer within 100 ms'),
      expect.stringContaining('did not answer within 100 ms'),
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((s) => s.body)).toEqual(['{"n":1}']);
  });
});
