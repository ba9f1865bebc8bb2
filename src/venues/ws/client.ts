/**
 * Opening a WebSocket as a client (`ws://` or `wss://`): the HTTP/1.1 upgrade of RFC 6455
 * section 4, then a WsConnection. No extensions and no subprotocols are asked for.
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.1
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VenueError } from '../../core/errors.js';
import { acceptKey } from './frames.js';
import { WsConnection } from './connection.js';

export interface OpenWebSocketOptions {
  /** The venue, for error messages. */
  readonly venue: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Longest wait for the upgrade answer. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** An open connection, or a VenueError: VENUE_AUTH on 401/403, else retryable VENUE_UNAVAILABLE. */
export function openWebSocket(url: string, options: OpenWebSocketOptions): Promise<WsConnection> {
  const target = new URL(url);
  const isSecure = target.protocol === 'wss:';
  if (!isSecure && target.protocol !== 'ws:') {
    return Promise.reject(
      new VenueError('VENUE_UNAVAILABLE', `${options.venue} stream URL ${url} is not a ws:// or wss:// URL`, {
        hint: 'set the stream URL to wss://host/path (or ws:// for a local test server)',
        context: { venue: options.venue, value: url },
      }),
    );
  }
  const key = randomBytes(16).toString('base64');
  const where = `${target.host}${target.pathname}`;
  const unavailable = (detail: string, cause?: unknown): VenueError =>
    new VenueError('VENUE_UNAVAILABLE', `${options.venue} stream at ${where} ${detail}`, {
      retryable: true,
      hint: 'check the network and the stream URL; the connection is retried',
      context: { venue: options.venue, value: where },
      cause,
    });

  return new Promise((resolve, reject) => {
    // `http.request` throws at once on a malformed host or header value.
    let req: ReturnType<typeof httpRequest>;
    try {
      req = (isSecure ? httpsRequest : httpRequest)({
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port === '' ? (isSecure ? 443 : 80) : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: {
          ...options.headers,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Key': key,
          'Sec-WebSocket-Version': '13',
        },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (e) {
      reject(
        new VenueError('VENUE_UNAVAILABLE', `${options.venue} stream URL ${where} cannot be requested`, {
          hint: 'check the stream URL in the configuration',
          context: { venue: options.venue, value: where },
          cause: e,
        }),
      );
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      reject(unavailable(`did not answer the upgrade within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        reject(unavailable('answered the upgrade with a wrong Sec-WebSocket-Accept'));
        return;
      }
      socket.setNoDelay(true);
      resolve(new WsConnection(socket, head, true));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      const status = res.statusCode ?? 0;
      if (status === 401 || status === 403) {
        reject(
          new VenueError('VENUE_AUTH', `${options.venue} stream at ${where} refused the connection (HTTP ${status})`, {
            status,
            hint: 'check the API keys in the environment',
            context: { venue: options.venue, value: where },
          }),
        );
      } else {
        reject(unavailable(`answered HTTP ${status} instead of switching protocols`));
      }
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(unavailable(`could not be reached (${e.message})`, e));
    });
    req.end();
  });
}
