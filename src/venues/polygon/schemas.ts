/**
 * Wire shapes of the Polygon.io (now Massive) REST API that momentic reads.
 * @see ../shared/specs/polygon/rest.json, path `/v2/aggs/ticker/{stocksTicker}/range/{multiplier}/{timespan}/{from}/{to}`
 */
import { z } from 'zod';

/** Statuses of a successful aggregates answer (`DELAYED` on plans without real-time data). */
export const POLYGON_OK_STATUSES = ['OK', 'DELAYED'] as const;

const price = z.number().positive();

/**
 * One aggregate bar: `t` is the Unix ms of the window start; `vw`, `n` and `otc` are optional in
 * the spec. High and low must bracket open and close, so a broken bar never reaches the engine.
 */
export const polygonAggSchema = z
  .object({
    o: price,
    h: price,
    l: price,
    c: price,
    v: z.number().nonnegative(),
    vw: z.number().optional(),
    n: z.number().int().nonnegative().optional(),
    t: z.number().int(),
    otc: z.boolean().optional(),
  })
  .refine((a) => a.h >= Math.max(a.o, a.c) && a.l <= Math.min(a.o, a.c), {
    message: 'high and low do not bracket open and close',
  });
export type PolygonAgg = z.infer<typeof polygonAggSchema>;

/**
 * The aggregates answer. `results` is absent when a page is empty; `next_url` (absolute, without
 * the key) is present while more pages follow. Metadata momentic does not use is optional so a
 * vendor dropping it does not fail a fetch.
 */
export const polygonAggsResponseSchema = z.object({
  ticker: z.string(),
  status: z.enum(POLYGON_OK_STATUSES),
  request_id: z.string().optional(),
  adjusted: z.boolean().optional(),
  queryCount: z.number().int().nonnegative().optional(),
  resultsCount: z.number().int().nonnegative().optional(),
  results: z.array(polygonAggSchema).optional(),
  next_url: z.string().min(1).optional(),
});
export type PolygonAggsResponse = z.infer<typeof polygonAggsResponseSchema>;

/** Error bodies: `{status: 'ERROR' | 'NOT_AUTHORIZED' | ..., request_id, error | message}`. */
export const polygonErrorSchema = z.object({
  status: z.string(),
  request_id: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});
export type PolygonError = z.infer<typeof polygonErrorSchema>;

/** Aggregate window units of the v2 endpoint that momentic timeframes map to. */
export const PolygonTimespan = { Minute: 'minute', Hour: 'hour', Day: 'day' } as const;
export type PolygonTimespan = (typeof PolygonTimespan)[keyof typeof PolygonTimespan];
