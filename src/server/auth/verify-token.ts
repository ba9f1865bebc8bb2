/**
 * A token's text checked against the ledger, for callers that are not a route (the WebSocket
 * feed reads it from an `auth` message or the upgrade request's header): the same checks as
 * access-control.ts, and the same messages.
 */
import { UsageError } from '../../core/errors.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { Principal } from '../server-deps.js';
import { parseToken, secretMatches } from './token-secret.js';

const HINT =
  'send Authorization: Bearer <token>, a token made by momentic tokens create (momentic tokens ls shows revoked ones)';

export function unauthorized(message: string, hint = HINT): UsageError {
  return new UsageError('API_UNAUTHORIZED', message, { hint });
}

/** The principal behind `text` (`mtk_...`); throws API_UNAUTHORIZED when unknown, wrong or revoked. */
export async function verifyToken(text: string, ledger: Pick<LedgerStore, 'getToken'>): Promise<Principal> {
  const parsed = parseToken(text);
  if (parsed === undefined) throw unauthorized('the token is not a momentic API token (mtk_...)');
  const token = await ledger.getToken(parsed.id);
  if (token === undefined || !secretMatches(parsed.secret, token.secretHash)) {
    throw unauthorized(`API token ${parsed.id} is not known`);
  }
  if (token.revokedAt !== undefined) throw unauthorized(`API token ${parsed.id} was revoked`);
  return { tokenId: token.id, name: token.name, role: token.role };
}

/** The token of an `Authorization: Bearer` header; throws when the header is not of that form. */
export function bearerToken(header: string): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m === null) throw unauthorized('the Authorization header is not "Bearer <token>"');
  return m[1] as string;
}
