import { createHash, randomBytes } from 'node:crypto';

/** A sortable, unique run id: `20261121T161600Z-3f9a1c`. */
export function newRunId(now: number = Date.now()): string {
  const iso = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${iso}-${randomBytes(3).toString('hex')}`;
}

/**
 * A deterministic id from its parts (same parts, same id), so a retried or restarted run
 * produces the same client order ids and the venue can reject duplicates.
 */
export function deterministicId(prefix: string, ...parts: readonly (string | number)[]): string {
  const h = createHash('sha256').update(parts.map(String).join('\u001f')).digest('hex');
  return `${prefix}-${h.slice(0, 20)}`;
}

/** Run ids are safe as folder names: letters, digits, `-`, `_`, `.`. */
export function isValidRunId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id);
}
