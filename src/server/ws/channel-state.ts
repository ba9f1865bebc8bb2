/**
 * What each channel's snapshot holds: the state a dashboard needs to draw the page before the
 * next event comes. Every store is bounded, so a server that runs for months (or a session that
 * places a million orders) holds a fixed amount per channel.
 */
import { TERMINAL_ORDER_STATUSES, type OrderStatus } from '../../core/enums.js';
import type { WsChannel, WsPayload } from './protocol.js';

/** How much each channel's snapshot keeps. */
export interface SnapshotLimits {
  /** Equity points (all runs together), fills, signals and log lines: the latest this many. */
  readonly recent: number;
  /** Orders and jobs that ended: the latest this many, beside every working one. */
  readonly ended: number;
  /** Working orders, open positions, jobs running, runs with a risk state: at most this many. */
  readonly open: number;
}

export const SNAPSHOT_LIMITS: SnapshotLimits = { recent: 500, ended: 200, open: 10_000 };

export interface ChannelState<C extends WsChannel> {
  apply(data: WsPayload<C>): void;
  /** The state now, oldest first. */
  items(): WsPayload<C>[];
}

/** The latest `max` items, oldest first. */
class Recent<T> {
  readonly #max: number;
  #items: T[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  apply(data: T): void {
    this.#items.push(data);
    // Trimmed in blocks: one copy per `max` items rather than a shift per item.
    if (this.#items.length >= 2 * this.#max) this.#items = this.#items.slice(-this.#max);
  }

  items(): T[] {
    return this.#items.slice(-this.#max);
  }
}

/**
 * Items by key, the latest version of each: open ones (all, up to `open`) and ended ones (the
 * latest `ended`). An item that ends moves to the ended ones; an item that is gone (a flat
 * position) is dropped.
 */
class Keyed<T extends object> {
  readonly #open = new Map<string, T>();
  readonly #ended = new Map<string, T>();
  readonly #limits: { readonly open: number; readonly ended: number };
  readonly #key: (t: T) => string;
  readonly #fate: (t: T) => 'open' | 'ended' | 'gone';

  constructor(
    limits: { readonly open: number; readonly ended: number },
    key: (t: T) => string,
    fate: (t: T) => 'open' | 'ended' | 'gone',
  ) {
    this.#limits = limits;
    this.#key = key;
    this.#fate = fate;
  }

  apply(data: T): void {
    const k = this.#key(data);
    this.#open.delete(k);
    this.#ended.delete(k);
    const fate = this.#fate(data);
    if (fate === 'gone') return;
    const into = fate === 'open' ? this.#open : this.#ended;
    into.set(k, data);
    const max = fate === 'open' ? this.#limits.open : this.#limits.ended;
    // The oldest entry goes: a Map iterates in insertion order, and an update re-inserts.
    if (into.size > max) into.delete(into.keys().next().value as string);
  }

  items(): T[] {
    const all = [...this.#ended.values(), ...this.#open.values()];
    // Ended and open interleave in time; ISO-8601 UTC times sort as strings (the sort is stable).
    const time = (x: T): string => (x as { readonly time?: string }).time ?? '';
    if (this.#ended.size > 0) all.sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : 0));
    return all;
  }
}

const isEndedOrder = (status: string): boolean => TERMINAL_ORDER_STATUSES.has(status as OrderStatus);
const ENDED_JOB = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** A new state for each channel, with these limits. */
export function channelStates(l: SnapshotLimits = SNAPSHOT_LIMITS): { [C in WsChannel]: ChannelState<C> } {
  return {
    equity: new Recent<WsPayload<'equity'>>(l.recent),
    fills: new Recent<WsPayload<'fills'>>(l.recent),
    signals: new Recent<WsPayload<'signals'>>(l.recent),
    logs: new Recent<WsPayload<'logs'>>(l.recent),
    orders: new Keyed<WsPayload<'orders'>>(
      { open: l.open, ended: l.ended },
      (o) => `${o.run_id}\u0000${o.client_order_id}`,
      (o) => (isEndedOrder(o.status) ? 'ended' : 'open'),
    ),
    positions: new Keyed<WsPayload<'positions'>>(
      { open: l.open, ended: 0 },
      (p) => `${p.run_id}\u0000${p.symbol}`,
      (p) => (p.qty === 0 ? 'gone' : 'open'),
    ),
    risk: new Keyed<WsPayload<'risk'>>(
      { open: l.open, ended: 0 },
      (r) => r.run_id ?? '',
      () => 'open',
    ),
    jobs: new Keyed<WsPayload<'jobs'>>(
      { open: l.open, ended: l.ended },
      (j) => j.job_id,
      (j) => (ENDED_JOB.has(j.status) ? 'ended' : 'open'),
    ),
  };
}
