/**
 * A session command (`momentic paper`, `momentic live`) from its flags to its results: the run
 * file layered as a backtest's, the bars from the venue's stream or a replayed file
 * (`--source replay:FILE`), the execution client the command brings (paper: the simulated
 * exchange, paper-venue.ts), the session a run of its mode in the ledger with every order
 * journaled there before it is sent, and its folder `data/results/{session_id}/` written as the
 * session goes (session-files.ts). A failed journal write stops the session: nothing trades
 * unjournaled.
 */
import { readFileSync } from 'node:fs';
import { replayReflected, venueReflected } from './session-adjustment.js';
import { sessionActions } from './session-open-check.js';
import { relative } from 'node:path';
import { WallClock } from '../core/clock.js';
import { durationMs } from '../core/duration.js';
import { TIMEFRAME_MS } from '../core/enums.js';
import {
  ConfigError,
  isMomenticError,
  toMomenticError,
  UsageError,
  type ErrorContext,
  type MomenticError,
} from '../core/errors.js';
import { newRunId } from '../core/ids.js';
import type { Instrument } from '../core/instrument.js';
import type { Logger } from '../core/logger.js';
import { getCalendar } from '../calendar/registry.js';
import type { RunConfig } from '../config/run-config.js';
import { todayUtc } from '../core/dates.js';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../backtest/metrics.js';
import { runResultsDir, writeResults } from '../backtest/results-writer.js';
import { RawStore } from '../data/raw-store.js';
import type { EngineClock, LiveFeed } from '../engine/ports.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { canonicalJson } from '../backtest/csv.js';
import type { Fill } from '../core/order.js';
import type { Ledger, OrderRecord } from '../engine/ports.js';
import type { WorkingOrder } from '../engine/order-manager.js';
import type { KillSwitchTransition } from '../risk/kill-switch.js';
import { createLedger, type LedgerStore } from '../store/ledger.js';
import type { LedgerRun } from '../store/types.js';
import {
  killSwitchAlert,
  reconcileMismatchAlert,
  restartAlert,
  sessionFailedAlert,
  type SessionRef,
} from './alerts/alert-events.js';
import { NodeAgent } from './admin/node-agent.js';
import type { Notifier } from './alerts/notifier.js';
import { resolveSpec } from './backtest-job.js';
import { withinHookBudget } from './hook-budget.js';
import { recordKillSwitch } from './kill-switch-file.js';
import { LedgerJournal } from './ledger-journal.js';
import { resolveStrategy } from './node.js';
import { ReplayClock } from './replay-clock.js';
import { ReplayFeed, readReplayFile, type ReplaySpeed } from './replay-feed.js';
import { instrumentOf } from './run-data.js';
import { sessionUniverse } from './session-universe.js';
import { runSession, type SessionResult, type SessionVenue } from './session.js';
import { SessionEnd, type StopReason } from './session-end.js';
import { markSentOnAck } from './sent-on-ack.js';
import { SESSION_FILES, SessionFiles } from './session-files.js';
import type { SessionBroadcast } from './session-broadcast.js';
import type { SessionTelemetry } from './session-telemetry.js';
import { ledgerOrderRecord, mergeResumed, readPriorResults, requestOf } from './session-resume.js';
import { parseFor, parseSource, parseSpeed, parseUntil } from './session-flags.js';
import { resolveRegisteredModels } from './registered-models.js';
import { checkStrategy } from './strategy-check.js';
import { isStrategyFile, loadStrategyFile } from './strategy-file.js';
import { inferDumpName } from '../venues/binance/dump.js';
import { venueFeed, type VenueFeedRequest } from './venue-feeds.js';
import { watchSession } from './watchdogs/session-watch.js';

export interface SessionFlags {
  readonly configFile: string;
  readonly source?: string;
  readonly speed?: string;
  readonly for?: string;
  readonly until?: string;
  /** Calendar of a replayed symbol (default: the one its imported data has, else `market`). */
  readonly calendar?: string;
  /** Zone of a replayed file's times without an offset (default: the calendar's). */
  readonly tz?: string;
}

