/**
 * An offline stand-in for Alpaca's Trading API reference endpoints, shaped as
 * ../../../../shared/specs/alpaca describes them: `GET /v2/assets` (an array of Assets, no
 * pages) and `GET /v2/corporate_actions/announcements` (an array of Announcements; `ca_types`,
 * `since` and `until` required, the window at most 90 days, `symbol` optional, `date_type`
 * ex_date). Checks the key headers and plays scripted faults in order.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_KEY_ID, FAKE_SECRET_KEY } from './server.js';

export { FAKE_KEY_ID, FAKE_SECRET_KEY };

export type FakeAlpacaReferenceFault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string> }
  | { readonly kind: 'payload'; readonly body: unknown };

export interface FakeAlpacaReferenceOptions {
  /** Asset objects served verbatim (a test may plant malformed ones). */
  readonly assets?: readonly Record<string, unknown>[];
  readonly announcements?: readonly Record<string, unknown>[];
  readonly faults?: readonly FakeAlpacaReferenceFault[];
}

export interface FakeAlpacaReference {
  readonly url: string;
  readonly requests: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

export async function startFakeAlpacaReference(options: FakeAlpacaReferenceOptions = {}): Promise<FakeAlpacaReference> {
  const faults = [...(options.faults ?? [])];
  const requests: { path: string; query: Record<string, string> }[] = [];
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    if (req.headers['apca-api-key-id'] !== FAKE_KEY_ID || req.headers['apca-api-secret-key'] !== FAKE_SECRET_KEY) {
      return send(res, 401, { code: 40110000, message: 'request is not authorized' });
    }
    const fault = faults.shift();
    if (fault?.kind === 'status') return send(res, fault.status, { message: `status ${fault.status}` }, fault.headers);
    if (fault?.kind === 'payload') return send(res, 200, fault.body);
    if (url.pathname === '/v2/assets') return send(res, 200, options.assets ?? []);
    if (url.pathname === '/v2/corporate_actions/announcements') {
      const { ca_types: types, since, until, symbol } = query;
      if (types === undefined || since === undefined || until === undefined) {
        return send(res, 422, { code: 42210000, message: 'ca_types, since and until are required' });
      }
      const span = (Date.parse(until) - Date.parse(since)) / DAY_MS + 1;
      if (!(span >= 1 && span <= 90))
        return send(res, 422, { code: 42210000, message: 'date range is limited to 90 days' });
      const wanted = types.split(',');
      const out = (options.announcements ?? []).filter((a) => {
        const ex = String(a['ex_date'] ?? '');
        return (
          wanted.includes(String(a['ca_type'])) &&
          (symbol === undefined || a['initiating_symbol'] === symbol) &&
          ex >= since &&
          ex <= until
        );
      });
      return send(res, 200, out);
    }
    send(res, 404, { message: 'Not Found' });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
