import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toMomenticError, type MomenticError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import type { RunRecord } from '../backtest/run-record.js';
import { describeTarget, ledgerTarget } from '../store/connect.js';
import type { LedgerOrder, RunRecording } from '../store/types.js';

/** What recording a backtest in the ledger came to; a failure never costs the results files. */
export type LedgerOutcome =
  | { readonly recorded: true; readonly location: string; readonly ms: number }
  | { readonly recorded: false; readonly location?: string; readonly error: MomenticError };

/** The OrderManager's records of orders denied before the venue (risk, warm-up, a reused id) have ids `denied-N`. */
const isDenied = (venueId: string): boolean => venueId.startsWith('denied-');

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The order as the ledger keeps it: every field of the record but its venue id (as
 * `venueOrderId` when sent), average fill price (as `avgPrice`) and history. Built field by field
 * (optional ones only when set) rather than by copying the record, which is measurable over the
 * tens of thousands of orders of a long backtest.
 */
function ledgerOrderOf(r: RunRecord['orders'][number], use: number): Omit<LedgerOrder, 'runId'> {
  const sent = !isDenied(r.id);
  const o: Writable<Omit<LedgerOrder, 'runId'>> = {
    clientOrderId: use === 1 ? r.clientOrderId : `${r.clientOrderId}#${use}`,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    qty: r.qty,
    tif: r.tif,
    status: r.status,
    filledQty: r.filledQty,
    avgPrice: r.avgFillPrice,
    fees: r.fees,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    sent,
  };
  if (sent) {
    o.venueOrderId = r.id;
    o.sentAt = r.createdAt;
  }
  if (r.limitPrice !== undefined) o.limitPrice = r.limitPrice;
  if (r.stopPrice !== undefined) o.stopPrice = r.stopPrice;
  if (r.trailAmount !== undefined) o.trailAmount = r.trailAmount;
  if (r.trailPercent !== undefined) o.trailPercent = r.trailPercent;
  if (r.orderClass !== undefined) o.orderClass = r.orderClass;
  if (r.takeProfit !== undefined) o.takeProfit = r.takeProfit;
  if (r.stopLoss !== undefined) o.stopLoss = r.stopLoss;
  if (r.strategy !== undefined) o.strategy = r.strategy;
  if (r.tag !== undefined) o.tag = r.tag;
  if (r.reason !== undefined) o.reason = r.reason;
  if (r.parentId !== undefined) o.parentId = r.parentId;
  return o;
}

