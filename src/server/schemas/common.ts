/**
 * Shapes shared by the API's routes, in zod: they validate requests, serialize responses and
 * become the OpenAPI document, so the three never disagree. Keys are snake_case and times ISO-8601
 * UTC, as in the CLI's `--json` output; a number the domain holds as NaN (no value yet) is null.
 */
import { z } from 'zod';
import { ERROR_CODES, ErrorKind } from '../../core/error-codes.js';
import { formatInstant } from '../../core/dates.js';

export const isoTime = z.iso.datetime({ offset: true }).describe('ISO-8601 time (UTC)');
export const nullableNumber = z.number().nullable();

/** NaN and infinities (no value) as null, as the results files' JSON does. */
export const finiteOrNull = (x: number | undefined): number | null =>
  x === undefined || !Number.isFinite(x) ? null : x;

/** ISO-8601 UTC as the CLI prints times (`isoUtc`): milliseconds only when not zero. */
export const iso = formatInstant;
export const isoOrNull = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms) ? null : iso(ms);

/** The CLI's JSON error shape (`--json`), the body of every 4xx and 5xx answer. */
export const errorSchema = z
  .object({
    ok: z.literal(false),
    error: z.object({
      name: z.string(),
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      kind: z.enum(Object.values(ErrorKind)),
      exitCode: z.number().int(),
      message: z.string(),
      hint: z.string(),
      context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    }),
  })
  .meta({ id: 'Error' })
  .describe('an error, as the CLI prints it with --json (docs/errors.md)');

/** Error answers every route may give (401 and 403 only where a token is needed). */
export const ERROR_RESPONSES = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const MAX_PAGE = 1000;

/** `?offset=&limit=`: rows `offset` .. `offset + limit - 1`, at most MAX_PAGE per page. */
export const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0).describe('first row to return (0-based)'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100).describe(`rows per page (at most ${MAX_PAGE})`),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    total: z.number().int().describe('rows in all'),
    offset: z.number().int(),
    limit: z.number().int(),
    items: z.array(item),
  });
}

export function page<T>(rows: readonly T[], offset: number, limit: number) {
  return { total: rows.length, offset, limit, items: rows.slice(offset, offset + limit) };
}

/** A run, sweep or walk-forward id: a folder name under data/results, never a path. */
export const folderId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-"')
  .refine((s) => !s.includes('..'), 'no ".."');
