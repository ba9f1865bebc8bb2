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

/** The token id a request claims (unverified): the rate limiter's key, so each token has its own budget. */
export function claimedTokenId(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return undefined;
  return parseToken(h.slice(7).trim())?.id;
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
 * Installs the checks: each route's declared access is enforced by a hook of its own, added
 * after the rate limiter's (register this after @fastify/rate-limit), so a flood is refused
 * before it costs a ledger read.
 */
export function installAccessControl(
  app: Api,
  ledger: Pick<LedgerStore, 'getToken' | 'touchToken'>,
  now: () => number,
): RouteAccess[] {
  const touched = new Map<string, number>();
  const table: RouteAccess[] = [];
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (access === undefined) {
      throw new InternalError(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
    const check: onRequestAsyncHookHandler = async (req) => {
      if (access === 'anonymous') return;
      req.principal = await authenticate(req, ledger, touched, now);
      if (req.principal === undefined) throw unauthorized(`${route.url} needs an API token (role ${access} or above)`);
      if (!allows(req.principal.role, access)) throw forbidden(access, req.principal);
    };
    const hooks = route.onRequest;
    route.onRequest = hooks === undefined ? [check] : [...(Array.isArray(hooks) ? hooks : [hooks]), check];
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
