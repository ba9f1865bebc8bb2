import { formatProgressLine } from '../core/progress-line.js';
import type { CliIo } from './io.js';

export interface Progress {
  /** Advances by `n` (default 1), optionally naming the current item. */
  tick(n?: number, item?: string): void;
  stop(): void;
}

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

/** Redraw (or report) at most this often. */
const EVERY_MS = 100;

/**
 * A progress bar on stderr for long work: only on a TTY, never with --json or when piped. Redraws
 * at most every 100 ms. With `MOMENTIC_PROGRESS=json` in the environment it writes JSON lines
 * instead (`{"progress":{"label","done","total","item"}}`, at most every 100 ms and once at the
 * end), with or without --json and a TTY: the service runs jobs as CLI child processes and
 * publishes their progress from these.
 */
export function createProgress(io: CliIo, options: { total: number; label: string; json: boolean }): Progress {
  if (io.env.MOMENTIC_PROGRESS === 'json' && options.total > 0) return jsonProgress(io, options);
  if (!io.isTTY || options.json || options.total <= 0) return SILENT;
  const width = 30;
  let done = 0;
  let last = 0;
  let item = '';
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < EVERY_MS) return;
    last = now;
    const frac = Math.min(1, done / options.total);
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    io.stderr(
      `\r${options.label} ${bar} ${done}/${options.total} ${(frac * 100).toFixed(0)}% ${item}`.padEnd(80).slice(0, 120),
    );
  };
  return {
    tick(n = 1, current?: string) {
      done += n;
      if (current !== undefined) item = current;
      draw(done >= options.total);
    },
    stop() {
      draw(true);
      io.stderr('\n');
    },
  };
}

function jsonProgress(io: CliIo, options: { total: number; label: string }): Progress {
  let done = 0;
  let last = 0;
  let shown = -1;
  let item: string | null = null;
  const report = (force: boolean): void => {
    const now = Date.now();
    if (shown === done || (!force && now - last < EVERY_MS)) return;
    last = now;
    shown = done;
    io.stderr(formatProgressLine({ label: options.label, done, total: options.total, item }));
  };
  return {
    tick(n = 1, current?: string) {
      done += n;
      if (current !== undefined) item = current;
      report(done >= options.total);
    },
    stop: () => report(true),
  };
}