export interface SessionJobResult {
  readonly sessionId: string;
  readonly dir: string;
  readonly metrics: Metrics;
  readonly bars: number;
  readonly orders: number;
  readonly trades: number;
  /** `feed` (the replay's last bar), or what stopped it: `for`, `until`, `SIGINT`, `SIGTERM`. */
  readonly ended: 'feed' | StopReason;
  readonly spec: RunConfig;
  /** Rows of a replayed file the quality gates refused (as `data import` would). */
  readonly rejectedRows: number;
  readonly ledger: string;
}

/** What the execution client of a session is built from. */
export interface SessionVenueContext {
  readonly spec: RunConfig;
  /** Resolves once every journal write so far is durable (send only after it: persist first). */
  readonly durable: () => Promise<void>;
  /** Stops the session with an error (a journal that cannot be written). */
  readonly stop: (e: unknown) => void;
  readonly clock: EngineClock;
  readonly instrument: (symbol: string) => Instrument;
  readonly portfolio: Portfolio;
  readonly symbols: readonly string[];
  /**
   * Orders a resumed session carries on with (empty for a new one): a broker still works them; the
   * simulated exchange of a paper session is given them back (SimulatedExchange.restore).
   */
  readonly working: readonly WorkingOrder[];
}

/** The bars and clock of a session that neither replays a file nor follows a venue's stream. */
export interface SessionFeed {
  readonly feed: LiveFeed;
  readonly clock: EngineClock;
}

export interface SessionJobOptions {
  readonly mode: 'paper' | 'live';
  readonly home: string;
  readonly config: Config;
  readonly cwd: string;
  readonly flags: SessionFlags;
  /** The session's execution client (paper: the simulated exchange; live: the venue's). */
  readonly venue: (ctx: SessionVenueContext) => SessionVenue;
  /** The venue's market-data stream when no replay is given (default: venue-feeds.ts). */
  readonly venueFeed?: (req: VenueFeedRequest) => LiveFeed;
  /**
   * The session's bars and clock, given by the caller instead of `--source` or the venue's stream
   * (the daily pipeline's day of bars from the raw zone); `flags.source` is not read then.
   */
  readonly feed?: (req: {
    readonly spec: RunConfig;
    readonly instrument: (symbol: string) => Instrument;
  }) => Promise<SessionFeed>;
  /**
   * Carry on this session (the daily pipeline's paper book): its fills, working orders, order
   * ids and folder, as a resumed session's. It must be a `running` run of this mode with the
   * same resolved run; another run, or a changed run file, is refused.
   */
  readonly continueSession?: string;
  /**
   * Leave the run `running` in the ledger when the session ends (a book that trades again on the
   * next day); its results folder is written whole all the same.
   */
  readonly keepOpen?: boolean;
  /** The reconciliation of the ledger with the venue, run at the start and every `live.reconcile_every`. */
  readonly reconcile?: (sessionId: string) => () => Promise<void>;
  /**
   * Before the first bar (after the session's ledger run exists): the start's reconciliation with
   * the venue, which may refuse the start (exit 5). `resumed`: the session existed before.
   */
  readonly beforeStart?: (sessionId: string, resumed: boolean, ledger: LedgerStore) => Promise<void>;
  /**
   * A venue whose answers come later (a broker): an order is marked sent in the ledger when the
   * venue accepts it, not when it is handed to the client (the simulated exchange answers at once).
   */
  readonly sentOnAck?: boolean;
  /**
   * Resume the latest unfinished session of this mode with the same run (after a crash): its id,
   * folder, fills and order ids carry on. Replays always start afresh.
   */
  readonly resume?: boolean;
  readonly appSources?: ReadonlyMap<string, string>;
  readonly logger?: Logger;
  /** Listen for SIGINT and SIGTERM (default true). */
  readonly signals?: boolean;
  readonly onStart?: (sessionId: string, dir: string) => void;
  /**
   * Where operator alerts go (docs/operations.md, "Alerts"): kill-switch transitions, a
   * reconciliation that disagrees, a resumed session, a session that fails. Never awaited: a
   * channel that is down never slows or stops the session. The caller closes it.
   */
  readonly alerts?: Notifier;
  /**
   * The broker the watchdogs probe with a cheap read (its clock): reachable, and its clock near
   * ours (docs/operations.md, "Watchdogs and supervisor"). A session without a broker has none.
   */
  readonly broker?: { readonly venue: string; readonly clock: (signal: AbortSignal) => Promise<number> };
  /** The session's metrics as it trades (the service's Prometheus registry, `momentic serve`). */
  readonly telemetry?: SessionTelemetry;
  /** What the session broadcasts as it trades (the service's WebSocket feed, `--serve`). */
  readonly broadcast?: SessionBroadcast;
}

