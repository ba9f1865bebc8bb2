/**
 * A trading session (`momentic paper`, `momentic live`): the same TradingNode as a backtest,
 * built from the session's clock, a PushBarSource fed by a LiveFeed, and an execution client,
 * with the RiskManager always in the order path and the OrderManager journaling into the ledger.
 * Which clock, feed and execution client is the caller's choice (a replayed file or a venue's
 * stream; the simulated exchange or a venue): nothing here, in strategies, risk or portfolio
 * depends on the mode. The session runs until the feed ends or `signal` aborts (`--for`,
 * `--until`, SIGINT, SIGTERM); then the strategy's `onStop` runs and the record is complete.
 */
import type { BarSeries } from '../core/bar.js';
import { BarSeries as Series } from '../core/bar.js';
import { durationMs } from '../core/duration.js';
import { TIMEFRAME_MS } from '../core/enums.js';
import { toMomenticError, VenueError, type MomenticError } from '../core/errors.js';
import type { Instrument } from '../core/instrument.js';
import type { Logger } from '../core/logger.js';
import type { Fill, OrderRequest } from '../core/order.js';
import type { RunConfig } from '../config/run-config.js';
import type { UniverseMembership } from '../engine/engine-options.js';
import { buildRunRecord } from '../backtest/record-builder.js';
import type { RunRecord } from '../backtest/run-record.js';
import type { BarDrivenVenue, EngineClock, ExecutionClient, FeedSink, Ledger, LiveFeed } from '../engine/ports.js';
import { Portfolio } from '../portfolio/portfolio.js';
import type { WorkingOrder } from '../engine/order-manager.js';
import type { KillSwitch, KillSwitchTransition } from '../risk/kill-switch.js';
import type { RiskEvent } from '../risk/risk-manager.js';
import type { Strategy } from '../strategies/api.js';
import { OrderHolds, SessionControls, type NodeControls } from './admin/session-controls.js';
import { TradingNode } from './node.js';
import { PushBarSource } from './push-bar-source.js';
import { RiskGate } from './risk-gate.js';
import type { SessionFiles } from './session-files.js';
import { journalWithBroadcast, type SessionBroadcast } from './session-broadcast.js';
import { SessionBroadcastState } from './session-broadcast-state.js';
import { journalWithTelemetry, type SessionTelemetry } from './session-telemetry.js';
import type { CorporateAction } from '../universe/reference-files.js';
import type { ReflectedActions } from './corporate-action-open.js';
import { openCheck } from './session-open-check.js';

/** The execution side of a session: a venue's client, or the simulated exchange (which also learns prices from the bars). */
export interface SessionVenue {
  readonly execution: ExecutionClient;
  readonly market?: BarDrivenVenue;
}

export interface SessionOptions {
  readonly runId: string;
  readonly run: RunConfig;
  readonly strategy: Strategy;
  readonly params: Readonly<Record<string, unknown>>;
  readonly instrument: (symbol: string) => Instrument;
  readonly clock: EngineClock;
  readonly feed: LiveFeed;
  /** Point-in-time universe membership when the run names a universe (session-universe.ts). */
  readonly membership?: UniverseMembership;
  /** Builds the execution client for the session's account (the simulated exchange checks buying power against its equity). */
  readonly venue: (account: { readonly portfolio: Portfolio; readonly symbols: readonly string[] }) => SessionVenue;
  /** Where the OrderManager journals every order before it is sent. */
  readonly journal?: Ledger;
  readonly files: SessionFiles;
  readonly signal: AbortSignal;
  /**
   * Compares the ledger with the venue: at the start, then every `live.reconcile_every`. A
   * disagreement (`RISK_RECONCILE`) halts new entries (kill switch REDUCING) and the session goes
   * on; a broker that cannot be read counts as a venue error; anything else stops the session.
   */
  readonly reconcile?: () => Promise<void>;
  readonly onKillSwitch?: (t: KillSwitchTransition) => void;
  /** Each risk denial and kill-switch transition, as they happen (the ledger's risk events). */
  readonly onRiskEvent?: (e: RiskEvent) => void;
  /**
   * Started once the session trades, stopped (and awaited) when its feed ends: the watchdogs
   * (watchdogs/), which read the session through `SessionWatch` and may trip its kill switch.
   */
  readonly watch?: (session: SessionWatch) => () => Promise<void>;
  /** Extra entries of the record's config (the run, its source). */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly logger?: Logger;
  /**
   * The operator's hand on the running session (orchestration/admin): called once the session
   * trades with its controls (kill switch, limits, holds, orders); the returned function is
   * called when the feed has ended.
   */
  readonly control?: (node: NodeControls) => () => void;
  /** Metrics of the session as it trades (`momentic serve`'s Prometheus registry); none by default. */
  readonly telemetry?: SessionTelemetry;
  /**
   * What the session shows as it trades (the service's WebSocket feed): orders, fills, equity,
   * positions, signals and the kill switch; none by default.
   */
  readonly broadcast?: SessionBroadcast;
  /**
   * The workspace's corporate actions (data/reference/corporate-actions.csv): checked before each
   * day's first bar for the session's symbols (session-open-check.ts); none: nothing is checked.
   */
  readonly corporateActions?: readonly CorporateAction[];
  /** The corporate actions the feed's bars already carry (a replayed adjusted file); none by default. */
  readonly reflectedActions?: ReflectedActions;
  /** Wall ms between the OrderManager's timer checks while no bar comes (default 1000). */
  readonly tickMs?: number;
  /**
   * What the session did before a restart (its ledger): the client order ids it used, which new
   * ones continue after, and its fills, booked into the portfolio before the first bar.
   */
  readonly resume?: {
    readonly usedOrderIds: readonly string[];
    readonly fills: readonly Fill[];
    /** Orders still working at the venue, managed again (their fills booked and journaled). */
    readonly working?: readonly WorkingOrder[];
  };
}

