import type { Bar } from '../core/bar.js';
import { refuseFutureStart, todayUtc, type IsoDate } from '../core/dates.js';
import { TIMEFRAME_MS, type Timeframe } from '../core/enums.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { getCalendar } from '../calendar/registry.js';
import type { TradingCalendar } from '../calendar/types.js';
import type { CandidateBar } from '../data/candidates.js';
import type { BarFormat } from '../data/paths.js';
import { readQuarantineManifest, writeQuarantine } from '../data/quarantine.js';
import { checkQuality, type QualityLimits, type Rejection } from '../data/quality.js';
import { RawStore } from '../data/raw-store.js';
import { dateToTs, isDaily, tsToDate } from '../data/schema.js';
import type { DataProvider } from '../engine/ports.js';
import { refuseUnknownSymbols } from './symbol-check.js';

const MS_PER_DAY = 86_400_000;

export interface FetchDataOptions {
  readonly home: string;
  readonly provider: DataProvider;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Inclusive session dates. */
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly format: BarFormat;
  /** Refetch the whole range and replace differing rows (backed up). */
  readonly force?: boolean;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Called after each symbol. */
  readonly onSymbolDone?: (symbol: string) => void;
  /** The present (epoch ms; default the wall clock): nothing after it is requested. */
  readonly now?: number;
  /** Limits of the range and jump gates (config `data.quality`; defaults otherwise). */
  readonly limits?: QualityLimits;
}

export interface FetchSymbolReport {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly calendar: string;
  /** Session ranges requested from the provider (only what was missing). */
  readonly requested: readonly { from: IsoDate; to: IsoDate }[];
  readonly added: number;
  readonly replaced: number;
  readonly rows: number;
  readonly quarantined: number;
  readonly quarantineFile?: string;
  /** Sessions of the requested range still without data (the provider had none). */
  readonly missing: number;
  readonly missingDates: readonly IsoDate[];
  /** Providers that served bars (more than one after a failover). */
  readonly servedBy: readonly string[];
}

/**
 * The last session of `cal` with a finished bar at `now`: daily bars need the session closed,
 * intraday bars (`barMs` long) one bar's time since the open.
 */
function lastFinishedSession(cal: TradingCalendar, now: number, barMs?: number): IsoDate {
  const today = todayUtc(now);
  if (today > cal.lastDate) return cal.lastDate;
  if (!cal.isTradingDay(today)) return cal.previousSession(today);
  const s = cal.session(today);
  return (barMs === undefined ? s.close : s.open + barMs) <= now ? today : cal.previousSession(today);
}

/** Consecutive sessions grouped into [from, to] ranges. */
function sessionRanges(sessions: readonly IsoDate[], all: readonly IsoDate[]): { from: IsoDate; to: IsoDate }[] {
  const pos = new Map(all.map((d, i) => [d, i] as const));
  const out: { from: IsoDate; to: IsoDate }[] = [];
  let prev = -2;
  for (const s of sessions) {
    const i = pos.get(s) as number;
    const last = out[out.length - 1];
    if (last !== undefined && i === prev + 1) last.to = s;
    else out.push({ from: s, to: s });
    prev = i;
  }
  return out;
}

function presentDates(
  bars: { readonly length: number; readonly ts: Float64Array } | undefined,
  tf: Timeframe,
  cal: TradingCalendar,
): Set<IsoDate> {
  const out = new Set<IsoDate>();
  if (bars === undefined) return out;
  for (let i = 0; i < bars.length; i++) {
    const ts = bars.ts[i] as number;
    const d = isDaily(tf) ? tsToDate(ts) : cal.sessionDate(ts);
    if (d !== undefined) out.add(d);
  }
  return out;
}

/**
 * Fetches bars into the raw zone, incrementally: only sessions missing from the zone are
 * requested (grouped into ranges), each page passes the quality gates and is written at once,
 * so an interrupted fetch keeps what it wrote and a rerun completes it without duplicates.
 */
