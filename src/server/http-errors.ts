/**
 * Errors of the API: every failure is answered with the CLI's JSON error shape
 * (`{ ok: false, error: { name, code, kind, exitCode, message, hint, context } }`, docs/errors.md)
 * and an HTTP status that follows from its code. Stack traces never leave the process: an
 * unexpected error is logged whole and answered with INTERNAL and the request id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../core/error-codes.js';
import { InternalError, isMomenticError, UsageError, type MomenticError } from '../core/errors.js';
import { secretScrubber } from '../core/secrets.js';

const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  API_UNAUTHORIZED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  API_INVALID_REQUEST: 400,
  API_BODY_TOO_LARGE: 413,
  API_RATE_LIMITED: 429,
  API_CONFLICT: 409,
  // An admin command: no session to take it, or the session said no, is the state of the
  // workspace, not a bad request; a session that did not answer in time is a timeout upstream.
  ADMIN_NO_NODE: 409,
  ADMIN_REFUSED: 409,
  ADMIN_NO_ACK: 504,
  LEDGER_NOT_FOUND: 404,
  DATA_NOT_FOUND: 404,
  DATA_UNKNOWN_SYMBOL: 404,
  LEDGER_UNAVAILABLE: 503,
  VENUE_UNAVAILABLE: 503,
};

const STATUS_OF_KIND: Readonly<Record<MomenticError['kind'], number>> = {
  usage: 400,
  config: 400,
  // A results file or manifest the server cannot read is the workspace's fault, not the caller's.
  data: 500,
  venue: 502,
  risk: 409,
  internal: 500,
};

export function httpStatusOf(e: MomenticError): number {
  return STATUS_OF_CODE[e.code] ?? STATUS_OF_KIND[e.kind];
}

export function errorBody(e: MomenticError): string {
  return secretScrubber.scrub(JSON.stringify({ ok: false, error: e.toJSON() }));
}

/** A fastify error (its own codes: the body parser, the schema validation, the rate limiter) as ours. */
function fromFastify(e: FastifyError): MomenticError | undefined {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new UsageError('API_INVALID_REQUEST', `the request body is not valid JSON: ${e.message}`, {
        hint: 'send a JSON object with Content-Type: application/json',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new UsageError('API_INVALID_REQUEST', e.message, {
        hint: 'send a JSON body with Content-Type: application/json',
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new UsageError('API_BODY_TOO_LARGE', 'the request body is larger than 1 MB', {
        hint: 'send a smaller body; no route takes one that large',
      });
    case 'FST_ERR_VALIDATION':
      return validationError(e);
    default:
      return undefined;
  }
}

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: { readonly keys?: readonly string[] };
}

function validationError(e: FastifyError): MomenticError {
  const where = e.validationContext ?? 'request';
  const issues = (e.validation ?? []) as readonly ValidationIssue[];
  const first = issues[0];
  const unknown = first?.keyword === 'unrecognized_keys' ? first.params?.keys?.[0] : undefined;
  const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const key = unknown ?? (path === '' ? undefined : path);
  const message =
    unknown !== undefined
      ? `${where} has a field the route does not know: "${unknown}"`
      : `${where}${key === undefined ? '' : ` field ${key}`}: ${first?.message ?? e.message}`;
  return new UsageError('API_INVALID_REQUEST', message, {
    hint: 'send only the fields /openapi.json lists for this route, with their types',
    context: { ...(key === undefined ? {} : { key }), value: where },
  });
}

/** Everything thrown in a route, hook or plugin, as our error; unexpected ones are logged whole. */
export function toApiError(raw: unknown, req: FastifyRequest): MomenticError {
  if (isMomenticError(raw)) {
    if (raw.kind === 'internal') req.log.error({ err: raw.cause ?? raw }, 'internal error');
    return raw;
  }
  const e = raw as FastifyError;
  const mapped = typeof e?.code === 'string' ? fromFastify(e) : undefined;
  if (mapped !== undefined) return mapped;
  req.log.error({ err: raw }, 'internal error');
  return new InternalError(`the server failed on this request (request id ${req.id}; its log has the details)`);
}

export function sendError(reply: FastifyReply, e: MomenticError): FastifyReply {
  return reply.code(httpStatusOf(e)).type('application/json; charset=utf-8').send(errorBody(e));
}