/** Reads the flags and the run before anything is opened: a bad input exits 2 at once. */
export async function runSessionJob(o: SessionJobOptions): Promise<SessionJobResult> {
  const ref: { -readonly [K in keyof SessionRef]: SessionRef[K] } = { mode: o.mode };
  try {
    return await withinHookBudget(() => sessionJob(o, ref));
  } catch (e) {
    // A session that stopped with an error, or could not start for a reason other than its
    // command line (a bad flag or run file is the person at the terminal's to fix, exit 2).
    const err = toMomenticError(e);
    if (ref.sessionId !== undefined || (err.kind !== 'usage' && err.kind !== 'config')) {
      void o.alerts?.notify(sessionFailedAlert(err, ref));
    }
    throw e;
  }
}

async function sessionJob(
  o: SessionJobOptions,
  ref: { -readonly [K in keyof SessionRef]: SessionRef[K] },
): Promise<SessionJobResult> {
  const { home, config, flags } = o;
  const source = parseSource(flags.source, o.cwd);
  const speed = parseSpeed(flags.speed, source);
  const forMs = parseFor(flags.for);
  const until = parseUntil(flags.until, Date.now());
  const { spec, file } = resolveSpec(home, config, { configFile: flags.configFile }, o.appSources);
  if (isStrategyFile(spec.strategy.name)) {
    await loadStrategyFile(spec.strategy.name, undefined, { hookTimeoutMs: config.engine.hook_timeout_ms });
  }
  const runFile = file?.file ?? flags.configFile;
  checkStrategy(spec, { file: runFile });
  const models = await resolveRegisteredModels(spec.strategy.params, config, home, { file: runFile });
  // A run file naming a universe trades its members, each while a member (session-universe.ts).
  const universe = sessionUniverse(home, spec, {
    file: runFile,
    ...(source.kind === 'venue' ? { today: todayUtc() } : {}),
  });
  const symbols = universe?.symbols ?? spec.data.symbols;
  if (symbols.length === 0) {
    throw new UsageError('USAGE_MISSING_OPTION', `${runFile} names no symbols: a session trades the symbols it lists`, {
      hint: 'list them in the run file, e.g. symbols: [AAPL]',
      context: { file: runFile, key: 'symbols' },
    });
  }
  // Read before anything opens: a bad row of a traded symbol stops the session here.
  const corporateActions = sessionActions(home, symbols);
  const timeframe = spec.data.timeframe;
  // Each symbol's calendar: the flag, else the one its imported data was checked against.
  const store = new RawStore(home, config.data.format);
  const calendars = new Map<string, string>();
  for (const s of symbols) {
    // A replayed Binance dump is a crypto pair's, trading around the clock (as data import takes it).
    const market = source.kind === 'replay' && inferDumpName(source.file) !== undefined ? '24/7' : config.market;
    const cal = flags.calendar ?? store.entry(s, timeframe)?.calendar ?? market;
    calendars.set(s, calendarOf(cal, flags.calendar === undefined ? { key: 'market' } : { flag: '--calendar' }));
  }
  const instrument = instrumentOf(calendars);
  // The feed and the venue serve the universe's members; the run (as recorded) names the universe.
  const traded: RunConfig = universe === undefined ? spec : { ...spec, data: { ...spec.data, symbols: [...symbols] } };
  const { feed, clock, rejectedRows } =
    o.feed === undefined
      ? await openFeed(traded, source, speed, flags, home, config, instrument, o.venueFeed)
      : { ...(await o.feed({ spec: traded, instrument })), rejectedRows: 0 };
  // The actions the feed's bars already carry are not applied to them again before the open.
  const reflectedActions =
    corporateActions === undefined || o.feed !== undefined
      ? undefined
      : source.kind === 'replay'
        ? replayReflected(source.file)
        : spec.live.venue === 'alpaca'
          ? venueReflected(config.venues.alpaca.adjustment, todayUtc())
          : undefined;
  const { strategy, params } = resolveStrategy(spec.strategy.name, spec.strategy.params, { file: runFile }, models.env);
  // Journaled or not at all: a session whose ledger cannot be opened does not start.
  const ledger = await createLedger(config, home);
  let previous: LedgerRun | undefined;
  try {
    previous =
      o.continueSession !== undefined
        ? await sessionToContinue(ledger, o.continueSession, o.mode, spec, runFile)
        : o.resume === true && source.kind === 'venue'
          ? await unfinishedSession(ledger, o.mode, spec)
          : undefined;
  } catch (e) {
    await ledger.close();
    throw e;
  }
  const sessionId = previous?.id ?? newRunId();
  ref.sessionId = sessionId;
  ref.strategy = spec.strategy.name;
  const dir = previous?.resultDir ?? runResultsDir(home, sessionId);
  const startedAt = previous?.startedAt ?? Date.now();
  let result: SessionResult | undefined;
  let failure: MomenticError | undefined;
  let end: SessionEnd | undefined;
  let opened: LedgerJournal | undefined;
  let agent: NodeAgent | undefined;
  try {
    await ledger.startRun({
      id: sessionId,
      kind: o.mode,
      strategy: spec.strategy.name,
      params,
      spec: spec as unknown as Record<string, unknown>,
      startedAt,
    });
    const journal = new LedgerJournal(ledger, sessionId);
    opened = journal;
    // A journal that cannot be written ends the session (with the ledger's error, exit 4).
    const unjournaled = new AbortController();
    // What the execution side stopped the session for (a journal write, a venue gone for good).
    let venueFailure: MomenticError | undefined;
    journal.onError = () => unjournaled.abort();
    if (previous !== undefined && o.continueSession === undefined) {
      o.logger?.info({ session: sessionId }, 'resuming the unfinished session');
      void o.alerts?.notify(restartAlert(ref, previous.startedAt));
    } else if (previous !== undefined) {
      // A book carried on by its next day: planned, not a restart to alert on.
      o.logger?.info({ session: sessionId }, 'carrying on the session');
    }
    await o.beforeStart?.(sessionId, previous !== undefined, ledger);
    // The operator's desk: heartbeat and admin commands through the ledger (docs/operations.md).
    agent = new NodeAgent({
      ledger,
      runId: sessionId,
      mode: o.mode,
      startedAt,
      redisUrl: config.redis.url,
      settled: () => journal.drained(),
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    });
    await agent.open();
    const resume = previous === undefined ? undefined : await resumeState(ledger, sessionId, Date.now());
    // A resumed session keeps what its earlier runs wrote and carries on after it.
    const prior = previous === undefined ? undefined : readPriorResults(dir, o.logger);
    const files = new SessionFiles(
      dir,
      timeframe,
      prior === undefined ? undefined : { through: prior.through, trades: prior.trades.length },
    );
    files.put(SESSION_FILES.runFile, readFileSync(runFile, 'utf8'));
    if (previous === undefined)
      files.put(
        SESSION_FILES.session,
        `${JSON.stringify(
          {
            session_id: sessionId,
            mode: o.mode,
            source:
              o.feed !== undefined ? feed.name : source.kind === 'replay' ? `replay:${source.file}` : spec.live.venue,
            speed: source.kind === 'replay' ? speed : null,
            run_file: runFile,
            started_at: new Date(startedAt).toISOString(),
            // Each symbol's calendar, so a replay of the session (a drift report) trades the same instruments.
            calendars: Object.fromEntries(calendars),
            run: spec,
          },
          null,
          2,
        )}\n`,
      );
    o.onStart?.(sessionId, dir);
    // Kept until the files are complete: a second Ctrl-C while they are written changes nothing.
    end = new SessionEnd({
      ...(forMs === undefined ? {} : { forMs }),
      ...(until === undefined ? {} : { until }),
      signals: o.signals !== false,
    });
    result = await runSession({
      runId: sessionId,
      run: spec,
      strategy,
      params,
      instrument,
      clock,
      feed,
      ...(universe === undefined ? {} : { membership: universe.membership }),
      venue: ({ portfolio, symbols: tradedSymbols }) => {
        const v = o.venue({
          spec: traded,
          clock,
          instrument,
          portfolio,
          symbols: tradedSymbols,
          working: resume?.working ?? [],
          durable: () => journal.drained(),
          stop: (e) => {
            venueFailure ??= toMomenticError(e);
            unjournaled.abort();
          },
        });
        if (o.sentOnAck === true) markSentOnAck(v.execution, journal, clock);
        return v;
      },
      // With a broker, "sent" is what the broker acknowledged (sentOnAck), not the hand-over.
      journal: o.sentOnAck === true ? { ...bind(journal), markSent: () => {} } : journal,
      ...(resume === undefined ? {} : { resume }),
      ...(corporateActions === undefined ? {} : { corporateActions }),
      ...(reflectedActions === undefined ? {} : { reflectedActions }),
      files,
      signal: AbortSignal.any([end.signal, unjournaled.signal]),
      ...(o.reconcile === undefined ? {} : { reconcile: alertOnMismatch(o.reconcile(sessionId), ref, o.alerts) }),
      onKillSwitch: alertOnTransition(recordKillSwitch(home, { mode: o.mode, runId: sessionId }), ref, o.alerts),
      onRiskEvent: (e) => journal.riskEvent(e),
      ...(config.watchdogs.enabled
        ? {
            watch: watchSession({
              config: config.watchdogs,
              home,
              sessionId,
              mode: o.mode,
              ref: { ...ref },
              barMs: TIMEFRAME_MS[timeframe],
              calendarOf: (s) => instrument(s).calendar,
              ledger: { location: ledger.location, query: () => ledger.getRun(sessionId) },
              ...(o.broker === undefined ? {} : { broker: o.broker }),
              ...(o.alerts === undefined ? {} : { alerts: o.alerts }),
              ...(o.logger === undefined ? {} : { logger: o.logger }),
            }),
          }
        : {}),
      control: (node) => (agent as NodeAgent).attach(node),
      ...(o.telemetry === undefined ? {} : { telemetry: o.telemetry }),
      ...(o.broadcast === undefined ? {} : { broadcast: o.broadcast }),
      config: {
        run: spec,
        run_file: relative(o.cwd, runFile) || runFile,
        mode: o.mode,
        source: o.feed !== undefined ? feed.name : source.kind === 'replay' ? 'replay' : spec.live.venue,
      },
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    });
    failure = result.error ?? journal.error ?? venueFailure;
    try {
      await journal.drained();
    } catch (e) {
      failure ??= e as MomenticError;
    }
    files.close();
    const record =
      prior === undefined
        ? result.record
        : mergeResumed(result.record, prior, {
            dir,
            priorFills: resume?.fills ?? [],
            ledgerOnly: await ledgerOnlyOrders(ledger, sessionId, [prior.orders, result.record.orders]),
          });
    const finishedAt = Date.now();
    const written = await writeResults(dir, { ...record, wallClock: { startedAt, finishedAt } });
    if (o.keepOpen !== true) {
      await ledger.endRun(sessionId, {
        status: failure === undefined ? 'finished' : 'failed',
        finishedAt,
        metrics: written.metrics as unknown as Record<string, unknown>,
        resultDir: dir,
      });
    }
    if (failure !== undefined) throw failure;
    return {
      sessionId,
      dir,
      metrics: written.metrics,
      bars: result.bars,
      orders: record.orders.length,
      trades: record.trades.length,
      ended: result.ended === 'feed' ? 'feed' : (end.reason ?? 'feed'),
      spec,
      rejectedRows,
      ledger: ledger.location,
    };
  } finally {
    end?.dispose();
    // The session's journal ends with it: what the venue reports later (an acknowledgement or a
    // fill still on its way) is the broker's to tell the next reconciliation, never a write
    // racing it.
    opened?.close();
    await agent?.close();
    await ledger.close();
  }
}

