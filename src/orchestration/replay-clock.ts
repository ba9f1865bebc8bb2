import type { EngineClock } from '../engine/ports.js';
import type { ReplaySpeed } from './replay-feed.js';

/**
 * The clock of a replayed session. It follows bar time as a backtest's does (the engine moves it
 * to each bar's open and close), so at `--speed max` every order, timer and fill carries the
 * time a backtest of the file gives it. At N times real time it also runs between bars, N times
 * faster than the wall clock, so the OrderManager's timers (a 60 s cancel) fire between bars as
 * they would live. It never goes back.
 */
export class ReplayClock implements EngineClock {
  readonly #speed: ReplaySpeed;
  readonly #wall: () => number;
  #base: number;
  #wallAt: number;

  constructor(start: number, speed: ReplaySpeed, wall: () => number = Date.now) {
    this.#speed = speed;
    this.#wall = wall;
    this.#base = start;
    this.#wallAt = wall();
  }

  now(): number {
    if (this.#speed === 'max') return this.#base;
    return this.#base + (this.#wall() - this.#wallAt) * this.#speed;
  }

  advanceTo(ts: number): void {
    const now = this.now();
    this.#base = ts > now ? ts : now;
    this.#wallAt = this.#wall();
  }
}
