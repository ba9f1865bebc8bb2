/** Constraint violations as both drivers report them (better-sqlite3's `code`, PostgreSQL's SQLSTATE). */
const code = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

export function isForeignKeyViolation(e: unknown): boolean {
  const c = code(e);
  return c === 'SQLITE_CONSTRAINT_FOREIGNKEY' || c === '23503';
}

export function isUniqueViolation(e: unknown): boolean {
  const c = code(e);
  return c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY' || c === '23505';
}

/** Connection-level failures: refused, unknown host, timeouts, authentication, missing database. */
export function isConnectionError(e: unknown): boolean {
  const c = code(e);
  const message = e instanceof Error ? e.message : '';
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(c) ||
    c.startsWith('08') || // connection exception class
    c === '28P01' || // invalid password
    c === '28000' || // invalid authorization
    c === '3D000' || // database does not exist
    /timeout|terminated|Connection terminated/i.test(message)
  );
}
