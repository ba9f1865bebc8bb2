import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** One HTTP exchange as the HttpClient reads it: status, headers, body text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface RawRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/**
 * Sends a request; rejects when no answer could be read (refused, reset, aborted), with the
 * system's error code on the error or its `cause`.
 */
export type Transport = (req: RawRequest) => Promise<RawResponse>;

/** The platform's fetch: its own connection pool, unbounded per host. */
export const fetchTransport: Transport = async (req) => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
    signal: req.signal,
  });
  return { status: res.status, headers: res.headers, text: await res.text().catch(() => '') };
};

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else if (v !== undefined) out.set(k, v);
  }
  return out;
}

/**
 * At most `connections` requests at a time over connections kept open between requests
 * (node:http's keep-alive agent), the others waiting their turn in order, instead of one
 * connection opened for every request made at once: a burst of orders reuses warm connections,
 * and the venue sees a bounded number of them. A waiting request is only a closure until its turn
 * (building one costs about as much as sending it), so the first ones go out at once; one whose
 * signal aborts meanwhile leaves the queue. Much cheaper per request than fetch. An idle
 * connection is closed after the server's keep-alive hint (less a second) or `idleMs`.
 */
export function pooledTransport(connections: number, idleMs = 30_000): Transport {
  const options = { keepAlive: true, maxSockets: connections, timeout: idleMs };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = (): void => {
    active--;
    waiting.shift()?.();
  };
  const send = (req: RawRequest): Promise<RawResponse> =>
    new Promise<RawResponse>((resolve, reject) => {
      const isHttps = req.url.protocol === 'https:';
      const r = (isHttps ? httpsRequest : httpRequest)(
        req.url,
        {
          method: req.method,
          headers:
            req.body === undefined ? req.headers : { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
          agent: isHttps ? https : http,
          signal: req.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: toHeaders(res.headers),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
  return (req) =>
    new Promise<RawResponse>((resolve, reject) => {
      const start = (): void => {
        req.signal.removeEventListener('abort', onAbort);
        active++;
        send(req).then(resolve, reject).finally(next);
      };
      const onAbort = (): void => {
        const i = waiting.indexOf(start);
        if (i >= 0) waiting.splice(i, 1);
        reject(req.signal.reason as Error);
      };
      if (active < connections) start();
      else {
        waiting.push(start);
        req.signal.addEventListener('abort', onAbort, { once: true });
      }
    });
}
