/**
 * Job runs as momentic commands in child processes (`node bin/momentic.js --home H ACTION...`):
 * a job that crashes or leaks cannot take the scheduler with it, and each run's output goes to
 * its own log file under `state/scheduler/logs/`.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PlannedRun } from './plan.js';
import { packageFile } from '../../core/package-files.js';

export interface JobLaunch {
  readonly schedule: string;
  readonly run: PlannedRun;
  /** The action with its placeholders filled in. */
  readonly argv: readonly string[];
  readonly logFile?: string;
}

export interface JobOutcome {
  readonly exitCode: number | null;
  /** The signal that ended the process, if one did. */
  readonly signal: string | null;
  /** Why the process could not be started, if it could not. */
  readonly error?: string;
}

export interface RunningJob {
  /** Resolves once the run has ended, however it ended (never rejects). */
  readonly done: Promise<JobOutcome>;
  /** Asks the run to stop (SIGTERM: a session completes its files), then forces it. */
  stop(): void;
}

export interface JobExecutor {
  /** Where a run's output goes, recorded with the run; none when undefined. */
  logFile?(schedule: string, run: PlannedRun): string | undefined;
  start(launch: JobLaunch): RunningJob;
}

export interface ProcessExecutorOptions {
  /** The workspace every run works in (`--home`). */
  readonly home: string;
  /** Folder the commands run in: relative paths in actions are read from it. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The global config layer the scheduler was given (`momentic --config F scheduler`), passed on. */
  readonly configLayer?: string;
  /** How long a run asked to stop has before SIGKILL (default 30s). */
  readonly killAfterMs?: number;
}

/** `bin/momentic.js` of this package. */
export const MOMENTIC_BIN = packageFile('bin', 'momentic.js');

export function processExecutor(o: ProcessExecutorOptions): JobExecutor {
  const killAfterMs = o.killAfterMs ?? 30_000;
  return {
    logFile: (schedule, run) =>
      join(
        o.home,
        'state',
        'scheduler',
        'logs',
        schedule,
        run.job,
        `${new Date(run.at).toISOString().replace(/[-:]/g, '').replace('.000Z', 'Z')}.log`,
      ),
    start(launch) {
      const args = [
        MOMENTIC_BIN,
        '--home',
        o.home,
        ...(o.configLayer === undefined ? [] : ['--config', o.configLayer]),
        ...launch.argv,
      ];
      let fd: number | undefined;
      try {
        if (launch.logFile !== undefined) {
          mkdirSync(dirname(launch.logFile), { recursive: true });
          fd = openSync(launch.logFile, 'a');
        }
      } catch (e) {
        return { done: Promise.resolve({ exitCode: null, signal: null, error: (e as Error).message }), stop: () => {} };
      }
      const child = spawn(process.execPath, args, {
        cwd: o.cwd,
        env: { ...o.env },
        stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
      });
      if (fd !== undefined) closeSync(fd);
      let killer: ReturnType<typeof setTimeout> | undefined;
      const done = new Promise<JobOutcome>((resolve) => {
        child.once('error', (e) => resolve({ exitCode: null, signal: null, error: e.message }));
        child.once('exit', (code, signal) => {
          if (killer !== undefined) clearTimeout(killer);
          resolve({ exitCode: code, signal });
        });
      });
      return {
        done,
        stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          killer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        },
      };
    },
  };
}
