/**
 * The watchdogs and the heartbeat of one paper or live session, from the `watchdogs:` config:
 * which checks it has (the broker's only with a broker, the stream's only with a stream), what
 * each does when it fails, and the heartbeat file. Handed to runSession as its `watch`.
 */
import { getCalendar } from '../../calendar/registry.js';
import type { SessionBounds } from '../../calendar/types.js';
import { durationMs } from '../../core/duration.js';
import type { Logger } from '../../core/logger.js';
import type { Config } from '../../config/schema.js';
import type { SessionRef } from '../alerts/alert-events.js';
import type { Notifier } from '../alerts/notifier.js';
import type { SessionWatch } from '../session.js';
import type { Check, CheckName, WatchdogAction } from './check.js';
import { diskSpaceCheck, type FsStats } from './disk-space.js';
import { writeHeartbeat } from './heartbeat.js';
import { ledgerProbe } from './ledger-probe.js';
import { staleDataCheck, type MarketHours } from './stale-data.js';
import { streamLostCheck } from './stream-lost.js';
import { venueProbe } from './venue-probe.js';
import { Watchdogs } from './watchdogs.js';

export type WatchdogsConfig = Config['watchdogs'];

export interface SessionWatchOptions {
  readonly config: WatchdogsConfig;
  readonly home: string;
  readonly sessionId: string;
  readonly mode: 'paper' | 'live';
  readonly ref: SessionRef;
  /** The bar size (ms). */
  readonly barMs: number;
  /** The calendar (market code) of each symbol. */
  readonly calendarOf: (symbol: string) => string;
  /** The session's ledger: where it is, and a trivial query of it. */
  readonly ledger?: { readonly location: string; readonly query: () => Promise<unknown> };
  /** A broker to probe (its clock); a session without one (paper) has no broker checks. */
  readonly broker?: { readonly venue: string; readonly clock: (signal: AbortSignal) => Promise<number> };
  readonly alerts?: Notifier;
  readonly logger?: Logger;
  readonly statfs?: (path: string) => Promise<FsStats>;
  /** The process's id in the heartbeat (default this process's). */
  readonly pid?: number;
}

const ms = (text: string): number => durationMs(text) ?? 1000;

/** The session's trading hours around `ts`, on a symbol's calendar; undefined while closed. */
export function marketHours(calendar: string): (ts: number) => MarketHours | undefined {
  const cal = getCalendar(calendar);
  const out: SessionBounds = { open: 0, close: 0 };
  return (ts) => {
    try {
      if (!cal.sessionOfDay(cal.localDay(ts), out)) return undefined;
    } catch {
      return undefined;
    }
    return ts >= out.open && ts < out.close ? { open: out.open, close: out.close } : undefined;
  };
}

/** The checks a session has, each only when its action is not `off`. */
export function sessionChecks(o: SessionWatchOptions, session: SessionWatch): Check[] {
  const c = o.config;
  const every = ms(c.every);
  const on = (name: CheckName): boolean => c[name].action !== 'off';
  const checks: Check[] = [];
  if (on('stale_data')) {
    const hours = new Map(session.symbols.map((s) => [s, marketHours(o.calendarOf(s))]));
    checks.push(
      staleDataCheck({
        symbols: session.symbols,
        barMs: o.barMs,
        afterMs: ms(c.stale_data.after),
        everyMs: every,
        startedAt: session.clock.now(),
        lastBar: (s) => session.lastBar(s),
        hours: (s, ts) => hours.get(s)?.(ts),
      }),
    );
  }
  const feed = session.feed;
  if (on('stream_lost') && feed.link !== undefined) {
    checks.push(
      streamLostCheck({
        feed: feed.name,
        link: () => feed.link?.(),
        afterMs: ms(c.stream_lost.after),
        everyMs: every,
      }),
    );
  }
  if (o.broker !== undefined && (on('broker_unreachable') || on('clock_skew'))) {
    checks.push(
      venueProbe({
        venue: o.broker.venue,
        clock: o.broker.clock,
        failures: c.broker_unreachable.failures,
        maxSkewMs: ms(c.clock_skew.max),
        everyMs: ms(c.broker_unreachable.every),
      }),
    );
  }
  if (o.ledger !== undefined && on('ledger_unreachable')) {
    checks.push(
      ledgerProbe({
        location: o.ledger.location,
        query: o.ledger.query,
        failures: c.ledger_unreachable.failures,
        everyMs: every,
      }),
    );
  }
  if (on('disk_space')) {
    checks.push(
      diskSpaceCheck({
        path: o.home,
        minFreeMb: c.disk_space.min_free_mb,
        everyMs: every,
        ...(o.statfs === undefined ? {} : { statfs: o.statfs }),
      }),
    );
  }
  return checks;
}

/** runSession's `watch`: starts the watchdogs and the heartbeat; the returned stop ends both. */
export function watchSession(o: SessionWatchOptions): (session: SessionWatch) => () => Promise<void> {
  return (session) => {
    const c = o.config;
    const actions = Object.fromEntries(
      (Object.keys(c) as (keyof WatchdogsConfig)[]).flatMap((k) => {
        const v = c[k];
        return typeof v === 'object' && 'action' in v ? [[k, v.action]] : [];
      }),
    ) as Record<CheckName, WatchdogAction>;
    const dogs = new Watchdogs({
      checks: sessionChecks(o, session),
      actions,
      now: () => session.clock.now(),
      tickMs: Math.min(ms(c.every), ms(c.broker_unreachable.every)),
      killSwitch: session.killSwitch,
      ref: o.ref,
      ...(o.alerts === undefined ? {} : { alerts: o.alerts }),
      ...(o.logger === undefined ? {} : { logger: o.logger.child({ component: 'watchdogs' }) }),
    });
    const startedAt = new Date().toISOString();
    const beat = (status: 'running' | 'ended'): void => {
      const lastBars: Record<string, string> = {};
      for (const s of session.symbols) {
        const ts = session.lastBar(s);
        if (ts !== undefined) lastBars[s] = new Date(ts).toISOString();
      }
      try {
        writeHeartbeat(o.home, {
          session_id: o.sessionId,
          mode: o.mode,
          pid: o.pid ?? process.pid,
          status,
          started_at: startedAt,
          written_at: new Date().toISOString(),
          bars: session.bars(),
          last_bars: lastBars,
          kill_switch: session.killSwitch.state,
          failing: dogs.failing(),
        });
      } catch (e) {
        // A heartbeat that cannot be written (a full disk) is the disk check's to report.
        o.logger?.warn({ error: e instanceof Error ? e.message : String(e) }, 'heartbeat not written');
      }
    };
    beat('running');
    const heart = setInterval(() => beat('running'), ms(c.heartbeat_every));
    dogs.start();
    return async () => {
      clearInterval(heart);
      await dogs.stop();
      beat('ended');
    };
  };
}
