/**
 * A job as a momentic CLI child process (`node bin/momentic.js --home H --json backtest ...`), the
 * way the scheduler runs its jobs: the same code path as a person at a terminal, off the server's
 * event loop (a backtest's engine loop is synchronous and would stall every request), in a process
 * a crash, a runaway strategy or an out-of-memory cannot take the server down with, and that a
 * cancel ends at once (SIGTERM). Its progress comes as `MOMENTIC_PROGRESS=json` lines on stderr,
 * its result (or its error, in the JSON error shape) as `--json` on stdout.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseProgressLine, type ProgressLine } from '../../core/progress-line.js';
import { MOMENTIC_BIN } from '../../orchestration/scheduler/executor.js';

export type CliProgress = ProgressLine['progress'];

export interface CliOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Everything the command printed on stdout (its `--json` answer). */
  readonly stdout: string;
  /** The last lines of stderr that were not progress (log lines, warnings). */
  readonly stderrTail: readonly string[];
  /** Why the process could not start, if it could not. */
  readonly spawnError?: string;
}

export interface CliProcess {
  /** Resolves when the process has ended and its output is read (never rejects). */
  readonly done: Promise<CliOutcome>;
  /** SIGTERM now, SIGKILL after `killAfterMs` when it is still there. */
  stop(): void;
}

export interface CliLaunch {
  /** The command line after the program: `['--home', H, '--json', 'backtest', ...]`. */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onProgress: (p: CliProgress) => void;
  readonly killAfterMs?: number;
}

/** How a job is started; the service's is `startCliProcess`. */
export type CliLauncher = (launch: CliLaunch) => CliProcess;

const TAIL_LINES = 20;

export const startCliProcess: CliLauncher = (o) => {
  const child = spawn(process.execPath, [MOMENTIC_BIN, ...o.argv], {
    cwd: o.cwd,
    env: { ...o.env, MOMENTIC_PROGRESS: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const tail: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (stdout += d));
  const lines = createInterface({ input: child.stderr, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const p = parseProgressLine(line);
    if (p !== undefined) {
      o.onProgress(p);
      return;
    }
    if (line.trim() === '') return;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  });
  const stderrDone = new Promise<void>((resolve) => lines.once('close', resolve));
  const done = new Promise<CliOutcome>((resolve) => {
    child.once('error', (e) =>
      resolve({ exitCode: null, signal: null, stdout, stderrTail: tail, spawnError: e.message }),
    );
    // 'close': ended, and stdout and stderr are read to the end.
    child.once('close', (code, signal) => {
      void stderrDone.then(() => resolve({ exitCode: code, signal, stdout, stderrTail: tail }));
    });
  });
  let killTimer: NodeJS.Timeout | undefined;
  void done.then(() => clearTimeout(killTimer));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    done,
    stop() {
      if (!alive()) return;
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => {
        if (alive()) child.kill('SIGKILL');
      }, o.killAfterMs ?? 10_000);
      killTimer.unref();
    },
  };
};
