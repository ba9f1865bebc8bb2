/**
 * What a supervisor does with a session process that ended: which exits are restarted, and how
 * many restarts a window allows with what wait before each. Exit codes are momentic's
 * (DESIGN.md, "CLI"):
 *
 * - 0: the session ended as asked (`--for`, `--until`, SIGINT, SIGTERM, a replay's last bar): done.
 * - 2, 3, 5: not restarted, since the same command would end the same way or a person must
 *   decide: 2 a command line, run file or config to fix (a strategy that throws too); 3 a data
 *   error (a bad replayed file, a ledger written by a newer version, a file that cannot be
 *   written); 5 a risk refusal (the ledger and the broker disagree at the start).
 * - 1, 4, any other code, or a signal (SIGKILL, SIGSEGV, an out-of-memory abort): a crash,
 *   restarted: 1 is a bug or an uncaught failure, 4 the venue, the network or the ledger
 *   failing, which a later start may find working again.
 */

/** How a session process ended. */
export interface SessionExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export type ExitVerdict = { readonly kind: 'done' } | { readonly kind: 'final' | 'crash'; readonly why: string };

const FINAL: Readonly<Record<number, string>> = {
  2: 'its command line, run file or configuration is wrong (exit 2): a restart would fail the same way',
  3: 'a data error (exit 3) that a restart does not mend',
  5: 'a risk refusal (exit 5): a person decides',
};

const CRASH: Readonly<Record<number, string>> = {
  1: 'exit 1, an internal error',
  4: 'exit 4, the venue, the network or the ledger failed',
};

export function classifyExit(e: SessionExit): ExitVerdict {
  if (e.code === 0) return { kind: 'done' };
  if (e.code !== null) {
    const final = FINAL[e.code];
    if (final !== undefined) return { kind: 'final', why: final };
    return { kind: 'crash', why: CRASH[e.code] ?? `exit ${e.code}` };
  }
  return { kind: 'crash', why: `killed by ${e.signal ?? 'a signal'}` };
}

export interface RestartBudgetOptions {
  /** Restarts allowed within `windowMs`. */
  readonly max: number;
  readonly windowMs: number;
  readonly baseMs: number;
  readonly maxBackoffMs: number;
}

/**
 * Restarts in a sliding window: a crash when `max` restarts were made in the last `windowMs`
 * spends the budget. The wait before a restart doubles with each restart still in the window
 * (`baseMs`, 2x, 4x ...) up to `maxBackoffMs`, so a crash loop slows down and a crash after a
 * quiet window is restarted at once.
 */
export class RestartBudget {
  readonly #o: RestartBudgetOptions;
  readonly #restarts: number[] = [];

  constructor(o: RestartBudgetOptions) {
    this.#o = o;
  }

  /** Restarts made within the window ending at `now`. */
  recent(now: number): number {
    while (this.#restarts.length > 0 && (this.#restarts[0] as number) <= now - this.#o.windowMs) this.#restarts.shift();
    return this.#restarts.length;
  }

  /** For a crash at `now`: the restart's number in the window and its wait, or undefined when spent. */
  next(now: number): { readonly n: number; readonly delayMs: number } | undefined {
    const made = this.recent(now);
    if (made >= this.#o.max) return undefined;
    this.#restarts.push(now);
    return { n: made + 1, delayMs: Math.min(this.#o.maxBackoffMs, this.#o.baseMs * 2 ** made) };
  }
}
