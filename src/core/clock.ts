import { InternalError } from './errors.js';

/** The one source of "now" for every component (epoch ms). */
export interface Clock {
  now(): number;
}

/** Real time, for paper and live trading. */
export class WallClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** Simulated time for backtests: only moves forward, and only when the engine says so. */
export class BacktestClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves to `ts`; moving backwards is a bug in the caller and throws. */
  advanceTo(ts: number): void {
    if (ts < this.#now) {
      throw new InternalError(
        `backtest clock asked to move back from ${new Date(this.#now).toISOString()} to ${new Date(ts).toISOString()}`,
      );
    }
    this.#now = ts;
  }
}
