/**
 * What the server logs of a request: method, path, status, time and the token's public id, never
 * a credential. The query values of parameters named like a credential (`token`, `access_token`,
 * `api_key`, `password`...) are masked, and any API token text is masked wherever it appears
 * (core/secrets.ts), so a token pasted into a URL does not reach the log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REDACTED, secretScrubber } from '../core/secrets.js';

const CREDENTIAL_PARAM = /token|key|secret|pass|auth|signature|credential|session/i;

/** The URL with credential-like query values masked. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return secretScrubber.scrub(url);
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const name = decodeSafely(eq < 0 ? kv : kv.slice(0, eq));
      return eq >= 0 && CREDENTIAL_PARAM.test(name) ? `${kv.slice(0, eq)}=${REDACTED}` : kv;
    });
  return secretScrubber.scrub(`${url.slice(0, q)}?${parts.join('&')}`);
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** pino serializer of a request (replaces fastify's, which logs the raw URL). */
export function requestSerializer(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: safeUrl(req.url), remoteAddress: req.ip };
}

/** One line per request, when it is answered. */
export function logRequest(req: FastifyRequest, reply: FastifyReply): void {
  // Built only when it will be written: at warn and above a request costs no log work.
  if ((req.log as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.('info') === false) return;
  req.log.info(
    {
      method: req.method,
      url: safeUrl(req.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(req.principal === undefined ? {} : { token_id: req.principal.tokenId }),
    },
    'request',
  );
}
