/**
 * The order lifecycle of DESIGN.md as a state machine: new -> accepted -> partially_filled ->
 * filled | cancelled | rejected | expired. A venue may skip steps (a market order can fill at
 * once), never go back, and never leave a terminal state.
 */
import { OrderStatus, TERMINAL_ORDER_STATUSES } from './enums.js';

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  new: ['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'],
  accepted: ['partially_filled', 'filled', 'cancelled', 'expired'],
  partially_filled: ['partially_filled', 'filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

export { OrderStatus };
