import type { Liquidity, OrderStatus, Side, TradingMode } from '../core/enums.js';
import type { OrderRequest } from '../core/order.js';

/**
 * The ledger's records (docs/ledger.md). Times are epoch ms; a price or quantity that does not
 * exist yet is NaN (an average fill price before the first fill); optional text is absent, not
 * empty. Every record of a trading session belongs to a run.
 */
export const RunStatus = { Running: 'running', Finished: 'finished', Failed: 'failed' } as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export interface NewRun {
  readonly id: string;
  readonly kind: TradingMode;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** What the run was asked to do (symbols, dates, costs...), as given. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly startedAt: number;
}

export interface RunEnd {
  readonly status: 'finished' | 'failed';
  readonly finishedAt: number;
  readonly metrics?: Readonly<Record<string, unknown>>;
  /** The results folder (backtests). */
  readonly resultDir?: string;
}

export interface LedgerRun extends NewRun {
  readonly status: RunStatus;
  readonly finishedAt?: number;
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly resultDir?: string;
}

/** An order as the ledger holds it: the request, its current state, and whether it went out. */
export interface LedgerOrder extends OrderRequest {
  readonly runId: string;
  readonly venueOrderId?: string;
  readonly status: OrderStatus;
  readonly filledQty: number;
  /** Volume-weighted fill price; NaN before the first fill. */
  readonly avgPrice: number;
  readonly fees: number;
  readonly reason?: string;
  readonly parentId?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** True once the venue has the order (or answered that it already had it). */
  readonly sent: boolean;
  readonly sentAt?: number;
}

/** One lifecycle transition of an order. */
export interface OrderEvent {
  readonly status: OrderStatus;
  readonly ts: number;
  readonly reason?: string;
}

export interface StatusChange extends OrderEvent {
  readonly venueOrderId?: string;
}

/** The outcome of a status change: refused (`applied: false`) when the order had already ended. */
export interface TransitionResult {
  readonly applied: boolean;
  readonly order: LedgerOrder;
}

export interface PersistResult {
  /** False when the order was already there (a retry): nothing was written. */
  readonly created: boolean;
  readonly order: LedgerOrder;
}

export interface NewFill {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly ts: number;
  readonly liquidity?: Liquidity;
  /** The venue's execution id: a fill with a known one is not booked again. */
  readonly execId?: string;
  /**
   * The order's cumulative filled quantity at the venue once this fill is counted. When given,
   * only the part beyond what the order has booked is booked (none when it has it all already):
   * the stream's fills and reconciliation's adopted executions of one order then never add up
   * to more than the venue filled, whichever is written first.
   */
  readonly cumQty?: number;
}

export interface LedgerFill extends NewFill {
  readonly runId: string;
}

export interface FillResult {
  /** False when the execution id was already booked (nothing changed). */
  readonly booked: boolean;
  readonly order: LedgerOrder;
  readonly position: LedgerPosition;
}

export interface LedgerPosition {
  readonly runId: string;
  readonly symbol: string;
  /** Signed: negative for a short. */
  readonly qty: number;
  /** Average cost of the open quantity; NaN when flat. */
  readonly avgPrice: number;
  /** Gross realized P&L (fees apart, as in docs/portfolio.md). */
  readonly realizedPnl: number;
  readonly fees: number;
  readonly updatedAt: number;
}

export interface EquitySnapshot {
  readonly runId: string;
  readonly ts: number;
  readonly equity: number;
  readonly cash: number;
  readonly grossExposure: number;
  readonly netExposure: number;
}

/** A risk denial, or a kill-switch transition (`fromState` -> `toState`). */
export interface LedgerRiskEvent {
  readonly runId?: string;
  readonly ts: number;
  readonly kind: 'denial' | 'kill_switch';
  readonly check?: string;
  readonly symbol?: string;
  readonly clientOrderId?: string;
  readonly fromState?: string;
  readonly toState?: string;
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Who did what, when: operator commands, config changes, manual kill-switch use. */
export interface AuditEntry {
  readonly ts: number;
  readonly actor: string;
  readonly action: string;
  readonly subject?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface OrderFilter {
  readonly runId?: string;
  readonly status?: OrderStatus;
  readonly symbol?: string;
  /** Most recent first; default 50. */
  readonly limit?: number;
  /** Skip this many of them first (paging); default 0. */
  readonly offset?: number;
}

export interface RunFilter {
  readonly kind?: string;
  readonly status?: RunStatus;
  /** Most recently started first; default 20. */
  readonly limit?: number;
  /** Skip this many of them first (paging); default 0. */
  readonly offset?: number;
}

/** What a restart needs: the orders not yet ended (sent or not) and the positions held. */
export interface OpenState {
  readonly orders: readonly LedgerOrder[];
  readonly positions: readonly LedgerPosition[];
}

export interface RunCounts {
  readonly orders: number;
  readonly ordersByStatus: Readonly<Partial<Record<OrderStatus, number>>>;
  readonly orderEvents: number;
  readonly fills: number;
  readonly positions: number;
  readonly equitySnapshots: number;
  readonly riskEvents: number;
}

/** A finished run written in one go (a backtest): orders in their final state with their history. */
export interface RunRecording {
  readonly run: NewRun & RunEnd;
  readonly orders: readonly {
    readonly order: Omit<LedgerOrder, 'runId'>;
    readonly events: readonly OrderEvent[];
  }[];
  readonly fills: readonly NewFill[];
  readonly equity?: readonly Omit<EquitySnapshot, 'runId'>[];
}

/**
 * One write of a trading session's journal, with the meaning of the ledger call of the same name:
 * `persist` is persistOrder, `sent` markSent, `transition` transitionOrder, `fill` recordFill and
 * `risk` recordRiskEvent (their outcomes are not read back).
 */
export type JournalEntry =
  | { readonly kind: 'persist'; readonly order: OrderRequest; readonly ts: number }
  | { readonly kind: 'sent'; readonly clientOrderId: string; readonly ts: number; readonly venueOrderId?: string }
  | { readonly kind: 'transition'; readonly clientOrderId: string; readonly change: StatusChange }
  | { readonly kind: 'fill'; readonly fill: NewFill }
  | { readonly kind: 'risk'; readonly event: LedgerRiskEvent };