/** The kill switch's record in the workspace, and its alert (sent first: a full disk must not hide a halt). */
function alertOnTransition(
  record: (t: KillSwitchTransition) => void,
  ref: SessionRef,
  alerts: Notifier | undefined,
): (t: KillSwitchTransition) => void {
  if (alerts === undefined) return record;
  return (t) => {
    void alerts.notify(killSwitchAlert(t, { ...ref }));
    record(t);
  };
}

/** A periodic reconciliation that disagrees is alerted, then handled by the session as before. */
function alertOnMismatch(
  reconcile: () => Promise<void>,
  ref: SessionRef,
  alerts: Notifier | undefined,
): () => Promise<void> {
  if (alerts === undefined) return reconcile;
  return async () => {
    try {
      await reconcile();
    } catch (e) {
      if (isMomenticError(e) && e.code === 'RISK_RECONCILE') void alerts.notify(reconcileMismatchAlert(e, { ...ref }));
      throw e;
    }
  };
}

/** The session's orders in the ledger that none of `known` holds (working at a crash, or never sent). */
async function ledgerOnlyOrders(
  ledger: LedgerStore,
  sessionId: string,
  known: readonly (readonly OrderRecord[])[],
): Promise<OrderRecord[]> {
  const ids = new Set(known.flatMap((list) => list.map((x) => x.clientOrderId)));
  const orders = (await ledger.listOrders({ runId: sessionId, limit: Number.MAX_SAFE_INTEGER })).filter(
    (x) => !ids.has(x.clientOrderId),
  );
  if (orders.length === 0) return [];
  // One read of the run's transitions rather than one per order.
  const events = await ledger.runOrderEvents(sessionId);
  return orders.map((x) => ledgerOrderRecord(x, events.get(x.clientOrderId) ?? []));
}

