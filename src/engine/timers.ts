/**
 * Timers on the run's clock: the OrderManager's policies (cancel after a time, retry backoff,
 * TWAP slices) run when the engine's time reaches them, simulated in a backtest and real in a
 * live run, so the same policy code serves every mode.
 */
export class Timers {
  /** Due times and callbacks, kept sorted by time (then by scheduling order). */
  readonly #due: { readonly at: number; readonly fn: () => void }[] = [];

  get size(): number {
    return this.#due.length;
  }

  /** Runs `fn` once the clock reaches `at`. */
  at(at: number, fn: () => void): void {
    const due = this.#due;
    let i = due.length;
    while (i > 0 && (due[i - 1] as { at: number }).at > at) i--;
    due.splice(i, 0, { at, fn });
  }

  /** Runs every timer due at or before `now`, in time order; ones they schedule for now run too. */
  runDue(now: number): void {
    const due = this.#due;
    while (due.length > 0 && (due[0] as { at: number }).at <= now) (due.shift() as { fn: () => void }).fn();
  }
}
