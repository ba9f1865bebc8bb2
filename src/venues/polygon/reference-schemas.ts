/**
 * Wire shapes of the Polygon.io (Massive) reference endpoints momentic reads. Envelopes are
 * checked whole (a broken one is a venue error); each result is checked on its own, so one bad
 * record is quarantined and the others are kept.
 * @see ../shared/specs/polygon/rest.json paths `/v3/reference/tickers/{ticker}`,
 *   `/v3/reference/splits`, `/v3/reference/dividends`
 */
import { z } from 'zod';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date YYYY-MM-DD');

/** `results` of ticker details; only `ticker`, `name`, `market`, `locale`, `active` are required by the spec. */
export const polygonTickerDetailsSchema = z.object({
  ticker: z.string().min(1),
  name: z.string(),
  market: z.string(),
  locale: z.string(),
  active: z.boolean(),
  currency_name: z.string().optional(),
  primary_exchange: z.string().optional(),
  type: z.string().optional(),
  market_cap: z.number().positive().optional(),
  list_date: isoDay.optional(),
  /** RFC-3339 instant of the last trade, present once delisted. */
  delisted_utc: z.string().optional(),
});
export type PolygonTickerDetails = z.infer<typeof polygonTickerDetailsSchema>;

export const polygonTickerDetailsResponseSchema = z.object({
  status: z.string(),
  request_id: z.string().optional(),
  results: z.record(z.string(), z.unknown()),
});

/** A page of a v3 list endpoint: results checked one by one, `next_url` while more follow. */
export const polygonListPageSchema = z.object({
  status: z.string(),
  request_id: z.string().optional(),
  results: z.array(z.unknown()).optional(),
  next_url: z.string().min(1).optional(),
});
export type PolygonListPage = z.infer<typeof polygonListPageSchema>;

/** One split: `split_to` new shares for `split_from` old ones, applied on `execution_date`. */
export const polygonSplitSchema = z.object({
  id: z.string().optional(),
  ticker: z.string().min(1),
  execution_date: isoDay,
  split_from: z.number().positive(),
  split_to: z.number().positive(),
});
export type PolygonSplit = z.infer<typeof polygonSplitSchema>;

/** One dividend: `CD` regular cash, `SC` special cash, `LT`/`ST` capital gain distributions. */
export const polygonDividendSchema = z.object({
  id: z.string().optional(),
  ticker: z.string().min(1),
  cash_amount: z.number().positive(),
  currency: z.string().optional(),
  dividend_type: z.string().optional(),
  ex_dividend_date: isoDay,
  record_date: isoDay.optional(),
  pay_date: isoDay.optional(),
  declaration_date: isoDay.optional(),
  frequency: z.number().optional(),
});
export type PolygonDividend = z.infer<typeof polygonDividendSchema>;
