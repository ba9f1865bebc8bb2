import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMomenticError } from '../core/errors.js';
import { sha256File } from './atomic.js';
import { zonePaths } from './paths.js';
import { readProcessedManifest, type ProcessedEntry } from './processed-manifest.js';
import { readQuarantineManifest, type QuarantineRecord } from './quarantine.js';
import type { ManifestState } from './repair-raw.js';
import { symbolOfFile } from './paths.js';

/**
 * The derived zones' part of `momentic data repair`. The processed zone's manifest is a cache of
 * what `features build` made from which raw data: a record whose files are missing or changed is
 * dropped and the files on disk it cannot vouch for are left unrecorded, so the next build makes
 * them again (nothing there is original data). The quarantine's manifest lists the quarantine
 * files: it is rebuilt from them, each file's row count and origin read from the file itself.
 */

export interface ZoneFileReport {
  /** Home-relative path. */
  readonly file: string;
  /** processed: ok, changed, missing (record dropped), unrecorded; quarantine: ok, registered, missing (record dropped). */
  readonly status: 'ok' | 'changed' | 'missing' | 'unrecorded' | 'registered';
}

export interface ZoneRepairPlan {
  readonly manifest: ManifestState;
  readonly files: readonly ZoneFileReport[];
  readonly text?: string;
  readonly damaged?: Buffer;
}

const slash = (p: string): string => p.split(sep).join('/');

/** Files under `dir` (paths relative to it), skipping the manifest, dot entries and `skip` folders. */
function walk(dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const go = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(d, name);
      const rel = slash(relative(dir, full));
      if (statSync(full).isDirectory()) {
        if (!skip.includes(rel)) go(full);
      } else if (rel !== 'manifest.json') out.push(rel);
    }
  };
  go(dir);
  return out.sort();
}

function loadState<T>(file: string, read: () => T): { state: ManifestState; value?: T; damaged?: Buffer } {
  if (!existsSync(file)) return { state: 'absent' };
  try {
    return { state: 'ok', value: read() };
  } catch (e) {
    if (!isMomenticError(e)) throw e;
    return { state: 'damaged', damaged: readFileSync(file) };
  }
}

function finish(
  loaded: { state: ManifestState; damaged?: Buffer },
  dirty: boolean,
  hasRecords: boolean,
  files: ZoneFileReport[],
  text: string,
): ZoneRepairPlan {
  const { state } = loaded;
  const manifest: ManifestState =
    state === 'absent'
      ? hasRecords
        ? 'created'
        : 'absent'
      : state === 'damaged'
        ? 'damaged'
        : dirty
          ? 'rebuilt'
          : 'ok';
  const write = state === 'damaged' || dirty || (state === 'absent' && hasRecords);
  return {
    manifest,
    files,
    ...(write ? { text } : {}),
    ...(loaded.damaged === undefined ? {} : { damaged: loaded.damaged }),
  };
}

/** The processed zone: records verified by sha256, the ones that fail dropped. */
export async function planProcessedRepair(home: string): Promise<ZoneRepairPlan> {
  const zone = zonePaths(home).processed;
  const loaded = loadState(join(zone, 'manifest.json'), () => readProcessedManifest(zone));
  const onDisk = walk(zone, ['pairs', 'adjusted']);
  const reports = new Map<string, ZoneFileReport['status']>();
  const kept: Record<string, ProcessedEntry> = {};
  let dirty = false;
  for (const [key, entry] of Object.entries(loaded.value?.datasets ?? {})) {
    let whole = true;
    for (const [rel, f] of Object.entries(entry.files)) {
      const full = join(zone, rel);
      const status = !existsSync(full) ? 'missing' : (await sha256File(full)) === f.sha256 ? 'ok' : 'changed';
      reports.set(rel, status);
      if (status !== 'ok') whole = false;
    }
    if (whole) kept[key] = entry;
    else dirty = true;
  }
  for (const rel of onDisk) if (!reports.has(rel)) reports.set(rel, 'unrecorded');
  const files = [...reports]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([rel, status]) => ({ file: `data/processed/${rel}`, status }));
  const text = `${JSON.stringify({ ...(loaded.value ?? { zone: 'processed' }), datasets: kept }, null, 2)}\n`;
  return finish(loaded, dirty, Object.keys(kept).length > 0, files, text);
}

/** `{stamp}-{source}.csv`, `{stamp}` as QuarantineWriter names its files (`20240102T030405Z`). */
const QUARANTINE_NAME = /^(\d{8}T\d{6}Z)-(.*)\.csv$/;

function recordOf(zone: string, rel: string): QuarantineRecord {
  const [tf = '', dir = '', name = ''] = rel.split('/');
  const m = QUARANTINE_NAME.exec(name);
  const stamp = m?.[1];
  const created =
    stamp === undefined
      ? statSync(join(zone, rel)).mtime.toISOString()
      : `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.000Z`;
  const lines = readFileSync(join(zone, rel), 'utf8')
    .split('\n')
    .filter((l) => l !== '').length;
  return {
    file: rel,
    symbol: symbolOfFile(dir),
    timeframe: tf,
    source: m?.[2] ?? name,
    rows: Math.max(0, lines - 1),
    created_at: created,
  };
}

/** The quarantine zone: its list of files rebuilt from the files. */
export function planQuarantineRepair(home: string): ZoneRepairPlan {
  const zone = zonePaths(home).quarantine;
  const loaded = loadState(join(zone, 'manifest.json'), () => readQuarantineManifest(home));
  const onDisk = new Set(walk(zone));
  const records: QuarantineRecord[] = [];
  const reports: ZoneFileReport[] = [];
  let dirty = false;
  for (const r of loaded.value?.files ?? []) {
    if (onDisk.has(r.file) && !records.some((k) => k.file === r.file)) {
      records.push(r);
      reports.push({ file: `data/quarantine/${r.file}`, status: 'ok' });
    } else {
      reports.push({ file: `data/quarantine/${r.file}`, status: 'missing' });
      dirty = true;
    }
  }
  for (const rel of onDisk) {
    if (records.some((r) => r.file === rel)) continue;
    records.push(recordOf(zone, rel));
    reports.push({ file: `data/quarantine/${rel}`, status: 'registered' });
    dirty = true;
  }
  const text = `${JSON.stringify({ zone: 'quarantine', files: records }, null, 2)}\n`;
  return finish(loaded, dirty, records.length > 0, reports, text);
}