/** The journal's methods bound to it (so one of them can be replaced). */
function bind(j: LedgerJournal): Ledger {
  return {
    persist: (o, ts) => j.persist(o, ts),
    markSent: (id, ts) => j.markSent(id, ts),
    transition: (id, status, ts, reason) => j.transition(id, status, ts, reason),
    fill: (f) => j.fill(f),
  };
}

/** The session `id` to carry on: a `running` run of this mode with the same resolved run. */
async function sessionToContinue(
  ledger: LedgerStore,
  id: string,
  mode: 'paper' | 'live',
  spec: RunConfig,
  runFile: string,
): Promise<LedgerRun | undefined> {
  const run = await ledger.getRun(id);
  if (run === undefined) return undefined;
  if (run.kind !== mode || run.status !== 'running') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `session ${id} is a ${run.status} ${run.kind} run: only a running ${mode} session carries on`,
      {
        hint: 'start a new book (a new pipeline name), or pick the running session to carry on',
        context: { value: id },
      },
    );
  }
  if (canonicalJson(run.spec) !== canonicalJson(spec)) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `${runFile} resolves to another run than the one session ${id} started with: a book carries on with the run it began with`,
      {
        hint: `restore the run file as it was (data/results/${id}/run.yaml holds it), or start a new book under another pipeline name`,
        context: { file: runFile },
      },
    );
  }
  return run;
}

