import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { changedOutputs } from '../backtest/read-results.js';
import type { ResultsManifest } from '../backtest/results-manifest.js';
import type { Config } from '../config/schema.js';
import { DataError } from '../core/errors.js';
import { describeTarget, ledgerTarget } from '../store/connect.js';
import { recordingOf } from './backtest-ledger.js';
import { readRunManifest, replayRun } from './replay-run.js';

export interface RecordedLater {
  readonly runId: string;
  readonly dir: string;
  readonly location: string;
}

/** `20261121T161600Z-3f9a1c` -> its time; undefined for another shape of id. */
function timeOfRunId(id: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(id);
  return m === null ? undefined : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/**
 * When the run started and finished, as recorded at run time: the manifest's `wall_clock`. Runs
 * made before it was kept: the time in the run id, and the time the manifest was written.
 */
function wallClockOf(dir: string, m: ResultsManifest): { startedAt: number; finishedAt: number } {
  if (m.wall_clock !== undefined)
    return { startedAt: Date.parse(m.wall_clock.started_at), finishedAt: Date.parse(m.wall_clock.finished_at) };
  const written = statSync(join(dir, 'manifest.json')).mtimeMs;
  return { startedAt: timeOfRunId(m.run_id) ?? Math.floor(written), finishedAt: Math.floor(written) };
}

/**
 * Records a finished run's folder in the ledger, as the backtest would have at run time: the
 * run's rows are not all in its files (the fills, the legs of a bracket), so the run is replayed
 * from its manifest and its rows are taken from the replay, once every output file of the replay
 * is proved byte-identical to the folder's. A folder whose files were edited, or whose replay
 * differs (its data or strategy changed since), is refused: the ledger would then hold orders the
 * run did not place.
 */
export async function recordRunLater(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dir: string;
}): Promise<RecordedLater> {
  const dir = resolve(o.dir);
  const manifest = readRunManifest(dir);
  const edited = changedOutputs(dir, manifest);
  if (edited.length > 0) {
    throw new DataError(
      'DATA_INVALID',
      `${join(dir, edited[0] as string)} was changed after run ${manifest.run_id} wrote it${edited.length > 1 ? ` (and ${edited.slice(1).join(', ')})` : ''}: its files no longer say what the run did`,
      {
        hint: 'restore the run folder from a copy, or rerun the backtest (the run is recorded when it finishes)',
        context: { file: join(dir, edited[0] as string) },
      },
    );
  }
  const target = ledgerTarget(o.config.database.url, o.home);
  // Refused before the replay: a run already recorded, or a ledger that cannot be opened (a
  // SQLite file not made yet holds no run, and is made only when there is one to record).
  if (target.dialect === 'postgres' || existsSync(target.file)) {
    const { openLedger } = await import('../store/ledger.js');
    const ledger = await openLedger(target);
    try {
      if ((await ledger.getRun(manifest.run_id)) !== undefined) {
        throw new DataError(
          'LEDGER_CONFLICT',
          `run ${manifest.run_id} is already in the ledger at ${ledger.location}`,
          {
            hint: 'momentic runs show RUN_ID shows it; nothing to record',
            context: { value: manifest.run_id },
          },
        );
      }
    } finally {
      await ledger.close();
    }
  }
  const replay = await replayRun({ home: o.home, config: o.config, env: o.env, dir });
  if (replay.differing.length > 0) {
    throw new DataError(
      'DATA_INVALID',
      `replaying run ${manifest.run_id} does not reproduce its files (${replay.differing.join(', ')} differ): its data or strategy changed since it ran, so its orders cannot be recorded`,
      {
        hint: `restore the data and strategy the run used (${join(dir, 'manifest.json')} lists the data files with their sha256), or rerun the backtest`,
        context: { file: join(dir, replay.differing[0] as string) },
      },
    );
  }
  const { job } = replay;
  const recording = recordingOf(job.record, {
    spec: job.spec as unknown as Record<string, unknown>,
    metrics: job.metrics as unknown as Record<string, unknown>,
    dir,
    ...wallClockOf(dir, manifest),
  });
  const { recordRunAt } = await import('../store/record-run.js');
  await recordRunAt(target, recording);
  return { runId: manifest.run_id, dir, location: describeTarget(target) };
}
