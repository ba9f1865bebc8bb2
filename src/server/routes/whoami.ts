/**
 * `GET /api/whoami`: the token a request carries (id, name, role) and the live channels it may
 * join, so a client (the dashboard) shows what the role allows and no more: the server still
 * checks every request, this only spares the user buttons that would answer 403.
 */
import { z } from 'zod';
import { TOKEN_ROLES } from '../../store/token-types.js';
import { allows } from '../auth/roles.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

export const whoami = z
  .object({
    token_id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    server_version: z.string(),
    channels: z
      .array(z.object({ name: z.string(), access: z.enum(TOKEN_ROLES), description: z.string() }))
      .describe('the /ws channels this token may join (empty: the server offers no live feed)'),
  })
  .meta({ id: 'WhoAmI' });

export const whoamiRoutes: RouteModule = {
  name: 'whoami',
  register(app, deps) {
    app.get(
      '/api/whoami',
      {
        config: { access: 'viewer' },
        schema: {
          summary: "the request's token (id, name, role) and the live channels it may join",
          tags: ['tokens'],
          response: { 200: whoami, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        // The access check ran: a principal is there.
        const p = req.principal!;
        return {
          token_id: p.tokenId,
          name: p.name,
          role: p.role,
          server_version: deps.version,
          channels: deps.channels
            .list()
            .filter((c) => allows(p.role, c.access))
            .map((c) => ({ name: c.name, access: c.access, description: c.description })),
        };
      },
    );
  },
};
