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
const OPEN_STATUSES: readonly OrderStatus[] = ALL.filter((s) => !TERMINAL_ORDER_STATUSES.has(s));

/** A status as a small number: every order event asks the machine, so it answers from bits. */
function code(s: OrderStatus): number {
  switch (s) {
    case 'new':
      return 0;
    case 'accepted':
      return 1;
    case 'partially_filled':
      return 2;
    case 'filled':
      return 3;
    case 'cancelled':
      return 4;
    case 'rejected':
      return 5;
    default:
      return 6; // expired
  }
}

/** Per status code, the bit set of the codes it may move to. */
const NEXT_BITS = ALL.reduce((bits, from) => {
  bits[code(from)] = NEXT[from].reduce((m, to) => m | (1 << code(to)), 0);
  return bits;
}, new Int32Array(ALL.length));
const TERMINAL_BITS = [...TERMINAL_ORDER_STATUSES].reduce((m, s) => m | (1 << code(s)), 0);

/** Whether an order in `from` may move to `to` (a repeated partial fill counts). */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ((NEXT_BITS[code(from)] as number) & (1 << code(to))) !== 0;
}

export function isTerminal(status: OrderStatus): boolean {
  return (TERMINAL_BITS & (1 << code(status))) !== 0;
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
