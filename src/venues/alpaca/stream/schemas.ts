/**
 * Wire shapes of Alpaca's market-data WebSocket (zod). Every server frame is a JSON array of
 * objects typed by `T`; control messages (`success`, `error`, `subscription`) come alone. Types
 * we do not subscribe to (`u`, `d`, `o`, stock statuses...) are skipped, not rejected; a known
 * type that breaks its shape is malformed.
 * @see ../../../../../shared/specs/alpaca/streams.md section A
 */
import { z } from 'zod';
import { describeIssues } from '../mapper.js';
import { alpacaBarSchema } from '../schemas.js';

export const streamSuccessSchema = z.object({ T: z.literal('success'), msg: z.string() });
export const streamErrorSchema = z.object({ T: z.literal('error'), code: z.number().int(), msg: z.string() });
/** The whole current subscription; examples differ in which channel keys they carry (A.5). */
export const streamSubscriptionSchema = z.object({
  T: z.literal('subscription'),
  trades: z.array(z.string()).optional(),
  quotes: z.array(z.string()).optional(),
  bars: z.array(z.string()).optional(),
});
/** A minute bar (`b`): the bars REST schema plus the symbol; `t` is the bar's start. */
export const streamBarSchema = alpacaBarSchema.extend({ T: z.literal('b'), S: z.string().min(1) });
/** A trade (`t`); crypto sizes are fractional, so `s` is any number. */
export const streamTradeSchema = z.object({
  T: z.literal('t'),
  S: z.string().min(1),
  p: z.number(),
  s: z.number().nonnegative(),
  t: z.string(),
});
/** A quote (`q`). */
export const streamQuoteSchema = z.object({
  T: z.literal('q'),
  S: z.string().min(1),
  bp: z.number(),
  ap: z.number(),
  bs: z.number().nonnegative(),
  as: z.number().nonnegative(),
  t: z.string(),
});

export type StreamSuccess = z.infer<typeof streamSuccessSchema>;
export type StreamError = z.infer<typeof streamErrorSchema>;
export type StreamSubscription = z.infer<typeof streamSubscriptionSchema>;
export type StreamBar = z.infer<typeof streamBarSchema>;
export type StreamTrade = z.infer<typeof streamTradeSchema>;
export type StreamQuote = z.infer<typeof streamQuoteSchema>;
export type StreamMessage = StreamSuccess | StreamError | StreamSubscription | StreamBar | StreamTrade | StreamQuote;

const BY_TYPE: Readonly<Record<string, z.ZodType<StreamMessage>>> = {
  success: streamSuccessSchema,
  error: streamErrorSchema,
  subscription: streamSubscriptionSchema,
  b: streamBarSchema,
  t: streamTradeSchema,
  q: streamQuoteSchema,
};

export interface ParsedFrame {
  readonly messages: StreamMessage[];
  /** Why each malformed part was refused (nothing of it was used). */
  readonly malformed: string[];
}

/** The messages of one frame; a frame that is not a JSON array is one malformed part. */
export function parseStreamFrame(text: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { messages: [], malformed: [`not JSON: ${preview(text)}`] };
  }
  if (!Array.isArray(json)) return { messages: [], malformed: [`not a JSON array: ${preview(text)}`] };
  const messages: StreamMessage[] = [];
  const malformed: string[] = [];
  for (const item of json) {
    const type = typeof item === 'object' && item !== null ? (item as { T?: unknown }).T : undefined;
    if (typeof type !== 'string') {
      malformed.push(`a message without a type T: ${preview(JSON.stringify(item) ?? String(item))}`);
      continue;
    }
    const schema = BY_TYPE[type];
    if (schema === undefined) continue;
    const parsed = schema.safeParse(item);
    if (parsed.success) messages.push(parsed.data);
    else malformed.push(`a "${type}" message breaks its schema: ${describeIssues(parsed.error)}`);
  }
  return { messages, malformed };
}

/** Enough of a bad frame to recognise it in the log, never the whole of it. */
function preview(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 80)}...`;
}
