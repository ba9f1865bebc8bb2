/**
 * The kill switch (seed 004): ACTIVE (normal), REDUCING (only orders that reduce a position pass)
 * and HALTED (nothing passes; the account is flattened). It escalates on its own (daily drawdown
 * breach, N consecutive venue errors, stale market data) or by hand, and only a person resets
 * it. Every transition is kept with its time and reason. docs/risk.md.
 */
import { KillSwitchState } from './types.js';

export interface KillSwitchOptions {
  /** Consecutive venue errors that halt trading (seed 004: "multiple retries failed"). */
  readonly maxVenueErrors: number;
  /** Market data older than this (ms) moves to REDUCING (seed 004: 2 minutes). */
  readonly staleDataMs: number;
}

export interface KillSwitchTransition {
  readonly ts: number;
  readonly from: KillSwitchState;
  readonly to: KillSwitchState;
  readonly reason: string;
}

const LEVEL: Record<KillSwitchState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

export class KillSwitch {
  #o: KillSwitchOptions;
  #state: KillSwitchState = KillSwitchState.Active;
  #venueErrors = 0;
  readonly #history: KillSwitchTransition[] = [];
  /** Called when the switch reaches HALTED: flatten every position (`flattenAll`). */
  onHalt: ((reason: string) => void) | undefined;
  /** Called on every transition (the risk manager records them as risk events). */
  onTransition: ((t: KillSwitchTransition) => void) | undefined;

  constructor(options: KillSwitchOptions) {
    this.#o = options;
  }

  /** New thresholds from the next venue error or bar on (an operator's `admin set-limit`). */
  setOptions(options: KillSwitchOptions): void {
    this.#o = options;
  }

  get state(): KillSwitchState {
    return this.#state;
  }

  get history(): readonly KillSwitchTransition[] {
    return this.#history;
  }

  /** Escalates to `to` (never de-escalates: that is `reset`). */
  trip(to: 'REDUCING' | 'HALTED', reason: string, ts: number): void {
    if (LEVEL[to] <= LEVEL[this.#state]) return;
    this.#record({ ts, from: this.#state, to, reason });
    if (to === KillSwitchState.Halted) this.onHalt?.(reason);
  }

  /** Back to ACTIVE, by hand only. */
  reset(reason: string, ts: number): void {
    if (this.#state === KillSwitchState.Active) return;
    this.#record({ ts, from: this.#state, to: KillSwitchState.Active, reason });
    this.#venueErrors = 0;
  }

  #record(t: KillSwitchTransition): void {
    this.#history.push(t);
    this.#state = t.to;
    this.onTransition?.(t);
  }

  /** A venue call failed after its retries; N in a row halt. */
  venueError(message: string, ts: number): void {
    this.#venueErrors++;
    if (this.#venueErrors >= this.#o.maxVenueErrors) {
      this.trip('HALTED', `${this.#venueErrors} consecutive venue errors (last: ${message})`, ts);
    }
  }

  venueOk(): void {
    this.#venueErrors = 0;
  }

  /** The newest market data is `ageMs` old at `ts`. */
  dataAge(ageMs: number, ts: number): void {
    if (ageMs > this.#o.staleDataMs) {
      this.trip(
        'REDUCING',
        `market data is ${Math.round(ageMs / 1000)} s old (limit ${Math.round(this.#o.staleDataMs / 1000)} s)`,
        ts,
      );
    }
  }

  /** Equity fell `drawdown` (a positive fraction) below the day's high, beyond `limit`: halt. */
  drawdown(drawdown: number, limit: number, ts: number): void {
    if (drawdown >= limit) {
      this.trip(
        'HALTED',
        `daily drawdown ${(drawdown * 100).toFixed(2)}% breached the ${(limit * 100).toFixed(2)}% limit`,
        ts,
      );
    }
  }
}
