/**
 * Wire schemas of the Binance spot REST API (market data).
 * @see ../shared/specs/binance/spot_api.yaml `/api/v3/klines` and `components.schemas.error`
 */
import { z } from 'zod';

/** Names of the 12 positional kline fields, in wire order (used in messages). */
export const BINANCE_KLINE_FIELDS = [
  'openTime',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'closeTime',
  'quoteVolume',
  'trades',
  'takerBuyBase',
  'takerBuyQuote',
  'ignore',
] as const;

/** Binance writes prices and quantities as decimal strings such as `"0.01634790"`. */
export const BINANCE_DECIMAL = /^\d+(\.\d+)?$/;

const decimal = z
  .string()
  .regex(BINANCE_DECIMAL, 'expected a non-negative decimal number as a string')
  .transform(Number)
  .refine((n) => Number.isFinite(n), 'the number is out of range');
const epochMs = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/**
 * One kline: `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades,
 * takerBuyBase, takerBuyQuote, ignore]`. Extra trailing fields (a future API addition) are ignored.
 */
export const binanceKlineSchema = z
  .tuple([epochMs, decimal, decimal, decimal, decimal, decimal, epochMs, decimal, count, decimal, decimal], z.unknown())
  .transform(
    ([openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote]) => ({
      openTime,
      open,
      high,
      low,
      close,
      volume,
      closeTime,
      quoteVolume,
      trades,
      takerBuyBase,
      takerBuyQuote,
    }),
  );

/** A parsed kline; times are epoch ms, numbers are parsed from Binance's decimal strings. */
export type BinanceKline = z.output<typeof binanceKlineSchema>;

/** Binance error payload, e.g. `{"code": -1121, "msg": "Invalid symbol."}`. */
export const binanceErrorSchema = z.object({ code: z.number().int(), msg: z.string() });
export type BinanceError = z.output<typeof binanceErrorSchema>;

export type KlinesParse =
  { readonly ok: true; readonly klines: readonly BinanceKline[] } | { readonly ok: false; readonly problem: string };

/**
 * Validates a `/api/v3/klines` body. Failures are values naming the first bad row (1-based) and
 * field, so the caller can raise one VENUE_BAD_RESPONSE that says exactly what was wrong.
 */
export function parseBinanceKlines(body: unknown): KlinesParse {
  const vendorError = binanceErrorSchema.safeParse(body);
  if (vendorError.success) {
    return { ok: false, problem: `error ${vendorError.data.code}: ${vendorError.data.msg}` };
  }
  if (!Array.isArray(body)) return { ok: false, problem: `expected an array of klines, got ${describe(body)}` };
  const klines: BinanceKline[] = [];
  for (let i = 0; i < body.length; i++) {
    const row: unknown = body[i];
    if (!Array.isArray(row)) return { ok: false, problem: `row ${i + 1} is ${describe(row)}, not an array` };
    if (row.length < BINANCE_KLINE_FIELDS.length) {
      return {
        ok: false,
        problem: `row ${i + 1} has ${row.length} fields, expected ${BINANCE_KLINE_FIELDS.length}`,
      };
    }
    const parsed = binanceKlineSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const index = typeof issue?.path[0] === 'number' ? issue.path[0] : -1;
      const field = BINANCE_KLINE_FIELDS[index] ?? 'row';
      const value = index >= 0 ? ` (${JSON.stringify(row[index])?.slice(0, 40)})` : '';
      return { ok: false, problem: `row ${i + 1} field ${field}${value}: ${issue?.message ?? 'invalid'}` };
    }
    klines.push(parsed.data);
  }
  return { ok: true, klines };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
