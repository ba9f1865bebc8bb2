import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An order as the fake venue holds it (our field names; a venue adapter would map its own). */
export interface VenueOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly status: string;
  readonly filledQty: number;
}

/**
 * A venue that dedups by client order id, as real ones do: `POST /orders` creates an order the
 * first time (200) and answers every later submission of the same id with 409 and the existing
 * order. It counts submissions per client order id; `GET /orders` is its snapshot.
 */
export interface FakeVenue {
  readonly url: string;
  readonly submissions: ReadonlyMap<string, number>;
  readonly orders: ReadonlyMap<string, VenueOrder>;
  close(): Promise<void>;
}

export async function startFakeVenue(): Promise<FakeVenue> {
  const submissions = new Map<string, number>();
  const orders = new Map<string, VenueOrder>();
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/orders') return send(200, [...orders.values()]);
    if (req.method !== 'POST' || req.url !== '/orders') return send(404, { message: 'not found' });
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const o = JSON.parse(text) as { client_order_id: string; symbol: string; side: string; qty: number };
      submissions.set(o.client_order_id, (submissions.get(o.client_order_id) ?? 0) + 1);
      const existing = orders.get(o.client_order_id);
      if (existing !== undefined) {
        return send(409, {
          code: 'duplicate_client_order_id',
          message: 'client_order_id must be unique',
          order: existing,
        });
      }
      const order: VenueOrder = {
        id: `venue-${orders.size + 1}`,
        clientOrderId: o.client_order_id,
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        status: 'accepted',
        filledQty: 0,
      };
      orders.set(o.client_order_id, order);
      send(200, order);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    submissions,
    orders,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