/** The latest session of this mode still `running` in the ledger with the same resolved run. */
async function unfinishedSession(
  ledger: LedgerStore,
  mode: 'paper' | 'live',
  spec: RunConfig,
): Promise<LedgerRun | undefined> {
  const same = canonicalJson(spec);
  for (const run of await ledger.listRuns({ kind: mode, limit: 20 })) {
    if (run.status !== 'running') continue;
    return canonicalJson(run.spec) === same ? run : undefined;
  }
  return undefined;
}

/**
 * What a resumed session carries on with: its fills (the portfolio books them again), every
 * order id it used, and its orders the venue still works (managed again). An order it persisted but never sent is not sent now: the bar it was decided
 * on is gone, so it is recorded as rejected with that reason.
 */
async function resumeState(
  ledger: LedgerStore,
  sessionId: string,
  now: number,
): Promise<{ usedOrderIds: string[]; fills: Fill[]; working: WorkingOrder[] }> {
  for (const o of await ledger.pendingSends(sessionId)) {
    await ledger.transitionOrder(sessionId, o.clientOrderId, {
      status: 'rejected',
      ts: now,
      reason: 'persisted but not sent before the session stopped; not sent after the restart',
    });
  }
  const orders = await ledger.listOrders({ runId: sessionId, limit: Number.MAX_SAFE_INTEGER });
  const fills = (await ledger.listFills(sessionId)).map((f) => ({
    orderId: '',
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    ts: f.ts,
  }));
  // Orders the venue still works (after the start's reconciliation booked what filled meanwhile).
  const working = (await ledger.loadOpenState(sessionId)).orders
    .filter((o) => o.sent)
    .map((o) => ({
      request: requestOf(o),
      status: o.status,
      filledQty: o.filledQty,
      createdAt: o.createdAt,
      sentAt: o.sentAt ?? o.createdAt,
      updatedAt: o.updatedAt,
    }));
  return { usedOrderIds: orders.map((o) => o.clientOrderId), fills, working };
}

