/**
 * `momentic universe build`: reads the workspace's daily bars and reference files, builds the
 * universe of each session in a range (universe-build.ts) and writes `data/processed/universe/`
 * (universe-files.ts) with a manifest of the inputs' hashes.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getCalendar } from '../calendar/registry.js';
import type { BarSeries } from '../core/bar.js';
import type { IsoDate } from '../core/dates.js';
import { DataError, UsageError } from '../core/errors.js';
import { sha256File, writeFileAtomic } from '../data/atomic.js';
import { RawStore } from '../data/raw-store.js';
import {
  readAssets,
  readCorporateActions,
  readEvents,
  referenceFiles,
  type ReferenceRejection,
} from './reference-files.js';
import { buildUniverse, type UniverseRow } from './universe-build.js';
import type { UniverseConfig } from './universe-config.js';
import { universeDir, writeMembershipParquet, writeUniverseCsvs } from './universe-files.js';

export interface UniverseBuildResult {
  readonly dates: readonly IsoDate[];
  readonly dir: string;
  readonly files: readonly string[];
  readonly parquet: string;
  readonly manifest: string;
  /** Included symbols per date (core, extended). */
  readonly counts: readonly { date: IsoDate; core: number; extended: number; excluded: number }[];
  readonly rejected: readonly ReferenceRejection[];
}

export async function runUniverseBuild(o: {
  readonly home: string;
  readonly config: UniverseConfig;
  /** Where the config came from (recorded in the manifest). */
  readonly configFile: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly market?: string;
  readonly onDate?: (date: IsoDate) => void;
}): Promise<UniverseBuildResult> {
  const { home } = o;
  const calendar = getCalendar(o.market ?? 'XNYS');
  const dates = calendar.sessionDates(o.from, o.to);
  if (dates.length === 0) {
    throw new UsageError('USAGE_INVALID_RANGE', `no ${calendar.name} sessions from ${o.from} to ${o.to}`, {
      hint: 'give a range holding at least one trading day (momentic calendar sessions --from D --to D)',
      context: { flag: '--from', value: `${o.from}..${o.to}` },
    });
  }
  const ref = referenceFiles(home);
  const assets = readAssets(ref.assets);
  const events = readEvents(ref.events);
  const actions = readCorporateActions(ref.corporateActions);
  const store = new RawStore(home);
  const series: BarSeries[] = [];
  const inputs: { path: string; sha256: string }[] = [];
  const datasets = store.list().filter((e) => e.timeframe === '1d');
  for (const e of datasets) {
    const read = await store.readChecked(e.symbol, '1d');
    if (read === undefined) continue;
    series.push(read.series);
    for (const [path, f] of Object.entries(read.entry?.files ?? {}))
      inputs.push({ path: `data/raw/${path}`, sha256: f.sha256 });
  }
  if (series.length === 0) {
    throw new DataError('DATA_NOT_FOUND', `no daily bars in ${join(home, 'data', 'raw')}`, {
      hint: 'fetch them first: momentic data fetch --symbols A,B --timeframe 1d',
      context: { file: join(home, 'data', 'raw') },
    });
  }
  for (const f of [ref.assets, ref.corporateActions, ref.events]) {
    if (existsSync(f)) inputs.push({ path: relative(home, f), sha256: await sha256File(f) });
  }
  if (o.configFile !== '' && existsSync(o.configFile))
    inputs.push({ path: o.configFile, sha256: await sha256File(o.configFile) });
  const days: UniverseRow[][] = buildUniverse(
    { series, assets: assets.records, events: events.records, corporateActions: actions.records },
    dates,
    o.config,
  );
  for (const d of dates) o.onDate?.(d);
  const files = writeUniverseCsvs(home, days);
  const parquet = await writeMembershipParquet(home);
  const rejected = [...assets.rejected, ...events.rejected, ...actions.rejected];
  const manifest = join(universeDir(home), 'manifest.json');
  const counts = days.map((rows, i) => ({
    date: dates[i] as IsoDate,
    core: rows.filter((r) => r.tier === 'core').length,
    extended: rows.filter((r) => r.tier === 'extended').length,
    excluded: rows.filter((r) => !r.included).length,
  }));
  writeFileAtomic(
    manifest,
    JSON.stringify(
      {
        built_at: new Date().toISOString(),
        from: o.from,
        to: o.to,
        knowledge: 'bars before each date; asset records reported (as_of) before each date; the events schedule',
        config: o.config,
        inputs: inputs.sort((a, b) => (a.path < b.path ? -1 : 1)),
        rejected_reference_rows: rejected,
        counts,
      },
      null,
      2,
    ) + '\n',
  );
  return { dates, dir: universeDir(home), files, parquet, manifest, counts, rejected };
}
