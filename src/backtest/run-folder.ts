import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { DataError } from '../core/errors.js';
import { isValidRunId } from '../core/ids.js';
import { zonePaths } from '../data/paths.js';

/**
 * The finished runs of the workspace: folders of data/results named by a run id and holding a
 * manifest.json. Folders a run is still being written into (or was, when it was killed) are
 * dot-named and never listed; neither are sweeps nor folders without a manifest.
 */
export function listRunIds(home: string): string[] {
  const results = zonePaths(home).results;
  if (!existsSync(results)) return [];
  return readdirSync(results)
    .filter((n) => isValidRunId(n) && n !== 'sweeps' && existsSync(join(results, n, 'manifest.json')))
    .sort();
}

/**
 * The folder of an existing run, `{home}/data/results/{runId}`. Every command that reads a run by
 * id (report, compare, backtest --replay, runs record) asks here, so an unknown id is one error
 * everywhere: DATA_NOT_FOUND (exit 3), as `runs show` reports a run missing from the ledger.
 */
export function existingRunDir(home: string, runId: string): string {
  const results = zonePaths(home).results;
  const dir = join(results, runId);
  if (
    isValidRunId(runId) &&
    existsSync(dir) &&
    statSync(dir).isDirectory() &&
    !existsSync(join(dir, 'manifest.json'))
  ) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `data/results/${runId} has no manifest.json: it is not the folder of a finished run`,
      {
        hint: 'rerun the backtest; delete the folder if you do not need what it holds (momentic data repair lists such folders)',
        context: { file: `data/results/${runId}` },
      },
    );
  }
  if (!isValidRunId(runId) || !existsSync(join(dir, 'manifest.json'))) {
    throw new DataError('DATA_NOT_FOUND', `no run ${runId} in ${results}`, {
      hint: `${didYouMean(runId, listRunIds(home))}pass a run id that momentic backtest printed (momentic runs ls, or ls data/results/)`,
      context: { value: runId },
    });
  }
  return dir;
}