/** A calendar's name; an unknown one is a usage error naming where it was given. */
function calendarOf(code: string, where: ErrorContext): string {
  try {
    return getCalendar(code).name;
  } catch (e) {
    if (!isMomenticError(e)) throw e;
    throw new UsageError(e.code, e.message, { hint: e.hint, context: { ...e.context, ...where } });
  }
}

async function openFeed(
  spec: RunConfig,
  source: ReturnType<typeof parseSource>,
  speed: ReplaySpeed,
  flags: SessionFlags,
  home: string,
  config: Config,
  instrument: ReturnType<typeof instrumentOf>,
  makeFeed: (req: VenueFeedRequest) => LiveFeed = venueFeed,
): Promise<{ feed: LiveFeed; clock: EngineClock; rejectedRows: number }> {
  const { symbols, timeframe } = spec.data;
  if (source.kind === 'venue') {
    const feed = makeFeed({
      venue: spec.live.venue,
      symbols,
      timeframe,
      warmupBars: spec.live.warmup_bars,
      streamTimeoutMs: durationMs(spec.live.stream_timeout) ?? 30_000,
    });
    return { feed, clock: new WallClock(), rejectedRows: 0 };
  }
  if (symbols.length !== 1) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `a replayed file holds one symbol's bars; the run trades ${symbols.length} (${symbols.join(', ')})`,
      {
        hint: 'replay a run file that lists one symbol, e.g. symbols: [FDAX]',
        context: { flag: '--source', key: 'symbols' },
      },
    );
  }
  const symbol = symbols[0] as string;
  const { series, rejected } = await readReplayFile({
    home,
    file: source.file,
    symbol,
    calendar: getCalendar(instrument(symbol).calendar),
    ...(flags.tz === undefined ? {} : { tz: flags.tz }),
    timeframe,
    start: spec.data.start,
    end: spec.data.end,
    format: config.data.format,
  });
  const feed = new ReplayFeed({ series, timeframe, speed, warmupBars: spec.live.warmup_bars });
  return { feed, clock: new ReplayClock(feed.firstTs, speed), rejectedRows: rejected };
}
