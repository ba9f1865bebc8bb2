/**
 * Who may call what. Every route declares `config.access` (anonymous, viewer, operator, admin);
 * a route without one stops the server at start, so none is left open by mistake. A request
 * proves its role with `Authorization: Bearer mtk_...`: the token's hash and revocation are
 * read from the ledger on each request, so a revocation (here or by `momentic tokens revoke` in
 * another process) holds from the next request on. Tokens in the URL are not read: URLs end up in
 * logs, proxies and browser histories.
 */
import type { FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import { InternalError, UsageError } from '../core/errors.js';
import type { LedgerStore } from '../store/ledger.js';
import { allows, type Access } from './auth/roles.js';
import { parseToken, secretMatches } from './auth/token-secret.js';
import type { Api, Principal } from './server-deps.js';

/** A token's last use is written at most this often (not every request writes the ledger). */
const TOUCH_EVERY_MS = 60_000;

function unauthorized(message: string): UsageError {
  return new UsageError('API_UNAUTHORIZED', message, {
    hint: 'send Authorization: Bearer <token>, a token made by momentic tokens create (momentic tokens ls shows revoked ones)',
  });
}

/**
 * The rate limiter's key: the token, once verified (each token has its own budget, which nobody
 * else can spend by sending its public id), else the client address (so failed attempts are
 * limited too).
 */
export function rateLimitKey(req: FastifyRequest): string {
  return req.principal === undefined ? `ip:${req.ip}` : `token:${req.principal.tokenId}`;
}

async function authenticate(
  req: FastifyRequest,
  ledger: Pick<LedgerStore, 'getToken' | 'touchToken'>,
  touched: Map<string, number>,
  now: () => number,
): Promise<Principal | undefined> {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (m === null) throw unauthorized('the Authorization header is not "Bearer <token>"');
  const parsed = parseToken(m[1] as string);
  if (parsed === undefined) throw unauthorized('the bearer token is not a momentic API token (mtk_...)');
  const token = await ledger.getToken(parsed.id);
  if (token === undefined || !secretMatches(parsed.secret, token.secretHash)) {
    throw unauthorized(`API token ${parsed.id} is not known`);
  }
  if (token.revokedAt !== undefined) throw unauthorized(`API token ${parsed.id} was revoked`);
  const t = now();
  if (t - (touched.get(token.id) ?? -Infinity) >= TOUCH_EVERY_MS) {
    touched.set(token.id, t);
    ledger.touchToken(token.id, t).catch((e: unknown) => req.log.warn({ err: e }, 'could not record token use'));
  }
  return { tokenId: token.id, name: token.name, role: token.role };
}

/**
 * Installs the checks on each route as it is registered (register this after
 * @fastify/rate-limit, whose hook these surround): the token is read and verified first, the
 * rate limiter then counts the request against it (or against the address), and only then is
 * the request refused for a missing, bad or too weak token. So failed attempts count against the
 * address they come from.
 */
export function installAccessControl(
  app: Api,
  ledger: Pick<LedgerStore, 'getToken' | 'touchToken'>,
  now: () => number,
): RouteAccess[] {
  const touched = new Map<string, number>();
  const table: RouteAccess[] = [];
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authFailure', undefined);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (access === undefined) {
      throw new InternalError(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
    if (access === 'anonymous') return;
    // Who is asking, before the rate limiter (its key); the verdict after it.
    const identify: onRequestAsyncHookHandler = async (req) => {
      try {
        req.principal = await authenticate(req, ledger, touched, now);
      } catch (e) {
        req.authFailure = e;
      }
    };
    const enforce: onRequestAsyncHookHandler = async (req) => {
      if (req.authFailure !== undefined) throw req.authFailure;
      if (req.principal === undefined) throw unauthorized(`${route.url} needs an API token (role ${access} or above)`);
      if (!allows(req.principal.role, access)) throw forbidden(access, req.principal);
    };
    const hooks = route.onRequest;
    const before = hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
    route.onRequest = [identify, ...before, enforce];
  });
  return table;
}

/** A route and who may call it, as registered. */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

function forbidden(access: Access, who: Principal): UsageError {
  return new UsageError('API_FORBIDDEN', `this route needs the ${access} role; token ${who.tokenId} has ${who.role}`, {
    hint: `use a token with the ${access} role (momentic tokens create --role ${access})`,
    context: { role: access },
  });
}
