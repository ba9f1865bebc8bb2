import { userInfo } from 'node:os';
import { formatTable } from '../../core/text-table.js';
import { createApiToken, revokeApiToken } from '../../server/auth/token-admin.js';
import type { TokenRole } from '../../store/token-types.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';
import { isoUtc } from '../options.js';

/** The audit log's actor for a change made at this terminal. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const when = (ms: number | undefined): string | null => (ms === undefined ? null : isoUtc(ms));

/** `momentic tokens create --role R [--name N]`: the token is printed here and never again. */
export async function tokensCreate(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const role = String(opts.role) as TokenRole;
  const name = typeof opts.name === 'string' && opts.name.trim() !== '' ? opts.name.trim() : role;
  return withLedger(ctx, async (ledger) => {
    const { token, record } = await createApiToken(ledger, { name, role, actor: cliActor(), now: Date.now() });
    if (ctx.json) {
      ctx.outJson({ id: record.id, name, role, token, created_at: isoUtc(record.createdAt) });
    } else {
      ctx.out(
        [
          `token ${record.id} (${role}, ${name}):`,
          '',
          `  ${token}`,
          '',
          'Store it now: only its hash is kept, it is not shown again. Send it as Authorization: Bearer <token>.',
        ].join('\n'),
      );
    }
    return 0;
  });
}

/** `momentic tokens ls`: every token, revoked ones included, without secrets. */
export async function tokensLs(ctx: CommandContext): Promise<number> {
  return withLedger(ctx, async (ledger) => {
    const tokens = await ledger.listTokens();
    if (ctx.json) {
      ctx.outJson(
        tokens.map((t) => ({
          id: t.id,
          name: t.name,
          role: t.role,
          created_at: isoUtc(t.createdAt),
          last_used_at: when(t.lastUsedAt),
          revoked_at: when(t.revokedAt),
        })),
      );
      return 0;
    }
    if (tokens.length === 0) {
      ctx.out('no API tokens (momentic tokens create --role viewer makes one)');
      return 0;
    }
    const rows = tokens.map((t) => [
      t.id,
      t.name,
      t.role,
      isoUtc(t.createdAt),
      when(t.lastUsedAt) ?? '',
      when(t.revokedAt) ?? '',
    ]);
    ctx.out(formatTable(['id', 'name', 'role', 'created', 'last used', 'revoked'], rows));
    return 0;
  });
}

/** `momentic tokens revoke ID`: refused by the server from its next request on. */
export async function tokensRevoke(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const id = String(opts.id).replace(/^mtk_/, '').split('.')[0] ?? '';
  return withLedger(ctx, async (ledger) => {
    const t = await revokeApiToken(ledger, id, cliActor(), Date.now());
    if (ctx.json) ctx.outJson({ id: t.id, name: t.name, role: t.role, revoked_at: when(t.revokedAt) });
    else ctx.out(`token ${t.id} (${t.role}, ${t.name}) revoked at ${when(t.revokedAt) ?? ''}`);
    return 0;
  });
}
