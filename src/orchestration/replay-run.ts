import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { changedOutputs } from '../backtest/read-results.js';
import type { ResultsManifest } from '../backtest/results-manifest.js';
import { stageRunFolder } from '../backtest/run-staging.js';
import type { Config } from '../config/schema.js';
import { DataError } from '../core/errors.js';
import { runBacktestJob, specOfRun, type BacktestJobResult } from './backtest-job.js';

/** A run folder's manifest, or DATA_NOT_FOUND / DATA_INVALID naming the folder. */
export function readRunManifest(dir: string): ResultsManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `${dir} has no manifest.json: it is not the folder of a finished run`, {
      hint: 'pass a run id that momentic backtest printed (momentic runs ls, or ls data/results/); a run killed before it finished has no folder',
      context: { file },
    });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ResultsManifest;
  } catch (e) {
    throw new DataError('DATA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'the results files must not be edited; rerun the backtest to rewrite them',
      context: { file },
    });
  }
}

export interface Replay {
  readonly manifest: ResultsManifest;
  /** The rerun: its record, spec and metrics, with the run's id. */
  readonly job: BacktestJobResult;
  /** Output files whose bytes differ from the run's (by name); empty when the rerun reproduced it. */
  readonly differing: readonly string[];
}

/**
 * Runs a recorded run again from its manifest (same spec, same run id, nothing recorded in the
 * ledger) into a scratch folder beside it (a staging folder, so a replay killed part way leaves a
 * leftover the next run removes), compares every output file with the run's recorded hashes,
 * and removes the scratch folder.
 */
export async function replayRun(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dir: string;
}): Promise<Replay> {
  const manifest = readRunManifest(o.dir);
  const spec = specOfRun(o.dir);
  const scratch = stageRunFolder(join(dirname(o.dir), `replay-${basename(o.dir)}`));
  try {
    const job = await runBacktestJob({
      home: o.home,
      config: o.config,
      env: o.env,
      spec,
      out: scratch.dir,
      writeInPlace: true,
      runId: manifest.run_id,
      ledger: false,
    });
    return { manifest, job, differing: changedOutputs(scratch.dir, manifest) };
  } finally {
    scratch.discard();
  }
}
