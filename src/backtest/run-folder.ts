import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { isValidRunId } from '../core/ids.js';
import { zonePaths } from '../data/paths.js';

/**
 * The folder of an existing run, `{home}/data/results/{runId}`. Every command that reads a run by
 * id (report, compare, backtest --replay) asks here, so an unknown id is one error everywhere:
 * DATA_NOT_FOUND (exit 3), as `runs show` reports a run missing from the ledger.
 */
export function existingRunDir(home: string, runId: string): string {
  const results = zonePaths(home).results;
  const dir = join(results, runId);
  if (!isValidRunId(runId) || !existsSync(join(dir, 'manifest.json'))) {
    throw new DataError('DATA_NOT_FOUND', `no run ${runId} in ${results}`, {
      hint: 'pass a run id that momentic backtest printed (momentic runs ls, or ls data/results/)',
      context: { value: runId },
    });
  }
  return dir;
}
