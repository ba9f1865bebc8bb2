import type { Kysely, Selectable } from 'kysely';
import { DataError } from '../core/errors.js';
import { ms, opt } from './rows.js';
import type { ApiTokensTable, LedgerTables } from './tables.js';
import type { ApiToken, NewApiToken, TokenRole } from './token-types.js';

/** The service's API tokens (docs/service.md, "Tokens"). */
type Db = Kysely<LedgerTables>;

function tokenFromRow(r: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role as TokenRole,
    secretHash: r.secret_hash,
    createdAt: Number(r.created_at),
    ...opt('lastUsedAt', r.last_used_at === null ? null : Number(r.last_used_at)),
    ...opt('revokedAt', r.revoked_at === null ? null : Number(r.revoked_at)),
  };
}

export function tokenNotFound(id: string): DataError {
  return new DataError('LEDGER_NOT_FOUND', `no API token ${id} in the ledger`, {
    hint: 'momentic tokens ls lists the tokens by id',
    context: { value: id },
  });
}

export async function createToken(db: Db, t: NewApiToken): Promise<ApiToken> {
  const inserted = await db
    .insertInto('api_tokens')
    .values({
      id: t.id,
      name: t.name,
      role: t.role,
      secret_hash: t.secretHash,
      created_at: ms(t.createdAt, 'createdAt'),
      last_used_at: null,
      revoked_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) {
    throw new DataError('LEDGER_CONFLICT', `an API token with id ${t.id} already exists`, {
      hint: 'create the token again: each gets a new random id',
      context: { value: t.id },
    });
  }
  return { ...t };
}

export async function getToken(db: Db, id: string): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : tokenFromRow(row);
}

/** Oldest first, revoked ones included. */
export async function listTokens(db: Db): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(tokenFromRow);
}

/** Revokes a token; revoking it again keeps the first revocation time. */
export async function revokeToken(db: Db, id: string, ts: number): Promise<ApiToken> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: ms(ts, 'ts') })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  const t = await getToken(db, id);
  if (t === undefined) throw tokenNotFound(id);
  return t;
}

export async function touchToken(db: Db, id: string, ts: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: ms(ts, 'ts') })
    .where('id', '=', id)
    .execute();
}
