/**
 * The checks after the day's trading. Reconcile: the ledger's book against the venue's (paper:
 * the simulated exchange's book at the day's end, recorded by the trade step; live: the broker's,
 * read now, as `momentic live` reconciles). Drift: the book's session replayed through the
 * backtester (`momentic drift`): the same code on the same bars must decide the same. A
 * disagreement fails the step (exit 5) and the day; the report still tells it.
 */
import { RiskError } from '../../core/errors.js';
import { reconcile, type BookSnapshot, type ReconciliationReport } from '../../portfolio/reconcile.js';
import type { LedgerStore } from '../../store/ledger.js';
import { AlpacaTradingApi } from '../../venues/alpaca/trading/trading-api.js';
import { alpacaBroker } from '../alpaca-session.js';
import { runDriftJob } from '../drift-job.js';
import { describeDisagreement } from '../live-job.js';
import { reconcileSession } from '../reconcile-apply.js';
import { dayWindow } from './book.js';
import type { StepContext, StepOutcome } from './step-context.js';
import type { SimulatedBook } from './trade-step.js';

/** The book the trade step of the day traded (it must have run). */
function bookOf(ctx: StepContext): string {
  const book = ctx.outputsOf('trade')?.['book'];
  if (typeof book !== 'string') {
    throw new RiskError('RISK_RECONCILE', `the trade step of ${ctx.date} recorded no book to check`, {
      hint: `run the day's trade step first: momentic pipeline daily --date ${ctx.date} --force trade`,
      context: { value: ctx.date },
    });
  }
  return book;
}

/** The ledger's side: the book's open orders and positions. */
async function ledgerBook(ledger: LedgerStore, book: string): Promise<BookSnapshot> {
  const open = await ledger.loadOpenState(book);
  return {
    orders: open.orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      status: o.status,
      filledQty: o.filledQty,
      sent: o.sent,
    })),
    positions: (await ledger.positions(book)).map((p) => ({ symbol: p.symbol, qty: p.qty })),
  };
}

/** The ledger's positions against the sum of its own fills (each fill booked once, and only once). */
async function fillsAgree(ledger: LedgerStore, book: string): Promise<string[]> {
  const net = new Map<string, number>();
  for (const f of await ledger.listFills(book))
    net.set(f.symbol, (net.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
  const held = new Map((await ledger.positions(book)).map((p) => [p.symbol, p.qty]));
  const out: string[] = [];
  for (const symbol of [...new Set([...net.keys(), ...held.keys()])].sort()) {
    const a = net.get(symbol) ?? 0;
    const b = held.get(symbol) ?? 0;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))
      out.push(`${symbol}: the fills add up to ${a}, the position is ${b}`);
  }
  return out;
}

function describe(r: ReconciliationReport): string[] {
  return [
    ...r.orders.missing.map((o) => `order ${o.clientOrderId} is open in the ledger, not at the venue`),
    ...r.orders.extra.map((o) => `order ${o.clientOrderId} (${o.side} ${o.qty} ${o.symbol}) is open at the venue only`),
    ...r.orders.mismatched.map(
      (m) =>
        `order ${m.clientOrderId}: ${m.differences.map((d) => `${d.field} ledger ${d.ledger}, venue ${d.broker}`).join(', ')}`,
    ),
    ...r.positions.missing.map((p) => `${p.symbol}: the ledger holds ${p.qty}, the venue nothing`),
    ...r.positions.extra.map((p) => `${p.symbol}: the venue holds ${p.qty}, the ledger nothing`),
    ...r.positions.mismatched.map((p) => `${p.symbol}: the ledger holds ${p.ledgerQty}, the venue ${p.brokerQty}`),
  ];
}

export async function reconcileStep(ctx: StepContext): Promise<StepOutcome> {
  const book = bookOf(ctx);
  const problems = await fillsAgree(ctx.ledger, book);
  let outputs: Record<string, unknown>;
  if (ctx.pipeline.trade.mode === 'live') {
    const outcome = await reconcileSession(
      ctx.ledger,
      book,
      alpacaBroker(
        new AlpacaTradingApi({ config: ctx.config, env: ctx.env, home: ctx.home }),
        (ctx.outputsOf('trade')?.['symbols'] as string[] | undefined) ?? [],
      ),
      { since: dayWindow(ctx.date).from, now: ctx.now(), adopt: false },
    );
    if (!outcome.canTrade) problems.push(describeDisagreement(outcome));
    outputs = { venue: 'alpaca', book, adopted_fills: outcome.plan.adoptFills.length, clean: outcome.plan.clean };
  } else {
    const simulated = ctx.outputsOf('trade')?.['simulated_book'] as SimulatedBook | undefined;
    const ledger = await ledgerBook(ctx.ledger, book);
    if (simulated === undefined) {
      // The day was traded by an attempt that stopped before recording the simulated book: the
      // exchange of that day is gone, only the ledger's own consistency can be checked.
      outputs = { venue: 'simulated', book, simulated_book: 'not recorded', open_orders: ledger.orders.length };
    } else {
      const venue: BookSnapshot = {
        orders: simulated.open_orders.map((o) => ({
          clientOrderId: o.client_order_id,
          symbol: o.symbol,
          side: o.side,
          qty: o.qty,
          status: o.status,
          filledQty: o.filled_qty,
        })),
        positions: Object.entries(simulated.positions).map(([symbol, qty]) => ({ symbol, qty })),
      };
      const r = reconcile(ledger, venue);
      problems.push(...describe(r));
      outputs = {
        venue: 'simulated',
        book,
        open_orders: ledger.orders.length,
        positions: ledger.positions.filter((p) => p.qty !== 0).length,
        clean: r.isClean,
      };
    }
  }
  outputs = { ...outputs, differences: problems };
  if (problems.length === 0) return { outputs };
  return {
    outputs,
    failure: new RiskError('RISK_RECONCILE', `the ledger and the venue's book disagree: ${problems.join('; ')}`, {
      hint: `look at the book's orders (momentic orders ls --run ${book}); a disagreement the fills do not explain is a bug to report`,
      context: { value: book },
    }),
  };
}

export async function driftStep(ctx: StepContext): Promise<StepOutcome> {
  const book = bookOf(ctx);
  const r = await runDriftJob({
    home: ctx.home,
    config: ctx.config,
    sessionId: book,
    toleranceBps: ctx.pipeline.drift.toleranceBps,
  });
  const d = r.report;
  const outputs = {
    book,
    ok: d.ok,
    orders: d.orders,
    signals: d.signals,
    order_differences: d.orderDifferences,
    signal_differences: d.signalDifferences.length,
    slippage: d.slippage,
    pnl: d.pnl,
    html: r.files.html,
    json: r.files.json,
  };
  if (d.ok) return { outputs };
  return {
    outputs,
    failure: new RiskError(
      'DRIFT_DETECTED',
      `the book ${book} drifted from its replay: ${d.orderDifferences.length} order and ${d.signalDifferences.length} signal differences, ${d.slippage.over.length} fills past ${d.slippage.toleranceBps} bps`,
      {
        hint: `every difference is in ${r.files.html}; a different decision on the same bars is a bug to report, slippage past the tolerance is the market's (drift.tolerance_bps raises it)`,
        context: { value: book },
      },
    ),
  };
}
