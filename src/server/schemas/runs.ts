import { z } from 'zod';
import { OrderStatus, TradingMode } from '../../core/enums.js';
import { RunStatus, type LedgerRun, type RunCounts } from '../../store/types.js';
import { finiteOrNull, iso, isoOrNull } from './common.js';

/** A run as `momentic runs ls --json` prints it. */
export const runSummary = z
  .object({
    run_id: z.string(),
    kind: z.enum(Object.values(TradingMode)),
    strategy: z.string(),
    start: z.string().nullable().describe("first date of the run's data, as given"),
    end: z.string().nullable(),
    status: z.enum(Object.values(RunStatus)),
    trades: z.number().nullable(),
    total_return: z.number().nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    result_dir: z.string().nullable(),
  })
  .meta({ id: 'RunSummary' });

const record = z.record(z.string(), z.unknown());

export const runCounts = z.object({
  orders: z.number().int(),
  orders_by_status: z.partialRecord(z.enum(Object.values(OrderStatus)), z.number().int()),
  order_events: z.number().int(),
  fills: z.number().int(),
  positions: z.number().int(),
  equity_snapshots: z.number().int(),
  risk_events: z.number().int(),
});

/** A run with its spec, params, metrics, ledger counts and which result files it has. */
export const runDetail = runSummary
  .extend({
    params: record,
    spec: record,
    metrics: record.nullable(),
    counts: runCounts,
    files: z.array(z.string()).describe('result files present in its folder (equity.csv, report.html, ...)'),
  })
  .meta({ id: 'RunDetail' });

const num = (v: unknown): number | null => (typeof v === 'number' ? finiteOrNull(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toRunSummary(run: LedgerRun): z.infer<typeof runSummary> {
  // A RunConfig keeps its dates under `data`; older flat specs at the top.
  const data = (run.spec.data ?? run.spec) as Record<string, unknown>;
  return {
    run_id: run.id,
    kind: run.kind,
    strategy: run.strategy,
    start: str(data.start),
    end: str(data.end),
    status: run.status,
    trades: num(run.metrics?.trades),
    total_return: num(run.metrics?.total_return),
    started_at: iso(run.startedAt),
    finished_at: isoOrNull(run.finishedAt),
    result_dir: run.resultDir ?? null,
  };
}

export function toRunCounts(c: RunCounts): z.infer<typeof runCounts> {
  return {
    orders: c.orders,
    orders_by_status: c.ordersByStatus,
    order_events: c.orderEvents,
    fills: c.fills,
    positions: c.positions,
    equity_snapshots: c.equitySnapshots,
    risk_events: c.riskEvents,
  };
}