interface RunFacts {
  readonly spec: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly dir: string;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/**
 * Turns a backtest's order records, in creation order, into the ledger's orders with their
 * transitions, numbering a client order id's second and later uses.
 */
function ledgerOrders(): (records: readonly RunRecord['orders'][number][]) => RunRecording['orders'][number][] {
  const uses = new Map<string, number>();
  return (records) =>
    records.map((r) => {
      const n = (uses.get(r.clientOrderId) ?? 0) + 1;
      uses.set(r.clientOrderId, n);
      return { order: ledgerOrderOf(r, n), events: r.history };
    });
}

/** The orders (with their transitions) and fills of a finished backtest, as the ledger keeps them. */
function contentOf(record: RunRecord): Omit<RunRecording, 'run'> {
  return { orders: ledgerOrders()(record.orders), fills: record.fills ?? [] };
}

function runOf(record: RunRecord, o: RunFacts): RunRecording['run'] {
  return {
    id: record.runId,
    kind: 'backtest',
    strategy: typeof o.spec.strategy === 'string' ? o.spec.strategy : record.strategy,
    params: record.params,
    spec: o.spec,
    startedAt: o.startedAt,
    finishedAt: o.finishedAt,
    status: 'finished',
    metrics: o.metrics,
    resultDir: resolve(o.dir),
  };
}

/**
 * A finished backtest as the ledger records it: the run, every order in its final state with
 * its transitions, and the fills. An order the simulated venue never had (denied before it) is
 * not `sent`. A client order id used twice in one run (the second use is denied) is stored the
 * second time as `ID#2` (then `#3`...), so the ledger keeps one order per id.
 */
export function recordingOf(record: RunRecord, o: RunFacts): RunRecording {
  return { run: runOf(record, o), ...contentOf(record) };
}

/** Records a finished backtest (one transaction); any failure comes back as a value with the error. */
export async function recordBacktest(
  config: Pick<Config, 'database'>,
  home: string,
  recording: RunRecording,
): Promise<LedgerOutcome> {
  let location: string | undefined;
  const t0 = performance.now();
  try {
    const target = ledgerTarget(config.database.url, home);
    location = describeTarget(target);
    // Loaded here: a run that records nothing (a replay) never loads the ledger's drivers.
    const { recordRunAt } = await import('../store/record-run.js');
    await recordRunAt(target, recording);
    return { recorded: true, location, ms: performance.now() - t0 };
  } catch (e) {
    return { recorded: false, ...(location === undefined ? {} : { location }), error: toMomenticError(e) };
  }
}

/** A backtest's recording under way (`BacktestRecorder.start`). */
export interface PendingBacktestRecording {
  /** Completes and commits it with the facts known once the results files are written. */
  finish(o: RunFacts): Promise<LedgerOutcome>;
  /** Gives it up (the results files could not be written): nothing is recorded. */
  abandon(): void;
}

/**
 * A backtest's recording fed while the engine runs (`BacktestRecorder.begin`): the orders that
 * have ended, in creation order, and the fills booked so far are handed over as they come, so
 * the ledger writes them while the run and its results files are still being made.
 */
export interface BacktestRecordSink {
  /** Orders in their final state, continuing the creation order, and fills continuing the booking order. */
  add(orders: readonly RunRecord['orders'][number][], fills: readonly NonNullable<RunRecord['fills']>[number][]): void;
}

/** A backtest's recording begun before the run ended. */
export interface StreamingBacktestRecording {
  /** What the run hands its ended orders and fills to. */
  readonly sink: BacktestRecordSink;
  /** Completes and commits it with the finished run and the facts known once its files are written. */
  finish(record: RunRecord, o: RunFacts): Promise<LedgerOutcome>;
  /** Gives it up (the run failed, or its files could not be written): nothing is recorded. */
  abandon(): void;
}

/** Where a backtest will be recorded, made ready while it runs (`prepareBacktestRecording`). */
export interface BacktestRecorder {
  /** Starts recording the finished run: its rows are written while the results files are. */
  start(record: RunRecord): PendingBacktestRecording;
  /** Starts recording a run that is still going: `sink` takes its orders and fills as they end. */
  begin(runId: string): StreamingBacktestRecording;
  /** Gives the recorder up when the run failed before `start`. */
  close(): void;
}

/**
 * Makes the workspace's ledger ready to record a backtest that is still running (on the SQLite
 * file, the worker thread that will write it starts now), so that recording overlaps the results
 * files: `start` hands it the orders and fills as soon as the engine is done, and the returned
 * recording's `finish` adds the run's row with its metrics and end time and commits, after the
 * files. The ledger still never lists a run before its results folder is complete, and a failure
 * is still a value, never fatal. `ms` in the outcome is what recording adds to the run: `start`,
 * then the wait from `finish` to the commit.
 */
export async function prepareBacktestRecording(
  config: Pick<Config, 'database'>,
  home: string,
  options: { readonly workerUrl?: URL } = {},
): Promise<BacktestRecorder> {
  let location: string | undefined;
  const failed = (e: unknown): LedgerOutcome => ({
    recorded: false,
    ...(location === undefined ? {} : { location }),
    error: toMomenticError(e),
  });
  const failedRecorder = (e: unknown): BacktestRecorder => {
    const outcome = failed(e);
    const pending = { finish: async () => outcome, abandon: () => undefined };
    return {
      start: () => pending,
      begin: () => ({ ...pending, sink: { add: () => undefined } }),
      close: () => undefined,
    };
  };
  try {
    const target = ledgerTarget(config.database.url, home);
    location = describeTarget(target);
    const where = location;
    const { prepareRecordingAt } = await import('../store/record-run.js');
    const slot = prepareRecordingAt(target, options);
    return {
      start(record) {
        const started = performance.now();
        try {
          const pending = slot.start(record.runId, contentOf(record));
          const startMs = performance.now() - started;
          return {
            async finish(o) {
              const t0 = performance.now();
              try {
                await pending.finish(runOf(record, o));
                return { recorded: true, location: where, ms: startMs + performance.now() - t0 };
              } catch (e) {
                return failed(e);
              }
            },
            abandon: () => pending.abandon(),
          };
        } catch (e) {
          return failedRecorder(e).start(record);
        }
      },
      begin(runId) {
        const started = performance.now();
        let broken: unknown;
        let pending: ReturnType<typeof slot.begin> | undefined;
        try {
          pending = slot.begin(runId);
        } catch (e) {
          broken = e;
        }
        const orders = ledgerOrders();
        const beginMs = performance.now() - started;
        return {
          sink: {
            add(records, fills) {
              if (pending === undefined || broken !== undefined) return;
              try {
                pending.add(orders(records), fills);
              } catch (e) {
                // Bad content: nothing is recorded, the run goes on and reports it at the end.
                broken = e;
              }
            },
          },
          async finish(record, o) {
            if (pending === undefined || broken !== undefined) return failed(broken);
            const t0 = performance.now();
            try {
              await pending.finish(runOf(record, o));
              // The hand-overs during the run are in the engine's time, so `ms` leaves them out.
              return { recorded: true, location: where, ms: beginMs + performance.now() - t0 };
            } catch (e) {
              return failed(e);
            }
          },
          abandon: () => pending?.abandon(),
        };
      },
      close: () => slot.close(),
    };
  } catch (e) {
    return failedRecorder(e);
  }
}
