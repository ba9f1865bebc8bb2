import { basename } from 'node:path';
import { DataError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import type { LedgerRun, RunCounts } from '../../store/types.js';
import type { CommandContext } from '../context.js';
import { withLedger } from '../ledger-access.js';
import { isoUtc, numberFlag } from '../options.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A strategy file is shown by its name, as `backtest` prints it. */
const strategyName = (s: string): string => (/[/\\]/.test(s) ? basename(s) : s);

/** The run's dates: a RunConfig keeps them under `data`, older flat specs at the top. */
function period(run: LedgerRun): { start: string | null; end: string | null } {
  const data = (run.spec.data ?? run.spec) as Record<string, unknown>;
  return { start: str(data.start) ?? null, end: str(data.end) ?? null };
}

export function limitFlag(v: unknown, fallback: number): number {
  return v === undefined ? fallback : numberFlag(v, '--limit', { integer: true, min: 1, example: '--limit 20' });
}

function runJson(run: LedgerRun) {
  const { start, end } = period(run);
  return {
    run_id: run.id,
    kind: run.kind,
    strategy: run.strategy,
    start,
    end,
    status: run.status,
    trades: num(run.metrics?.trades),
    total_return: num(run.metrics?.total_return),
    started_at: isoUtc(run.startedAt),
    finished_at: run.finishedAt === undefined ? null : isoUtc(run.finishedAt),
    result_dir: run.resultDir ?? null,
  };
}

/** `momentic runs ls`: the runs in the ledger, most recently started first. */
export async function runsLs(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const limit = limitFlag(opts.limit, 20);
  const kind = str(opts.kind);
  return withLedger(ctx, async (ledger) => {
    const runs = await ledger.listRuns({ limit, ...(kind === undefined ? {} : { kind }) });
    if (ctx.json) {
      ctx.outJson(runs.map(runJson));
      return 0;
    }
    if (runs.length === 0) {
      ctx.out(`no runs in the ledger at ${ledger.location} (momentic backtest records one)`);
      return 0;
    }
    const rows = runs.map((r) => {
      const j = runJson(r);
      return [
        r.id,
        r.kind,
        strategyName(r.strategy),
        j.start === null ? isoUtc(r.startedAt).slice(0, 10) : `${j.start}..${j.end ?? ''}`,
        r.status,
        j.trades === null ? '' : String(j.trades),
        j.total_return === null ? '' : `${(j.total_return * 100).toFixed(2)}%`,
      ];
    });
    ctx.out(formatTable(['run', 'kind', 'strategy', 'period', 'status', 'trades', 'total return'], rows));
    return 0;
  });
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function countsJson(c: RunCounts) {
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

/** `momentic runs show RUN_ID`: the run's spec, metrics, record counts and results folder. */
export async function runsShow(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const id = String(opts.runId);
  return withLedger(ctx, async (ledger) => {
    const run = await ledger.getRun(id);
    if (run === undefined) {
      throw new DataError('LEDGER_NOT_FOUND', `no run ${id} in the ledger at ${ledger.location}`, {
        hint: 'momentic runs ls lists the recorded runs',
        context: { value: id },
      });
    }
    const counts = await ledger.runCounts(id);
    if (ctx.json) {
      ctx.outJson({
        ...runJson(run),
        params: run.params,
        spec: run.spec,
        metrics: run.metrics ?? null,
        counts: countsJson(counts),
      });
      return 0;
    }
    const byStatus = Object.entries(counts.ordersByStatus)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const head: [string, string][] = [
      ['run', run.id],
      ['kind', run.kind],
      ['strategy', run.strategy],
      ['status', run.status],
      ['started', isoUtc(run.startedAt)],
      ['finished', run.finishedAt === undefined ? '' : isoUtc(run.finishedAt)],
      ['results', run.resultDir ?? ''],
      ['orders', `${counts.orders}${byStatus === '' ? '' : ` (${byStatus})`}`],
      ['order events', String(counts.orderEvents)],
      ['fills', String(counts.fills)],
      ['positions', String(counts.positions)],
      ['equity snapshots', String(counts.equitySnapshots)],
      ['risk events', String(counts.riskEvents)],
    ];
    const section = (title: string, o: Readonly<Record<string, unknown>> | undefined): string[] =>
      o === undefined || Object.keys(o).length === 0
        ? []
        : [
            '',
            title,
            ...formatTable(
              ['', ''],
              Object.entries(o).map(([k, v]) => [`  ${k}`, show(v)]),
            )
              .split('\n')
              .slice(1),
          ];
    ctx.out(
      [
        ...formatTable(['', ''], head).split('\n').slice(1),
        ...section('params', run.params),
        ...section('spec', run.spec),
        ...section('metrics', run.metrics),
      ].join('\n'),
    );
    return 0;
  });
}
