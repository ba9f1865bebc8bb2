/**
 * A session command run as a child process of the supervisor: `node bin/momentic.js ARGS` in the
 * same folder, with the same environment. Its stderr (the logs) goes straight to the
 * supervisor's; its stdout (the result, or the error with `--json`) is kept so the supervisor
 * prints only the last run's as its own and a crashed run's on stderr.
 */
import { spawn } from 'node:child_process';
import { MOMENTIC_BIN } from '../scheduler/executor.js';
import type { SessionProcess } from './supervisor.js';

export interface SessionProcessOptions {
  /** The command line without the program (`--home H live --config F`). */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function startSessionProcess(o: SessionProcessOptions): SessionProcess {
  const child = spawn(process.execPath, [MOMENTIC_BIN, ...o.argv], {
    cwd: o.cwd,
    env: { ...o.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
    child.once('error', (e) => resolve({ code: 1, signal: null, stdout: `${stdout}${e.message}\n` }));
    // 'close': the process ended and its stdout is read to the end.
    child.once('close', (code, signal) => resolve({ code, signal, stdout }));
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid,
    exited,
    stop: () => {
      if (alive()) child.kill('SIGTERM');
    },
    kill: () => {
      if (alive()) child.kill('SIGKILL');
    },
  };
}

/** The command line of the session the supervisor runs: the given one without `--supervise`. */
export function withoutSupervise(argv: readonly string[]): string[] {
  return argv.filter((a) => a !== '--supervise');
}
