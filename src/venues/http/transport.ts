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
 * At most `connections` requests at a time per host over connections kept open between requests
 * (node:http's keep-alive agent; the others wait in order), instead of one connection opened for
 * every request made at once: a burst of orders reuses warm connections, and the venue sees a
 * bounded number of them. Also much cheaper per request than fetch. An idle connection is closed
 * after the server's keep-alive hint (less a second) or `idleMs`.
 */
export function pooledTransport(connections: number, idleMs = 30_000): Transport {
  const options = { keepAlive: true, maxSockets: connections, timeout: idleMs };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return (req) =>
    new Promise<RawResponse>((resolve, reject) => {
      const isHttps = req.url.protocol === 'https:';
      const send = isHttps ? httpsRequest : httpRequest;
      const r = send(
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
}
