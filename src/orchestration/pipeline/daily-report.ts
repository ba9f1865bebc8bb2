/**
 * The daily report's content (report.json; daily-report-html.ts renders it): the day's status
 * and why it failed, each step's timing, the book's equity and P&L, positions, the day's orders
 * and fills, risk events and the kill switch, data quality per symbol, reconciliation and drift,
 * and links to the days before. Read from the ledger and the workspace, never from memory, so a
 * report written again (a rerun, `--force report`) tells the same day the same way.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IsoDate } from '../../core/dates.js';
import { dateToTs } from '../../data/schema.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { PipelineStep } from '../../store/pipeline-types.js';
import { readKillSwitch } from '../kill-switch-file.js';
import { dayActivity, dayEquity, dayWindow, findBook } from './book.js';
import { PIPELINE_STEPS } from './step-context.js';

export const DAILY_REPORT_FILES = { json: 'report.json', html: 'report.html', index: 'index.html' } as const;

/** `data/reports/{pipeline}/`: one folder per day, and the index of the days. */
export function reportsDir(home: string, pipeline: string): string {
  return join(home, 'data', 'reports', pipeline);
}

const iso = (ts: number | undefined): string | null => (ts === undefined ? null : new Date(ts).toISOString());
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

export interface DailyReport {
  readonly pipeline: string;
  readonly date: IsoDate;
  readonly status: 'done' | 'failed';
  readonly generated_at: string;
  readonly failure: {
    readonly step: string;
    readonly code: string;
    readonly message: string;
    readonly hint: string;
    readonly exit_code: number;
  } | null;
  /** Trading steps that did not run, and why. */
  readonly not_run: readonly { readonly step: string; readonly reason: string }[];
  readonly links: { readonly index: string; readonly previous: string | null; readonly previous_date: string | null };
  readonly steps: readonly {
    readonly step: string;
    readonly status: string;
    readonly attempts: number;
    readonly started_at: string | null;
    readonly ended_at: string | null;
    readonly duration_ms: number | null;
    readonly error: string | null;
  }[];
  readonly book: { readonly id: string; readonly mode: string; readonly dir: string } | null;
  readonly pnl: {
    readonly equity: number | null;
    readonly previous_equity: number | null;
    readonly day_pnl: number | null;
    readonly day_return: number | null;
    readonly cash: number | null;
    readonly gross_exposure: number | null;
    readonly net_exposure: number | null;
  };
  readonly equity_curve: readonly { readonly date: string; readonly equity: number }[];
  readonly positions: readonly {
    readonly symbol: string;
    readonly qty: number;
    readonly avg_price: number | null;
    readonly realized_pnl: number;
    readonly fees: number;
  }[];
  readonly orders: readonly Record<string, unknown>[];
  readonly fills: readonly Record<string, unknown>[];
  readonly risk: {
    readonly events: readonly Record<string, unknown>[];
    readonly kill_switch: { readonly state: string; readonly reason: string; readonly since: string } | null;
  };
  readonly data_quality: readonly Record<string, unknown>[];
  readonly fetch: Record<string, unknown> | null;
  readonly reconcile: Record<string, unknown> | null;
  readonly drift: Record<string, unknown> | null;
}

function stepRow(s: PipelineStep): DailyReport['steps'][number] {
  return {
    step: s.step,
    status: s.status,
    attempts: s.attempts,
    started_at: iso(s.startedAt),
    ended_at: iso(s.endedAt),
    duration_ms: s.startedAt === undefined || s.endedAt === undefined ? null : s.endedAt - s.startedAt,
    error: s.error === undefined ? null : `${s.error.code}: ${s.error.message}`,
  };
}