/** What the watchdogs see of a running session, and the kill switch their actions trip. */
export interface SessionWatch {
  readonly symbols: readonly string[];
  readonly clock: EngineClock;
  readonly feed: LiveFeed;
  readonly killSwitch: KillSwitch;
  /** Bars received so far. */
  bars(): number;
  /** Start (epoch ms) of the newest bar of `symbol` received, live or history. */
  lastBar(symbol: string): number | undefined;
}

export interface SessionResult {
  readonly record: RunRecord;
  readonly risk: RiskGate;
  /** Bars received from the feed. */
  readonly bars: number;
  /** `feed`: the feed ended (a replay's last bar); `stopped`: the session was asked to stop. */
  readonly ended: 'feed' | 'stopped';
  /** What ended the session early (the feed failed, the strategy threw, the journal failed). */
  readonly error?: MomenticError;
}

/** The risk limits of a session: the run's, with `live.stale_after` as the kill switch's stale-data limit when set. */
export function sessionRiskLimits(run: RunConfig): RunConfig['risk']['limits'] {
  const stale = run.live.stale_after === null ? undefined : durationMs(run.live.stale_after);
  if (stale === undefined) return run.risk.limits;
  return { ...run.risk.limits, kill_switch: { ...run.risk.limits.kill_switch, stale_data_seconds: stale / 1000 } };
}