export async function fetchData(o: FetchDataOptions): Promise<FetchSymbolReport[]> {
  refuseFutureStart(o.start, { flag: '--start' }, o.now);
  if (o.start > o.end) {
    throw new UsageError('USAGE_INVALID_RANGE', `--start ${o.start} is after --end ${o.end}`, {
      hint: 'give a start on or before the end',
      context: { flag: '--start', value: `${o.start}..${o.end}` },
    });
  }
  // Every symbol is checked before the first is fetched: a typo fails the fetch, not half of it.
  refuseUnknownSymbols({ home: o.home, symbols: o.symbols, provider: o.provider, timeframe: o.timeframe });
  const store = new RawStore(o.home, o.format);
  // Damaged manifests stop the fetch before any request, not after rows were written.
  store.manifest();
  readQuarantineManifest(o.home);
  const reports: FetchSymbolReport[] = [];
  for (const symbol of o.symbols) {
    reports.push(await fetchSymbol(o, store, symbol));
    o.onSymbolDone?.(symbol);
  }
  return reports;
}

async function fetchSymbol(o: FetchDataOptions, store: RawStore, symbol: string): Promise<FetchSymbolReport> {
  const tf = o.timeframe;
  const instrument = o.provider.instrument(symbol);
  const cal = getCalendar(instrument.calendar);
  const now = o.now ?? Date.now();
  const start = o.start < cal.firstDate ? cal.firstDate : o.start;
  // No bar after the present is asked for: a daily bar only once its session has closed (a bar
  // of a session still trading would be stored as final), intraday bars once they have ended.
  const present = lastFinishedSession(cal, now, isDaily(tf) ? undefined : TIMEFRAME_MS[tf]);
  const end = [o.end, cal.lastDate, present].reduce((a, b) => (a < b ? a : b));
  const sessions = end < start ? [] : cal.sessionDates(start, end);
  const existing = o.force === true ? new Set<IsoDate>() : presentDates(await store.read(symbol, tf), tf, cal);
  if (!isDaily(tf) && existing.size > 0) {
    // The last stored session day may be partial (an interrupted fetch, or a fetch during the
    // session): ask for it again; rows already stored are recognised and not written twice.
    existing.delete([...existing].sort().pop() as IsoDate);
  }
  const ranges = sessionRanges(
    sessions.filter((s) => !existing.has(s)),
    sessions,
  );
  let added = 0;
  let replaced = 0;
  let rows = 0;
  const rejected: Rejection[] = [];
  const servedBy = new Set<string>();
  let streamRow = 0;
  for (const range of ranges) {
    let lastTs = -Infinity;
    const rangeEnd = dateToTs(range.to) + MS_PER_DAY;
    const request = {
      symbol,
      timeframe: tf,
      start: dateToTs(range.from),
      end: isDaily(tf) ? rangeEnd : Math.min(rangeEnd, now - TIMEFRAME_MS[tf] + 1),
    };
    o.logger?.debug({ symbol, from: range.from, to: range.to }, 'requesting');
    for await (const page of o.provider.fetchBars(request, o.signal === undefined ? {} : { signal: o.signal })) {
      const source = o.provider.currentSource ?? o.provider.name;
      const candidates: CandidateBar[] = page.map((b) => ({
        ...b,
        row: ++streamRow,
        problems: [],
        line: `${symbol},${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`,
      }));
      const q = checkQuality(symbol, tf, candidates, cal, o.limits === undefined ? {} : { limits: o.limits });
      rejected.push(...q.rejected);
      const fresh: Bar[] = [];
      for (const b of q.good) {
        if (b.ts <= lastTs) {
          rejected.push({
            row: 0,
            gate: 'duplicate',
            reason: `${source} repeated ${new Date(b.ts).toISOString()} across pages`,
            line: '',
          });
          continue;
        }
        fresh.push(b);
        lastTs = b.ts;
      }
      if (fresh.length === 0) continue;
      servedBy.add(source);
      const w = await store.write(
        symbol,
        tf,
        fresh,
        { provider: source, calendar: cal.name, fetchedAt: Date.now() },
        { force: o.force === true },
      );
      added += w.added;
      replaced += w.replaced;
      rows = w.rows;
    }
  }
  const quarantineFile = writeQuarantine(o.home, symbol, tf, `fetch-${o.provider.name}`, rejected);
  const after = presentDates(await store.read(symbol, tf), tf, cal);
  const missingDates = sessions.filter((s) => !after.has(s));
  if (rows === 0) rows = (await store.read(symbol, tf))?.length ?? 0;
  return {
    symbol,
    timeframe: tf,
    calendar: cal.name,
    requested: ranges,
    added,
    replaced,
    rows,
    quarantined: rejected.length,
    ...(quarantineFile === undefined ? {} : { quarantineFile }),
    missing: missingDates.length,
    missingDates: missingDates.slice(0, 20),
    servedBy: [...servedBy],
  };
}