/** The day as the ledger has it now; the report step's own row is `running` while it writes. */
export async function buildDailyReport(o: {
  readonly ledger: LedgerStore;
  readonly home: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly date: IsoDate;
  readonly now: number;
}): Promise<DailyReport> {
  const { ledger, date, pipeline } = o;
  const steps = await ledger.pipelineSteps(pipeline, date);
  const byName = new Map(steps.map((s) => [s.step, s]));
  const failed = steps.find((s) => s.status === 'failed');
  const outputsOf = (name: string): Record<string, unknown> | null => {
    const s = byName.get(name);
    return s?.outputs === undefined ? null : { ...s.outputs };
  };
  const notRun = PIPELINE_STEPS.filter((s) => byName.get(s)?.status === 'skipped').map((s) => ({
    step: s,
    reason: String(byName.get(s)?.outputs?.['reason'] ?? 'an earlier step failed'),
  }));
  const dir = join(reportsDir(o.home, pipeline), date);
  const earlier = (await ledger.pipelineDays(pipeline)).filter((d) => d.date < date).map((d) => d.date);
  const previous = earlier.find((d) => existsSync(join(reportsDir(o.home, pipeline), d, DAILY_REPORT_FILES.html)));

  const traded = outputsOf('trade');
  const book = typeof traded?.['book'] === 'string' ? traded['book'] : await findBook(ledger, pipeline);
  let pnl: DailyReport['pnl'] = {
    equity: null,
    previous_equity: null,
    day_pnl: null,
    day_return: null,
    cash: null,
    gross_exposure: null,
    net_exposure: null,
  };
  let curve: DailyReport['equity_curve'] = [];
  let positions: DailyReport['positions'] = [];
  let orders: DailyReport['orders'] = [];
  let fills: DailyReport['fills'] = [];
  let events: DailyReport['risk']['events'] = [];
  let bookInfo: DailyReport['book'] = null;
  if (book !== undefined) {
    const run = await ledger.getRun(book);
    const cash0 = Number((run?.spec['venue'] as { cash?: number } | undefined)?.cash ?? NaN);
    const eq = await dayEquity(ledger, book, date);
    // The book's first day is measured from its starting cash.
    const base = eq.previous?.equity ?? cash0;
    if (eq.day !== undefined) {
      const dayPnl = Number.isFinite(base) ? eq.day.equity - base : NaN;
      pnl = {
        equity: round(eq.day.equity),
        previous_equity: Number.isFinite(base) ? round(base) : null,
        day_pnl: Number.isFinite(dayPnl) ? round(dayPnl) : null,
        day_return: Number.isFinite(dayPnl) && base !== 0 ? round(dayPnl / base, 6) : null,
        cash: round(eq.day.cash),
        gross_exposure: round(eq.day.grossExposure),
        net_exposure: round(eq.day.netExposure),
      };
    }
    curve = eq.all
      .filter((s) => s.ts <= dateToTs(date))
      .map((s) => ({ date: new Date(s.ts).toISOString().slice(0, 10), equity: round(s.equity) }));
    positions = (await ledger.positions(book))
      .filter((p) => p.qty !== 0)
      .map((p) => ({
        symbol: p.symbol,
        qty: p.qty,
        avg_price: Number.isNaN(p.avgPrice) ? null : round(p.avgPrice, 4),
        realized_pnl: round(p.realizedPnl),
        fees: round(p.fees),
      }));
    const activity = await dayActivity(ledger, book, date);
    orders = activity.orders.map((x) => ({
      client_order_id: x.clientOrderId,
      symbol: x.symbol,
      side: x.side,
      type: x.type,
      qty: x.qty,
      status: x.status,
      filled_qty: x.filledQty,
      avg_price: Number.isNaN(x.avgPrice) ? null : round(x.avgPrice, 4),
      created_at: iso(x.createdAt),
      ...(x.reason === undefined ? {} : { reason: x.reason }),
    }));
    fills = activity.fills.map((f) => ({
      client_order_id: f.clientOrderId,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: round(f.price, 4),
      fee: round(f.fee, 4),
      ts: iso(f.ts),
    }));
    const { from, to } = dayWindow(date);
    events = (await ledger.riskEvents(book))
      .filter((e) => e.ts >= from && e.ts < to)
      .map((e) => ({
        ts: iso(e.ts),
        kind: e.kind,
        reason: e.reason,
        ...(e.check === undefined ? {} : { check: e.check }),
        ...(e.symbol === undefined ? {} : { symbol: e.symbol }),
      }));
    bookInfo = {
      id: book,
      mode: String(traded?.['mode'] ?? run?.kind ?? o.mode),
      dir: String(traded?.['dir'] ?? run?.resultDir ?? ''),
    };
  }
  const ks = readKillSwitch(o.home);
  const validated = byName.get('validate')?.outputs?.['symbols'];
  return {
    pipeline,
    date,
    status: steps.some((s) => s.status === 'failed' || s.status === 'skipped') ? 'failed' : 'done',
    generated_at: new Date(o.now).toISOString(),
    failure:
      failed?.error === undefined
        ? null
        : {
            step: failed.step,
            code: failed.error.code,
            message: failed.error.message,
            hint: failed.error.hint,
            exit_code: failed.error.exitCode,
          },
    not_run: notRun,
    links: {
      index: relative(dir, join(reportsDir(o.home, pipeline), DAILY_REPORT_FILES.index)),
      previous:
        previous === undefined
          ? null
          : relative(dir, join(reportsDir(o.home, pipeline), previous, DAILY_REPORT_FILES.html)),
      previous_date: previous ?? null,
    },
    steps: steps.map(stepRow),
    book: bookInfo,
    pnl,
    equity_curve: curve,
    positions,
    orders,
    fills,
    risk: { events, kill_switch: ks === undefined ? null : { state: ks.state, reason: ks.reason, since: ks.ts } },
    data_quality: Array.isArray(validated) ? (validated as Record<string, unknown>[]) : [],
    fetch: outputsOf('fetch'),
    reconcile: outputsOf('reconcile'),
    drift: outputsOf('drift'),
  };
}
