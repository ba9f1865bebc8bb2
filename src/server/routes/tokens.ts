/** API tokens, for admins: list, create (the token is in this one answer only), revoke. */
import { z } from 'zod';
import { TOKEN_ROLES } from '../../store/token-types.js';
import type { ApiToken } from '../../store/token-types.js';
import { createApiToken, revokeApiToken } from '../auth/token-admin.js';
import { ERROR_RESPONSES, iso, isoOrNull } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

const tokenInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'TokenInfo' });

const toInfo = (t: ApiToken): z.infer<typeof tokenInfo> => ({
  id: t.id,
  name: t.name,
  role: t.role,
  created_at: iso(t.createdAt),
  last_used_at: isoOrNull(t.lastUsedAt),
  revoked_at: isoOrNull(t.revokedAt),
});

export const tokenRoutes: RouteModule = {
  name: 'tokens',
  register(app, deps) {
    app.get(
      '/api/tokens',
      {
        config: { access: 'admin' },
        schema: {
          summary: 'API tokens (never their secrets), revoked ones included',
          tags: ['tokens'],
          response: { 200: z.object({ items: z.array(tokenInfo) }), ...ERROR_RESPONSES },
        },
      },
      async () => ({ items: (await deps.ledger.listTokens()).map(toInfo) }),
    );
    app.post(
      '/api/tokens',
      {
        config: { access: 'admin' },
        schema: {
          summary: 'create a token: the answer holds it, and nothing will show it again',
          tags: ['tokens'],
          body: z.strictObject({
            name: z.string().trim().min(1).max(100).describe('who or what will hold it'),
            role: z.enum(TOKEN_ROLES),
          }),
          response: { 201: tokenInfo.extend({ token: z.string() }), ...ERROR_RESPONSES },
        },
      },
      async (req, reply) => {
        const { token, record } = await createApiToken(deps.ledger, {
          name: req.body.name,
          role: req.body.role,
          actor: `token:${req.principal?.tokenId ?? '?'}`,
          now: deps.now(),
        });
        return reply.code(201).send({ ...toInfo(record), token });
      },
    );
    app.delete(
      '/api/tokens/:id',
      {
        config: { access: 'admin' },
        schema: {
          summary: 'revoke a token: it stops working on the next request',
          tags: ['tokens'],
          params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{12}$/, 'the 12 hex digits of the token id') }),
          response: { 200: tokenInfo, ...ERROR_RESPONSES },
        },
      },
      async (req) =>
        toInfo(await revokeApiToken(deps.ledger, req.params.id, `token:${req.principal?.tokenId ?? '?'}`, deps.now())),
    );
  },
};
