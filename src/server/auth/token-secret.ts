/**
 * API tokens of the service: `mtk_{id}.{secret}`. The id (12 hex digits) is public: it names the
 * token in `tokens ls`, the audit log and log lines. The secret (32 random bytes, base64url) is
 * shown once, when the token is made; the ledger keeps only its sha256. A random 256-bit secret
 * needs no slow password hash: nobody can guess it, and the hash only keeps a copy of the ledger
 * from being a list of working tokens.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^mtk_([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  readonly id: string;
  /** The whole token, to show once. */
  readonly token: string;
  readonly secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function issueToken(): IssuedToken {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `mtk_${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a token's text; undefined when it is not shaped as one. */
export function parseToken(text: string): { readonly id: string; readonly secret: string } | undefined {
  const m = TOKEN.exec(text);
  return m === null ? undefined : { id: m[1] as string, secret: m[2] as string };
}

/** Whether `secret` hashes to `hash`, in time that does not depend on where they differ. */
export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
