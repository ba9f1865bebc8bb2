import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { staleStaging, sweepStaleStaging } from '../backtest/run-staging.js';
import { writeFileAtomic } from '../data/atomic.js';
import { zonePaths } from '../data/paths.js';
import { planProcessedRepair, planQuarantineRepair, type ZoneRepairPlan } from '../data/repair-derived.js';
import { planRawRepair, RAW_PROBLEMS, type RawRepairOptions, type RawRepairPlan } from '../data/repair-raw.js';

/**
 * `momentic data repair`: every zone's manifest checked against its files and rebuilt where it
 * disagrees (data/raw, data/processed, data/quarantine), and the results zone's leftovers listed.
 * A damaged manifest is kept, byte for byte, in its zone's `.backup/` folder before it is
 * replaced. `ok` is false when the raw zone has files the user must act on (changed, missing,
 * unreadable): the command exits 3.
 */

export interface WorkspaceRepair {
  readonly ok: boolean;
  readonly raw: RawRepairPlan & { readonly backup?: string };
  readonly processed: ZoneRepairPlan & { readonly backup?: string };
  readonly quarantine: ZoneRepairPlan & { readonly backup?: string };
  readonly results: {
    /** Leftovers of interrupted runs removed (folders a run was being written into). */
    readonly removed: readonly string[];
    /** Folders of data/results that hold no manifest.json: not runs, left for the user to look at. */
    readonly incomplete: readonly string[];
  };
  /** Home-relative paths written (manifests, backups of damaged ones). */
  readonly written: readonly string[];
}

export interface RepairOptions extends RawRepairOptions {
  /** Work out and report everything, write nothing. */
  readonly dryRun?: boolean;
}

const slash = (p: string): string => p.split(sep).join('/');

function stampOf(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Run folders without manifest.json (sweeps and dot folders are not runs). */
function incompleteRuns(home: string): string[] {
  const results = zonePaths(home).results;
  if (!existsSync(results)) return [];
  return readdirSync(results)
    .filter((n) => !n.startsWith('.') && n !== 'sweeps')
    .filter((n) => statSync(join(results, n)).isDirectory() && !existsSync(join(results, n, 'manifest.json')))
    .sort()
    .map((n) => `data/results/${n}`);
}

export async function repairWorkspace(home: string, o: RepairOptions = {}): Promise<WorkspaceRepair> {
  const now = o.now ?? Date.now();
  const written: string[] = [];
  const apply = <P extends { text?: string; damaged?: Buffer }>(zoneDir: string, plan: P): P & { backup?: string } => {
    if (o.dryRun === true || plan.text === undefined) return plan;
    let backup: string | undefined;
    if (plan.damaged !== undefined) {
      const dir = join(zoneDir, '.backup');
      mkdirSync(dir, { recursive: true });
      let file = join(dir, `manifest-${stampOf(now)}.json`);
      for (let n = 1; existsSync(file); n++) file = join(dir, `manifest-${stampOf(now)}-${n}.json`);
      writeFileSync(file, plan.damaged, { flag: 'wx' });
      backup = slash(relative(home, file));
      written.push(backup);
    }
    const file = join(zoneDir, 'manifest.json');
    writeFileAtomic(file, plan.text);
    written.push(slash(relative(home, file)));
    return { ...plan, ...(backup === undefined ? {} : { backup }) };
  };
  const z = zonePaths(home);
  const raw = apply(z.raw, await planRawRepair(home, { ...o, now }));
  const processed = apply(z.processed, await planProcessedRepair(home));
  const quarantine = apply(z.quarantine, planQuarantineRepair(home));
  return {
    ok: !raw.files.some((f) => RAW_PROBLEMS.has(f.status)),
    raw,
    processed,
    quarantine,
    results: {
      removed: (o.dryRun === true ? staleStaging(z.results) : sweepStaleStaging(z.results)).map((d) =>
        slash(relative(home, d)),
      ),
      incomplete: incompleteRuns(home),
    },
    written,
  };
}
