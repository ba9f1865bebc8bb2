import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zonePaths } from '../../data/paths.js';
import type { LedgerRun } from '../../store/types.js';

/**
 * A run's results folder: the one the ledger recorded (a backtest's, `--out` included, or a
 * finished session's), else `data/results/{run_id}` (a session writes there as it trades).
 */
export function runFolder(home: string, run: LedgerRun): string {
  return run.resultDir ?? join(zonePaths(home).results, run.id);
}

/** The files a folder holds, sorted; none when it does not exist. */
export function folderFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}
