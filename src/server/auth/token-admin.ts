/**
 * Making and revoking API tokens, for `momentic tokens` and the admin routes alike: the token is
 * returned once (only its hash is stored) and each change is written to the audit log.
 */
import type { LedgerStore } from '../../store/ledger.js';
import type { ApiToken, TokenRole } from '../../store/token-types.js';
import { issueToken } from './token-secret.js';

export interface NewTokenRequest {
  readonly name: string;
  readonly role: TokenRole;
  /** Who asks: `cli` (with the OS user), or `token:{id}` through the API. */
  readonly actor: string;
  readonly now: number;
}

export async function createApiToken(
  ledger: LedgerStore,
  req: NewTokenRequest,
): Promise<{ readonly token: string; readonly record: ApiToken }> {
  const issued = issueToken();
  const record = await ledger.createToken({
    id: issued.id,
    name: req.name,
    role: req.role,
    secretHash: issued.secretHash,
    createdAt: req.now,
  });
  await ledger.audit({
    ts: req.now,
    actor: req.actor,
    action: 'token.create',
    subject: issued.id,
    detail: { name: req.name, role: req.role },
  });
  return { token: issued.token, record };
}

export async function revokeApiToken(ledger: LedgerStore, id: string, actor: string, now: number): Promise<ApiToken> {
  const before = await ledger.getToken(id);
  const record = await ledger.revokeToken(id, now);
  if (before?.revokedAt === undefined) {
    await ledger.audit({ ts: now, actor, action: 'token.revoke', subject: id, detail: { name: record.name } });
  }
  return record;
}

/** Whether a token that is not revoked exists: binding beyond loopback needs one. */
export async function hasActiveToken(ledger: LedgerStore): Promise<boolean> {
  return (await ledger.listTokens()).some((t) => t.revokedAt === undefined);
}
