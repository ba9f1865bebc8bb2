/**
 * The server side of a WebSocket upgrade (RFC 6455 section 4.2) for the fake venue servers:
 * answers `101 Switching Protocols` and wraps the socket in our WsConnection (server end,
 * frames unmasked). A request that is not a version-13 upgrade is answered 400.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WsConnection } from '../../../src/venues/ws/connection.js';
import { acceptKey } from '../../../src/venues/ws/frames.js';

export function acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): WsConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    refuseUpgrade(socket, 400, 'Bad Request');
    return undefined;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  return new WsConnection(socket, head, false);
}

/** Answers the upgrade with a plain HTTP status and ends the socket. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