export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const { run, clock, feed, files } = o;
  const timeframe = run.data.timeframe;
  const barMs = TIMEFRAME_MS[timeframe];
  const source = new PushBarSource(feed.symbols);
  const symbols = source.symbols;
  const portfolio = new Portfolio({ maxLeverage: run.venue.max_leverage, initialCash: run.venue.cash, symbols });
  // A resumed session holds what it bought before the restart, and paid for it.
  for (const f of o.resume?.fills ?? []) portfolio.apply(f);
  // Warm-up history (bars delivered before the first live one) only warms indicators: no order
  // is placed on a bar the market has left behind, so a restart never acts on an old signal.
  let sawLive = false;
  let warmupThrough = -Infinity;
  // An operator's pause holds the strategy's new orders as the warm-up does (admin pause).
  const holds = new OrderHolds();
  const orderHold = (ts: number): string | undefined =>
    ts <= warmupThrough ? 'warm-up history: orders start with the first live bar' : holds.reason(o.strategy.name);
  const { execution, market } = o.venue({ portfolio, symbols });
  const fills: Fill[] = [];
  execution.subscribe((e) => {
    if (e.kind === 'filled' || e.kind === 'partially_filled') fills.push(e.fill);
  });
  const telemetry = o.telemetry;
  // Wall time (performance.now) at which the last live bar arrived: the start of bar-to-order latency.
  let lastBarAt: number | undefined;
  const shown = o.broadcast === undefined ? undefined : new SessionBroadcastState(o.broadcast, o.runId, symbols);
  const onKillSwitch =
    telemetry === undefined && shown === undefined
      ? o.onKillSwitch
      : (t: KillSwitchTransition): void => {
          telemetry?.killSwitch(t.to);
          shown?.killSwitch(t);
          o.onKillSwitch?.(t);
        };
  // Always guarded: every order of a session passes the risk manager with the run's limits.
  const risk = new RiskGate(
    sessionRiskLimits(run),
    timeframe === '1d' ? 'swing' : 'intraday',
    (s) => o.instrument(s).shortable !== false,
    onKillSwitch,
  );
  const measured =
    telemetry === undefined
      ? o.journal
      : journalWithTelemetry(o.journal, telemetry, () =>
          lastBarAt === undefined ? undefined : performance.now() - lastBarAt,
        );
  // The orders of a resumed session, placed before the restart, are known to the OrderManager only.
  let orderOf: (id: string) => OrderRequest | undefined = () => undefined;
  const journal =
    o.broadcast === undefined ? measured : journalWithBroadcast(measured, o.broadcast, o.runId, (id) => orderOf(id));
  const node = new TradingNode(
    { clock, source, execution, ...(market === undefined ? {} : { market }) },
    {
      runId: o.runId,
      strategy: o.strategy,
      params: o.params,
      portfolio,
      instrument: o.instrument,
      timeframe,
      ...(run.warmup === null ? {} : { warmup: run.warmup }),
      ...(o.membership === undefined ? {} : { membership: o.membership }),
      risk,
      ...(journal === undefined ? {} : { journal }),
      orderHold,
      ...(o.resume === undefined ? {} : { usedOrderIds: o.resume.usedOrderIds }),
      policies: {
        cancelAfterMs: run.orders.cancel_after_ms,
        minFillRatio: run.orders.min_fill_ratio,
        retries: run.orders.retries,
        retryBaseMs: run.orders.retry_base_ms,
        quietOpenMs: run.orders.quiet_open_ms,
        quietCloseMs: run.orders.quiet_close_ms,
      },
    },
  );
  const engine = node.engine;
  orderOf = (id) => engine.orders.order(id)?.request;
  if (o.resume?.working !== undefined) engine.orders.adopt(o.resume.working);
  const killSwitch = risk.manager.killSwitch;
  if (o.corporateActions !== undefined && o.corporateActions.length > 0) {
    source.beforeSlice = openCheck({
      actions: o.corporateActions,
      symbols,
      portfolio,
      engine,
      source,
      risk,
      ...(o.logger === undefined ? {} : { logger: o.logger }),
      ...(o.reflectedActions === undefined ? {} : { reflected: o.reflectedActions }),
      notify: (reason, ts) =>
        o.broadcast?.risk(o.runId, {
          state: killSwitch.state,
          reason,
          isPaused: holds.reason(o.strategy.name) !== undefined,
          ts,
        }),
    });
  }
  const controls = new SessionControls({
    strategy: o.strategy.name,
    symbols,
    clock,
    risk,
    orders: engine.orders,
    portfolio,
    holds,
  });
  if (telemetry !== undefined || shown !== undefined) {
    engine.orders.onDenied = (r, req) => {
      telemetry?.orderDenied(r.reason);
      shown?.denied(req, r);
    };
    telemetry?.killSwitch(killSwitch.state);
    shown?.start(killSwitch, () => holds.reason(o.strategy.name) !== undefined, clock.now());
  }
  // The session stops itself when something it cannot trade on happens (the strategy threw).
  const halt = new AbortController();
  const signal = AbortSignal.any([o.signal, halt.signal]);
  let error: MomenticError | undefined;
  const fail = (e: unknown): void => {
    error ??= toMomenticError(e);
    halt.abort();
  };
  const counts = new Map<string, number>(symbols.map((s) => [s, 0]));
  const lastBar = new Map<string, number>();
  let bars = 0;
  const sink: FeedSink = {
    bar(bar, arrivedAt, history = false) {
      if (signal.aborted) return;
      try {
        files.bar(bar, arrivedAt, history);
        controls.sawBar(bar.symbol, bar.ts);
        if (!history) sawLive = true;
        else if (!sawLive && bar.ts > warmupThrough) warmupThrough = bar.ts;
        // A live bar arriving long after its close is stale data: the kill switch stops new
        // exposure. History (warm-up, a gap's backfill) comes late on purpose.
        if (!history) {
          const now = clock.now();
          const age = now - (bar.ts + barMs);
          risk.onDataAge(age, now);
          if (telemetry !== undefined) {
            lastBarAt = performance.now();
            telemetry.bar(bar.symbol, age);
          }
        }
        source.push(bar);
        counts.set(bar.symbol, (counts.get(bar.symbol) ?? 0) + 1);
        lastBar.set(bar.symbol, bar.ts);
        bars++;
      } catch (e) {
        fail(e);
      }
    },
    closeThrough(ts) {
      if (signal.aborted) return;
      try {
        // The feed says no bar starting before `ts` will come; the source counts inclusively.
        source.closeThrough(ts - 1);
      } catch (e) {
        fail(e);
      }
    },
    reconnecting() {
      telemetry?.streamReconnect(feed.name);
    },
    // Read when the feed runs, after the strategy's init declared its warm-up.
    get warmupBars() {
      return engine.warmup;
    },
  };
  let riskSeen = 0;
  const write = (): void => {
    try {
      const events = risk.events;
      for (; riskSeen < events.length; riskSeen++) o.onRiskEvent?.(events[riskSeen] as RiskEvent);
      files.flush(engine, portfolio);
      shown?.step(engine, portfolio, clock.now());
      if (telemetry !== undefined) {
        telemetry.account({
          equity: portfolio.equity,
          cash: portfolio.cash,
          grossExposure: portfolio.grossExposure,
          netExposure: portfolio.netExposure,
        });
        telemetry.heartbeat(Date.now());
      }
    } catch (e) {
      fail(e);
    }
  };
  node.attach();
  const unfollow = source.onReady(write);
  const uncontrol = o.control?.(controls);
  const ticker = setInterval(() => {
    try {
      node.tick();
    } catch (e) {
      fail(e);
    }
    write();
  }, o.tickMs ?? 1000);
  let reconciler: ReturnType<typeof setInterval> | undefined;
  if (o.reconcile !== undefined) {
    const reconcile = o.reconcile;
    const every = durationMs(run.live.reconcile_every) ?? 300_000;
    const once = (): void => {
      reconcile().then(
        () => undefined,
        (e: unknown) => {
          const err = toMomenticError(e);
          if (err.code === 'RISK_RECONCILE') {
            // The books disagree in a way the session cannot explain: reported, and no new
            // exposure until someone looks (a reset by hand); open positions may still be reduced.
            killSwitch.trip('REDUCING', err.message, clock.now());
            o.logger?.warn({ reason: err.message }, 'reconciliation: new entries halted');
          } else if (err instanceof VenueError) {
            // The broker could not be read: a venue error like any other (N in a row halt).
            risk.onVenueError(`reconciliation: ${err.message}`, clock.now());
            o.logger?.warn({ error: err.message }, 'reconciliation could not read the broker');
          } else {
            fail(err);
          }
        },
      );
    };
    once();
    reconciler = setInterval(once, every);
  }
  const unwatch = o.watch?.({
    symbols,
    clock,
    feed,
    killSwitch,
    bars: () => bars,
    lastBar: (s) => lastBar.get(s),
  });
  try {
    await feed.run(sink, signal);
  } catch (e) {
    // The feed cannot go on (its stream lost past `live.stream_timeout`, authentication refused):
    // nothing may trade blind, so the kill switch halts.
    const err = toMomenticError(e);
    killSwitch.trip('HALTED', `the ${feed.name} feed stopped: ${err.message}`, clock.now());
    fail(err);
  } finally {
    clearInterval(ticker);
    if (reconciler !== undefined) clearInterval(reconciler);
    // No operator's command and no watchdog acts on a session whose feed has ended.
    uncontrol?.();
    await unwatch?.().catch(fail);
  }
  const ended = o.signal.aborted || error !== undefined ? 'stopped' : 'feed';
  try {
    // Whatever the feed delivered is stepped, then the strategy stops.
    source.end();
    node.detach();
  } catch (e) {
    fail(e);
  }
  write();
  unfollow();
  const prices = new Map<string, BarSeries>();
  symbols.forEach((s, slot) => {
    const c = source.columns(slot);
    const n = counts.get(s) ?? 0;
    prices.set(
      s,
      new Series(s, {
        ts: c.ts.slice(0, n),
        open: c.open.slice(0, n),
        high: c.high.slice(0, n),
        low: c.low.slice(0, n),
        close: c.close.slice(0, n),
        volume: c.volume.slice(0, n),
      }),
    );
  });
  for (const e of risk.events)
    if (e.kind === 'kill_switch') o.logger?.warn({ ts: e.ts, reason: e.reason }, 'kill switch');
  const record = buildRunRecord({
    runId: o.runId,
    strategy: o.strategy.name,
    params: o.params,
    config: {
      cash: run.venue.cash,
      fill: run.venue.fill,
      fees: run.venue.fees,
      slippage: run.venue.slippage,
      latency_ms: run.venue.latency_ms,
      participation: run.venue.participation,
      price_rounding: run.venue.price_rounding,
      warmup: engine.warmup,
      ...o.config,
    },
    symbols,
    calendars: symbols.map((s) => o.instrument(s).calendar),
    timeframe,
    portfolio,
    orders: engine.orders.records(),
    fills,
    signals: engine.signals,
    prices,
    timings: { bars: engine.barsProcessed },
  });
  return { record, risk, bars, ended, ...(error === undefined ? {} : { error }) };
}
