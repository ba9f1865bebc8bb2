/**
 * The universe step of a pipeline day (`momentic universe build --date D`): the day's
 * point-in-time universe (docs/universe.md), built from the validated raw bars before the day
 * and the reference data, before the session trades it. A workspace without reference data
 * (`data/reference/assets.csv`, from `momentic data reference`) has no universe to build: the
 * step is done and says why, so a pipeline of a fixed symbol list runs as before.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { referenceFiles } from '../../universe/reference-files.js';
import { loadUniverseConfig, universeConfigFile } from '../../universe/universe-config.js';
import { runUniverseBuild } from '../../universe/universe-run.js';
import type { StepContext, StepOutcome } from './step-context.js';

export async function universeStep(ctx: StepContext): Promise<StepOutcome> {
  const { home, date } = ctx;
  const assets = referenceFiles(home).assets;
  if (!existsSync(assets)) {
    return {
      outputs: {
        built: false,
        reason: `no reference data (${relative(home, assets)}): run momentic data reference to build a universe each day`,
      },
    };
  }
  const file = universeConfigFile(home);
  const r = await runUniverseBuild({
    home,
    config: loadUniverseConfig(file),
    configFile: file,
    from: date,
    to: date,
    market: ctx.pipeline.calendar.name,
  });
  const c = r.counts[0];
  return {
    outputs: {
      built: true,
      date,
      core: c?.core ?? 0,
      extended: c?.extended ?? 0,
      excluded: c?.excluded ?? 0,
      files: r.files.map((f) => relative(home, f)),
      manifest: relative(home, r.manifest),
      rejected_reference_rows: r.rejected.length,
    },
  };
}
