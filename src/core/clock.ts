import { InternalError } from './errors.js';

/** Real time, for paper and live trading (the engine's `EngineClock`: it moves by itself). */
export class WallClock {
  now(): number {
    return Date.now();
  }

  /** Real time cannot be moved: the engine's request is a no-op. */
  advanceTo(_ts: number): void {}
}

/** Simulated time for backtests: only moves forward, and only when the engine says so. */
export class BacktestClock {
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
