/**
 * Wire shapes of Alpaca's Trading API reference endpoints: the asset master list and corporate
 * action announcements. Each item is checked on its own (one bad record is quarantined, the
 * others kept); the envelope (a JSON array) is checked whole.
 * @see ../../../../shared/specs/alpaca/trading/openapi.yaml components/schemas Assets
 * @see ../../../../shared/specs/alpaca/broker/openapi.yaml components/schemas Announcement
 *   (the Trading API serves the same shape at `/v2/corporate_actions/announcements`)
 */
import { z } from 'zod';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date YYYY-MM-DD');
/** Alpaca writes rates and amounts as decimal strings (`"0.22"`). */
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'not a decimal number');

/** `GET /v2/assets` item; `class` is `us_equity` or `crypto`. */
export const alpacaAssetSchema = z.object({
  id: z.string().min(1),
  class: z.string().min(1),
  exchange: z.string(),
  symbol: z.string().min(1),
  name: z.string(),
  status: z.enum(['active', 'inactive']),
  tradable: z.boolean(),
  marginable: z.boolean().optional(),
  shortable: z.boolean(),
  easy_to_borrow: z.boolean(),
  fractionable: z.boolean(),
});
export type AlpacaAsset = z.infer<typeof alpacaAssetSchema>;

export const alpacaListSchema = z.array(z.unknown());

/** One announcement; only the fields momentic maps are required here. */
export const alpacaAnnouncementSchema = z.object({
  id: z.string().min(1),
  corporate_action_id: z.string().optional(),
  ca_type: z.string().min(1),
  ca_sub_type: z.string().min(1),
  initiating_symbol: z.string().min(1),
  target_symbol: z.string().nullable().optional(),
  declaration_date: z.string().optional(),
  ex_date: isoDay.nullable(),
  record_date: isoDay.nullable().optional(),
  payable_date: isoDay.nullable().optional(),
  cash: decimal.nullable().optional(),
  old_rate: decimal.nullable().optional(),
  new_rate: decimal.nullable().optional(),
});
export type AlpacaAnnouncement = z.infer<typeof alpacaAnnouncementSchema>;

/** The announcement types momentic asks for (mergers and spinoffs are not price adjustments it makes). */
export const ALPACA_CA_TYPES = ['split', 'dividend'] as const;
/** The widest `since..until` window the announcements endpoint accepts. */
export const ALPACA_ANNOUNCEMENT_WINDOW_DAYS = 90;
