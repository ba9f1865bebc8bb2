/**
 * Wire shapes of the Alpaca Market Data API bars endpoints (zod). Vendor fields keep their
 * one-letter names; anything else the vendor adds (`x`, future fields) is ignored, not rejected.
 * @see ../../../../shared/specs/alpaca/data/openapi.yaml components/schemas Bar, BarsResponse
 * @see https://docs.alpaca.markets/reference/cryptobars-1 (v1beta3 crypto bars)
 */
import { z } from 'zod';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms of an RFC-3339 instant as Alpaca writes it (`2021-02-01T16:01:00Z`, or with up to
 * nanosecond fractions); undefined when the text is not one. Fractions beyond ms are truncated.
 */
export function parseRfc3339(text: string): number | undefined {
  // A minute's bars all carry the same start, each read twice (checked, then mapped): the last
  // text read is remembered.
  if (text === lastText) return lastMs;
  const m = RFC3339.exec(text);
  let ms: number | undefined;
  if (m !== null) {
    const frac = (m[7] ?? '').slice(1, 4).padEnd(3, '0');
    ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${frac}${m[8]}`);
    if (Number.isNaN(ms)) ms = undefined;
  }
  lastText = text;
  lastMs = ms;
  return ms;
}

let lastText: string | undefined;
let lastMs: number | undefined;

/** One aggregate bar: `t` is the bar start, `v` may be fractional (crypto). */
export const alpacaBarSchema = z.object({
  t: z.string().refine((s) => parseRfc3339(s) !== undefined, { message: 'not an RFC-3339 timestamp' }),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number().nonnegative(),
  n: z.number().int().nonnegative().optional(),
  vw: z.number().optional(),
});
export type AlpacaBar = z.infer<typeof alpacaBarSchema>;

const pageToken = z.string().min(1).nullable();

/** `GET /v2/stocks/{symbol}/bars`: `bars` is null (or empty) when the range holds none. */
export const alpacaStockBarsResponseSchema = z.object({
  bars: z.array(alpacaBarSchema).nullable(),
  symbol: z.string().min(1),
  next_page_token: pageToken,
});
export type AlpacaStockBarsResponse = z.infer<typeof alpacaStockBarsResponseSchema>;

/** `GET /v1beta3/crypto/{loc}/bars`: bars by symbol; a symbol without bars is left out. */
export const alpacaCryptoBarsResponseSchema = z.object({
  bars: z.record(z.string(), z.array(alpacaBarSchema).nullable()),
  next_page_token: pageToken.optional(),
});
export type AlpacaCryptoBarsResponse = z.infer<typeof alpacaCryptoBarsResponseSchema>;

/** The `timeframe` query values we request. */
export const AlpacaTimeframe = {
  Min1: '1Min',
  Min5: '5Min',
  Min15: '15Min',
  Hour1: '1Hour',
  Day1: '1Day',
} as const;
export type AlpacaTimeframe = (typeof AlpacaTimeframe)[keyof typeof AlpacaTimeframe];

/** Largest `limit` the bars endpoints accept. */
export const ALPACA_MAX_PAGE_LIMIT = 10_000;
