/**
 * The dashboard (docs/service.md, "Dashboard"): the page at `/` and its files under `/ui/`,
 * reachable without a token (the page holds no data; every figure it shows comes from the API
 * with the token the user pastes). Its own Content-Security-Policy lets it run its scripts and
 * styles from this origin and talk to this origin only; the JSON routes keep `default-src 'none'`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { loadDashboardAssets, type Asset } from '../dashboard/assets.js';
import type { RouteModule } from '../server-deps.js';

/** Scripts, styles, fetch and WebSocket from this origin only; no inline code, no frames. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  reply
    .header('content-security-policy', DASHBOARD_CSP)
    // Revalidate every time: a new version is picked up at once, an unchanged file costs a 304.
    .header('cache-control', 'no-cache')
    .header('etag', a.etag);
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
  return reply.type(a.contentType).send(a.body);
}

export const dashboardRoutes: RouteModule = {
  name: 'dashboard',
  register(app) {
    let assets: ReadonlyMap<string, Asset> | undefined;
    const files = (): ReadonlyMap<string, Asset> => (assets ??= loadDashboardAssets());
    app.get(
      '/',
      {
        config: { access: 'anonymous' },
        schema: { summary: 'the dashboard (an HTML page; its data needs a token)', tags: ['dashboard'] },
      },
      async (req, reply) => send(req, reply, files().get('index.html') as Asset),
    );
    app.get(
      '/ui/:file',
      {
        config: { access: 'anonymous' },
        schema: {
          summary: "the dashboard's scripts, stylesheet and chart library",
          tags: ['dashboard'],
          params: z.strictObject({
            file: z.string().regex(/^[a-z0-9-]+\.(js|mjs|css|svg)$/, 'a file of the dashboard'),
          }),
        },
      },
      async (req, reply) => {
        const a = files().get(req.params.file);
        if (a === undefined || a.name === 'index.html') {
          throw new UsageError('API_NOT_FOUND', `the dashboard has no file ${req.params.file}`, {
            hint: 'open the dashboard at / ; it loads its own files',
            context: { value: req.params.file },
          });
        }
        return send(req, reply, a);
      },
    );
  },
};
