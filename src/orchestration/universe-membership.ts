/**
 * A built universe as the engine's point-in-time membership (engine-options.ts
 * UniverseMembership): `core` admits the Core tier, `extended` Core and Extended, a file every
 * symbol it lists as included. Sessions are the UTC dates of the bars' timestamps (daily bars
 * stand at 00:00 UTC; US sessions never cross midnight UTC).
 */
import { tsToDate, type IsoDate } from '../core/dates.js';
import type { UniverseMembership } from '../engine/engine-options.js';
import type { Membership } from '../universe/universe-files.js';

export type UniverseSelection = 'core' | 'extended' | 'file';

export function membershipGate(
  m: Membership,
  selection: UniverseSelection,
  exit: 'close' | 'hold',
  /**
   * `latest`: a date not built takes the latest built date before it (a live session running on
   * past its morning's build keeps that membership); `exact` (backtests): a date not built has
   * no members.
   */
  dates: 'exact' | 'latest' = 'exact',
): UniverseMembership {
  const admits = (tier: 'core' | 'extended' | undefined): boolean =>
    tier !== undefined && (selection !== 'core' || tier === 'core');
  let lastTs = NaN;
  let lastDate: IsoDate = '' as IsoDate;
  const dateOf = (ts: number): IsoDate => {
    if (ts !== lastTs) {
      lastTs = ts;
      lastDate = tsToDate(ts);
    }
    return lastDate;
  };
  /** The first built date after `date`, or undefined past the last one. */
  const nextDate = (date: IsoDate): IsoDate | undefined => {
    const ds = m.dates;
    let lo = 0;
    let hi = ds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ds[mid] as IsoDate) <= date) lo = mid + 1;
      else hi = mid;
    }
    return ds[lo];
  };
  /** The latest built date <= `date`, or undefined before the first one. */
  const latestDate = (date: IsoDate): IsoDate | undefined => {
    const ds = m.dates;
    let lo = 0;
    let hi = ds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ds[mid] as IsoDate) <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : ds[lo - 1];
  };
  const dayOf = (ts: number): IsoDate | undefined => (dates === 'exact' ? dateOf(ts) : latestDate(dateOf(ts)));
  return {
    exit,
    isMember: (symbol, ts) => {
      const day = dayOf(ts);
      return day !== undefined && admits(m.byDate.get(day)?.get(symbol));
    },
    isMemberNext: (symbol, ts) => {
      const next = nextDate(dateOf(ts));
      return next === undefined || admits(m.byDate.get(next)?.get(symbol));
    },
  };
}

/** Every symbol that is a member on some date (the symbols a run loads). */
export function memberSymbols(m: Membership, selection: UniverseSelection): string[] {
  const out = new Set<string>();
  for (const day of m.byDate.values())
    for (const [s, tier] of day) if (selection !== 'core' || tier === 'core') out.add(s);
  return [...out].sort();
}
