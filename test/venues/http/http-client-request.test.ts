/** HttpClient.request: methods with a JSON body, statuses taken as answers, the same retry policy as GET. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/venues/http/http-client.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
  server = undefined;
});

interface Seen {
  method: string;
  type: string | undefined;
  body: string;
}

/** A loopback server answering each request with the next of `answers` (status, body). */
async function serve(answers: [number, unknown][]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', type: req.headers['content-type'], body });
      const [status, payload] = answers.shift() ?? [200, {}];
      if (status === 204) res.writeHead(204).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen };
}

const client = (url: string) =>
  new HttpClient({
    venue: 'v',
    baseUrl: url,
    credentialVars: ['K'],
    timeoutMs: 2000,
    retries: 2,
    backoffMs: 1,
    sleep: async () => undefined,
  });

describe('HttpClient.request', () => {
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
});
