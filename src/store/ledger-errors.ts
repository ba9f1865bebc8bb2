import { isMomenticError, VenueError } from '../core/errors.js';
import { redactUrl } from '../core/secrets.js';
import type { LedgerTarget } from './connect.js';
import { isConnectionError } from './db-errors.js';

/** The file, or the URL without its password (as connect.ts's describeTarget). */
const describeTarget = (t: LedgerTarget): string => (t.dialect === 'sqlite' ? t.file : redactUrl(t.url));

/**
 * The one translation of a database failure into what the user must do about the ledger. Every
 * path to the ledger (opening it, migrating it, the commands' queries, recording a backtest, the
 * recording worker, doctor) passes its failures through `ledgerFailure`, so a damaged file is
 * reported as damaged everywhere, never as a permissions problem or a bug.
 */

const code = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

/**
 * SQLite's damaged-file results (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB: not a
 * database at all) and PostgreSQL's data_corrupted / index_corrupted (XX001, XX002).
 */
export function isCorruption(e: unknown): boolean {
  const c = code(e);
  return c.startsWith('SQLITE_CORRUPT') || c === 'SQLITE_NOTADB' || c === 'XX001' || c === 'XX002';
}

/** Can the process not open or write the file at all (permissions, read-only disk, missing folder)? */
function isAccess(e: unknown): boolean {
  const c = code(e);
  return (
    c.startsWith('SQLITE_CANTOPEN') ||
    c.startsWith('SQLITE_READONLY') ||
    c === 'SQLITE_PERM' ||
    c === 'SQLITE_AUTH' ||
    ['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR'].includes(c)
  );
}

/** What to do about a damaged ledger: the file's own path in the commands. */
export function corruptionHint(target: LedgerTarget): string {
  if (target.dialect === 'postgres')
    return 'restore the database from a backup (or REINDEX a damaged index), then re-record lost runs from their results folders with momentic runs record RUN_ID';
  const f = target.file;
  return `move it away (mv ${f} ${f}.corrupt; a new ledger is created on the next run) or restore it from a backup, then re-record runs from their results folders with momentic runs record RUN_ID`;
}

/** LEDGER_CORRUPT for a damaged ledger, naming the database's own diagnosis. */
export function corruptLedger(target: LedgerTarget, e: unknown, detail?: string): VenueError {
  const where = describeTarget(target);
  const why = detail ?? `${code(e)}: ${(e as Error).message}`;
  return new VenueError('LEDGER_CORRUPT', `the ledger ${where} is corrupt (${why})`, {
    hint: corruptionHint(target),
    context: target.dialect === 'sqlite' ? { file: where } : { value: where },
    cause: e,
  });
}

/**
 * A failure of the ledger as the user reads it: damage is LEDGER_CORRUPT, a file that cannot be
 * opened or written or a server that cannot be reached is LEDGER_UNAVAILABLE with the matching
 * fix, a MomenticError passes unchanged, and anything else is returned as is (a bug: INTERNAL).
 */
export function ledgerFailure(target: LedgerTarget, e: unknown): unknown {
  if (isMomenticError(e)) return e;
  const where = describeTarget(target);
  if (isCorruption(e)) return corruptLedger(target, e);
  const c = code(e);
  const message = (e as Error | null)?.message ?? String(e);
  if (target.dialect === 'sqlite') {
    const unavailable = (why: string, hint: string): VenueError =>
      new VenueError('LEDGER_UNAVAILABLE', `cannot use the ledger ${where}: ${why}`, {
        hint,
        context: { file: where },
        cause: e,
      });
    if (isAccess(e))
      return unavailable(
        `${c}: ${message}`,
        'check that the state/ folder of the workspace and the file are writable (momentic doctor), or set MOMENTIC_DATABASE_URL',
      );
    if (c === 'SQLITE_FULL' || c === 'ENOSPC')
      return unavailable(`${c}: ${message}`, 'free disk space on the volume of state/, then rerun');
    if (c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED'))
      return unavailable(
        `${c}: ${message}`,
        'another process holds the file locked for longer than 10 s; wait for it to finish, then rerun',
      );
    if (c.startsWith('SQLITE_IOERR'))
      return unavailable(`${c}: ${message}`, 'the disk reported a read or write error: check the volume of state/');
    return e;
  }
  if (isConnectionError(e))
    return new VenueError('LEDGER_UNAVAILABLE', `cannot reach the ledger at ${where}: ${message}`, {
      hint: 'start PostgreSQL or correct MOMENTIC_DATABASE_URL (momentic doctor checks it); unset it to use state/momentic.db',
      context: { value: where },
      retryable: true,
      cause: e,
    });
  return e;
}

/** Runs `f`, turning its failures into `ledgerFailure`s. */
export async function guarded<T>(target: LedgerTarget, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw ledgerFailure(target, e);
  }
}
