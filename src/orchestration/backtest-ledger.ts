import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toMomenticError, type MomenticError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import type { RunRecord } from '../backtest/run-record.js';
import { createLedger, describeTarget, ledgerTarget, type RunRecording } from '../store/index.js';

/** What recording a backtest in the ledger came to; a failure never costs the results files. */
export type LedgerOutcome =
  | { readonly recorded: true; readonly location: string; readonly ms: number }
  | { readonly recorded: false; readonly location?: string; readonly error: MomenticError };

/** The OrderTracker's records of orders denied before the venue (risk, warm-up, a reused id) have ids `denied-N`. */
const isDenied = (venueId: string): boolean => venueId.startsWith('denied-');

/**
 * A finished backtest as the ledger records it: the run, every order in its final state with
 * its transitions, and the fills. An order the simulated venue never had (denied before it) is
 * not `sent`. A client order id used twice in one run (the second use is denied) is stored the
 * second time as `ID#2` (then `#3`...), so the ledger keeps one order per id.
 */
export function recordingOf(
  record: RunRecord,
  o: {
    readonly spec: Readonly<Record<string, unknown>>;
    readonly metrics: Readonly<Record<string, unknown>>;
    readonly dir: string;
    readonly startedAt: number;
    readonly finishedAt: number;
  },
): RunRecording {
  const uses = new Map<string, number>();
  const orders = record.orders.map((r) => {
    const n = (uses.get(r.clientOrderId) ?? 0) + 1;
    uses.set(r.clientOrderId, n);
    const sent = !isDenied(r.id);
    const { id, avgFillPrice, history, ...rest } = r;
    return {
      order: {
        ...rest,
        clientOrderId: n === 1 ? r.clientOrderId : `${r.clientOrderId}#${n}`,
        avgPrice: avgFillPrice,
        ...(sent ? { venueOrderId: id, sentAt: r.createdAt } : {}),
        sent,
      },
      events: history,
    };
  });
  return {
    run: {
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
    },
    orders,
    fills: record.fills ?? [],
  };
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
    location = describeTarget(ledgerTarget(config.database.url, home));
    const ledger = await createLedger(config, home);
    try {
      await ledger.recordRun(recording);
    } finally {
      await ledger.close();
    }
    return { recorded: true, location, ms: performance.now() - t0 };
  } catch (e) {
    return { recorded: false, ...(location === undefined ? {} : { location }), error: toMomenticError(e) };
  }
}
