import type { CliIo } from './io.js';

export interface Progress {
  /** Advances by `n` (default 1), optionally naming the current item. */
  tick(n?: number, item?: string): void;
  stop(): void;
}

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * A progress bar on stderr for long work: only on a TTY, never with --json or when piped.
 * Redraws at most every 100 ms.
 */
export function createProgress(io: CliIo, options: { total: number; label: string; json: boolean }): Progress {
  if (!io.isTTY || options.json || options.total <= 0) return SILENT;
  const width = 30;
  let done = 0;
  let last = 0;
  let item = '';
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
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
