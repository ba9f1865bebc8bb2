/**
 * The HTTP service of `momentic serve` (docs/service.md): fastify with zod schemas (validation,
 * serialization and the OpenAPI document from one source), security headers, a rate limit per
 * token, role checks on every route, errors in the CLI's JSON shape, and Prometheus timing of
 * every request. Routes come in modules (ROUTES); write routes and the WebSocket feeds plug in the
 * same way later, with their access declared like these.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { durationMs } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { installAccessControl, rateLimitKey } from './access-control.js';
import { sendError, toApiError } from './http-errors.js';
import { logRequest, requestSerializer } from './request-log.js';
import { ROUTES } from './routes/index.js';
import type { Api, RouteModule, ServerDeps } from './server-deps.js';

/** Largest request body taken (413 above). */
export const BODY_LIMIT = 1024 * 1024;

export interface BuildServerOptions {
  readonly deps: ServerDeps;
  /** Where the server logs (a pino logger); default: nothing. */
  readonly logger?: FastifyBaseLogger;
  readonly routes?: readonly RouteModule[];
}

export async function buildServer(o: BuildServerOptions): Promise<Api> {
  const { deps } = o;
  const logger = o.logger?.child({ component: 'server' }, { serializers: { req: requestSerializer } });
  const app = Fastify({
    ...(logger === undefined ? {} : { loggerInstance: logger }),
    bodyLimit: BODY_LIMIT,
    // One line per request, written by logRequest with the URL's credentials masked.
    logController: new LogController({ disableRequestLogging: true }),
    // Duplicate keys or __proto__ in a body are refused, not merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  }).withTypeProvider<ZodTypeProvider>() as Api;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((e, req, reply) => sendError(reply, toApiError(e, req)));
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new UsageError('API_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`, {
        hint: 'the routes are listed in /openapi.json and docs/service.md',
      }),
    ),
  );

  await app.register(helmet, {
    // JSON, and reports that are self-contained pages (their route relaxes this for inline code).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    // No CORS: browsers on other origins get no access (nothing sets Access-Control-Allow-Origin).
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'momentic',
        version: deps.version,
        description:
          'API of momentic serve: runs and results, ledger, risk, data health, strategies; backtest and sweep jobs; admin commands to running sessions.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'mtk_... (momentic tokens create)' },
        },
      },
    },
    transform: (args) => {
      const out = jsonSchemaTransform(args);
      const access = args.route.config?.access;
      return {
        ...out,
        schema: {
          ...out.schema,
          ...(access === undefined || access === 'anonymous' ? {} : { security: [{ bearerAuth: [] }] }),
          ...(access === undefined ? {} : { 'x-momentic-access': access }),
        },
      };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(rateLimit, {
    max: deps.config.serve.rate_limit.max,
    timeWindow: durationMs(deps.config.serve.rate_limit.window) ?? 60_000,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_req, ctx) =>
      new UsageError('API_RATE_LIMITED', `more than ${ctx.max} requests in ${ctx.after}`, {
        hint: `wait ${Math.ceil(ctx.ttl / 1000)} s (retry-after), or raise serve.rate_limit`,
      }),
  });
  const table = installAccessControl(app, deps.ledger, deps.now);
  app.decorate('routeAccess', table);
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequest(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    logRequest(req, reply);
  });

  for (const m of o.routes ?? ROUTES) m.register(app, deps);
  await app.ready();
  return app;
}
