/**
 * The order lifecycle of DESIGN.md as a state machine, the one copy every order keeper uses (the
 * simulated exchange's orders, the OrderManager, the ledger): new -> accepted ->
 * partially_filled -> filled | cancelled | rejected | expired. A venue may skip steps (a market
 * order can fill at once) and may still reject an order it had accepted (a broker acknowledges,
 * then the exchange refuses); an order never goes back and never leaves a terminal state.
 */
import { OrderStatus, TERMINAL_ORDER_STATUSES } from './enums.js';

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  new: ['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'],
  accepted: ['partially_filled', 'filled', 'cancelled', 'rejected', 'expired'],
  partially_filled: ['partially_filled', 'filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

const ALL = Object.keys(NEXT) as OrderStatus[];
/** NEXT as a lookup table: every order event asks, so no list is scanned. */
const ALLOWED = Object.fromEntries(
  ALL.map((from) => [from, Object.fromEntries(ALL.map((to) => [to, NEXT[from].includes(to)]))]),
) as Readonly<Record<OrderStatus, Readonly<Record<OrderStatus, boolean>>>>;
const OPEN_STATUSES: readonly OrderStatus[] = ALL.filter((s) => !TERMINAL_ORDER_STATUSES.has(s));

/** Whether an order in `from` may move to `to` (a repeated partial fill counts). */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED[from][to];
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

/** Statuses of orders that have not ended. */
export function openStatuses(): readonly OrderStatus[] {
  return OPEN_STATUSES;
}

/**
 * The statuses from which a change to `to` is a move forward (the same status is not: a second
 * "accepted" changes nothing), for keepers that apply a change only where it is legal.
 */
export function statusesBefore(to: OrderStatus): OrderStatus[] {
  return ALL.filter((s) => s !== to && canTransition(s, to));
}

export { OrderStatus };
