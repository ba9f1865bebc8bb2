/**
 * The universe a paper or live session trades when its run file names one (docs/universe.md):
 * its symbols are every member on some date, and the engine admits each only while a member, as
 * in the run's backtest. A session on a venue trades today: it needs the membership built for
 * today (the morning `momentic universe build`, from bars up to yesterday's close) and refuses to
 * start without it, since trading on an old membership would hold names that have since left.
 */
import { resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import type { IsoDate } from '../core/dates.js';
import { DataError, UsageError } from '../core/errors.js';
import type { UniverseMembership } from '../engine/engine-options.js';
import { readMembership, universeDir } from '../universe/universe-files.js';
import { memberSymbols, membershipGate } from './universe-membership.js';

export interface SessionUniverse {
  readonly symbols: readonly string[];
  readonly membership: UniverseMembership;
}

export function sessionUniverse(
  home: string,
  spec: RunConfig,
  o: {
    readonly file: string;
    /** The session's date when it trades today (a venue's feed); absent for a replay. */
    readonly today?: IsoDate;
    /** How dates not built are read (default: `latest` on a venue, `exact` on a replay). */
    readonly dates?: 'exact' | 'latest';
  },
): SessionUniverse | undefined {
  const name = spec.data.universe;
  if (name === null) return undefined;
  if (spec.data.symbols.length > 0) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `${o.file} names both symbols (${spec.data.symbols.join(',')}) and universe ${name}`,
      {
        hint: 'give either symbols or universe: core|extended|FILE, not both',
        context: { file: o.file, key: 'universe', value: name },
      },
    );
  }
  const selection = name === 'core' || name === 'extended' ? name : 'file';
  const where = selection === 'file' ? resolve(home, name) : universeDir(home);
  const m = readMembership(where);
  const symbols = memberSymbols(m, selection);
  if (symbols.length === 0) {
    throw new DataError('DATA_NOT_FOUND', `universe ${name} has no members on any date`, {
      hint: 'build it (momentic universe build --from D --to D), or loosen config/universe filters',
      context: { file: where, key: 'universe', value: name },
    });
  }
  if (o.today !== undefined) {
    const latest = m.dates.filter((d) => d <= (o.today as IsoDate)).at(-1);
    if (latest !== o.today) {
      throw new DataError(
        'DATA_NOT_FOUND',
        `universe ${name} has no membership for today (${o.today}) in ${where}; the latest built is ${latest ?? 'none'}`,
        {
          hint: `run the morning build before the open: momentic universe build --from ${o.today} --to ${o.today} (the daily pipeline or the scheduler runs it), then start the session again`,
          context: { file: where, key: 'universe', value: name },
        },
      );
    }
  }
  // A session on a venue may run past its day: it keeps the latest built membership rather than
  // dropping every name; a replay looks dates up exactly, as its backtest does.
  return {
    symbols,
    membership: membershipGate(
      m,
      selection,
      spec.data.universe_exit,
      o.dates ?? (o.today === undefined ? 'exact' : 'latest'),
    ),
  };
}
