/** Per-record checking of vendor reference payloads: a bad record is refused with why, the rest kept. */
import type { z } from 'zod';
import type { ReferenceRowRejection } from '../engine/ports.js';

/** Short text of a record for the quarantine (JSON, at most 500 characters). */
export function rawOf(item: unknown): string {
  const text = JSON.stringify(item) ?? String(item);
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length === 0 ? '(record)' : i.path.join('.')}: ${i.message}`)
    .join('; ');
}

/**
 * Each item parsed by `schema` then mapped; an item failing either goes to `rejected` with the
 * endpoint and the reason. `map` returns undefined to skip an item on purpose (not an error), or
 * throws an Error whose message is the reason.
 */
export function parseItems<S extends z.ZodType, T>(
  items: readonly unknown[],
  schema: S,
  where: string,
  map: (item: z.infer<S>) => T | undefined,
  out: { records: T[]; rejected: ReferenceRowRejection[] },
): void {
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      out.rejected.push({ where, raw: rawOf(item), reason: describeZodIssues(parsed.error) });
      continue;
    }
    try {
      const record = map(parsed.data as z.infer<S>);
      if (record !== undefined) out.records.push(record);
    } catch (e) {
      out.rejected.push({ where, raw: rawOf(item), reason: (e as Error).message });
    }
  }
}
