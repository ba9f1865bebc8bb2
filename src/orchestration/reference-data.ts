/**
 * Fetches reference data through a ReferenceDataProvider into `data/reference/` (assets point in
 * time, corporate actions, events) and imports a user's events CSV. Every record passes the
 * same reader the universe and the corporate actions use (the file contract is the gate); a
 * refused record goes to `data/quarantine/reference/` with its reason, never silently dropped.
 * `data/reference/manifest.json` records, per file, its sha256, rows and the fetches that made it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DataError } from '../core/errors.js';
import type { AssetRecord, CorporateAction, ScheduledEvent } from '../core/reference-data.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { FetchOptions, ReferenceDataProvider, ReferenceRowRejection } from '../engine/ports.js';
import {
  assetsCsv,
  corporateActionsCsv,
  eventsCsv,
  readAssets,
  readCorporateActions,
  readEvents,
  referenceDir,
  referenceFiles,
  type ReferenceRead,
} from '../universe/reference-files.js';

export type ReferenceKind = 'assets' | 'corporate-actions' | 'events';

export interface ReferenceFetchRequest {
  readonly home: string;
  /** Undefined when only a user's events file is imported. */
  readonly provider?: ReferenceDataProvider;
  readonly symbols: readonly string[];
  /** Days to snapshot the asset records on (a provider may stamp its own day, see the port). */
  readonly asOf: readonly string[];
  /** Range of ex-dates (corporate actions) and event dates. */
  readonly from: string;
  readonly to: string;
  /** A user's events CSV (`symbol,date,event,time`), checked by the events reader. */
  readonly eventsFile?: string;
  readonly now?: number;
  readonly signal?: AbortSignal;
  /** Called after each step (`assets 2024-01-02`, `corporate-actions`, `events`). */
  readonly onStep?: (step: string) => void;
}

export interface ReferenceFileReport {
  readonly kind: ReferenceKind;
  readonly file: string;
  /** Records in the file after the write. */
  readonly rows: number;
  /** Records this run received and kept. */
  readonly added: number;
  readonly quarantined: number;
  readonly quarantineFile?: string;
  readonly sha256: string;
}

export interface ReferenceFetchReport {
  readonly provider: string;
  readonly files: ReferenceFileReport[];
  readonly quarantined: number;
  readonly manifest: string;
}

interface ManifestEntry {
  sha256: string;
  rows: number;
  updated_at: string;
  fetches: { source: string; at: string; as_of?: string[]; from?: string; to?: string; file?: string }[];
}

const MAX_FETCHES_KEPT = 50;

/** Steps this request will take (for a progress bar). */
export function referenceSteps(req: Omit<ReferenceFetchRequest, 'home'>): number {
  if (req.provider === undefined) return 1;
  return req.asOf.length + 1 + (req.provider.events !== undefined || req.eventsFile !== undefined ? 1 : 0);
}

export async function fetchReference(req: ReferenceFetchRequest): Promise<ReferenceFetchReport> {
  const now = req.now ?? Date.now();
  const files = referenceFiles(req.home);
  const opts: FetchOptions = req.signal === undefined ? {} : { signal: req.signal };
  const source = req.provider?.name ?? 'user';
  const reports: ReferenceFileReport[] = [];
  const manifest = readReferenceManifest(req.home);
  const stamp = new Date(now).toISOString();
  // A bad row in an existing file stops the run before any file is written (no half update).
  for (const [file, read] of [
    [files.assets, readAssets],
    [files.corporateActions, readCorporateActions],
    [files.events, readEvents],
  ] as const) {
    if (existsSync(file)) refuseBadExisting(file, read(file));
  }

  if (req.provider !== undefined) {
    const p = req.provider;
    // Fetch everything before writing anything: a venue error leaves the files as they were.
    const fetchedAssets: AssetRecord[] = [];
    const rejectedAssets: ReferenceRowRejection[] = [];
    for (const day of req.asOf) {
      const batch = await p.assets(req.symbols, day, opts);
      fetchedAssets.push(...batch.records);
      rejectedAssets.push(...batch.rejected);
      req.onStep?.(`assets ${day}`);
    }
    const actions = await p.corporateActions(req.symbols, req.from, req.to, opts);
    req.onStep?.('corporate-actions');
    const events = p.events === undefined ? undefined : await p.events(req.symbols, req.from, req.to);

    const fetch = { source: p.name, at: stamp };
    reports.push(
      update(req.home, 'assets', files.assets, fetchedAssets, rejectedAssets, assetsCsv, readAssets, {
        key: (r) => `${r.symbol}|${r.asOf}`,
        now,
        source: p.name,
      }),
    );
    note(manifest, files.assets, { ...fetch, as_of: [...new Set(fetchedAssets.map((r) => r.asOf))] });
    const inWindow = (r: CorporateAction): boolean =>
      r.source === p.name && req.symbols.includes(r.symbol) && req.from <= r.exDate && r.exDate <= req.to;
    reports.push(
      update(
        req.home,
        'corporate-actions',
        files.corporateActions,
        actions.records,
        actions.rejected,
        corporateActionsCsv,
        readCorporateActions,
        // A refetch of a window replaces this provider's actions in it (a cancelled dividend goes away).
        { key: (r) => `${r.symbol}|${r.type}|${r.exDate}|${r.source}`, now, source: p.name, drop: inWindow },
      ),
    );
    note(manifest, files.corporateActions, { ...fetch, from: req.from, to: req.to });
    if (events !== undefined) {
      reports.push(
        update(req.home, 'events', files.events, events.records, events.rejected, eventsCsv, readEvents, {
          key: eventKey,
          now,
          source: p.name,
        }),
      );
      note(manifest, files.events, { ...fetch, from: req.from, to: req.to });
    }
  }

  if (req.eventsFile !== undefined) {
    const user = readEvents(req.eventsFile);
    const rejected = user.rejected.map((r) => ({ where: `${r.file}:${r.line}`, raw: r.raw, reason: r.reason }));
    const merged = update(req.home, 'events', files.events, user.records, rejected, eventsCsv, readEvents, {
      key: eventKey,
      now,
      source: 'user',
    });
    const before = reports.findIndex((r) => r.kind === 'events');
    if (before >= 0) {
      const prior = reports[before] as ReferenceFileReport;
      reports[before] = {
        ...merged,
        added: prior.added + merged.added,
        quarantined: prior.quarantined + merged.quarantined,
      };
    } else reports.push(merged);
    note(manifest, files.events, { source: 'user', at: stamp, file: req.eventsFile });
  }
  req.onStep?.('events');

  for (const r of reports) {
    const entry = manifest.files[relative(referenceDir(req.home), r.file)];
    if (entry !== undefined) Object.assign(entry, { sha256: r.sha256, rows: r.rows, updated_at: stamp });
  }
  const manifestFile = join(referenceDir(req.home), 'manifest.json');
  writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    provider: source,
    files: reports,
    quarantined: reports.reduce((n, r) => n + r.quarantined, 0),
    manifest: manifestFile,
  };
}

const eventKey = (r: ScheduledEvent): string => `${r.symbol}|${r.date}|${r.event}`;

interface UpdateOptions<T> {
  readonly key: (r: T) => string;
  readonly now: number;
  readonly source: string;
  /** Existing records to remove before the new ones go in. */
  readonly drop?: (r: T) => boolean;
}

/**
 * Checks new records through the file's own reader (written to a scratch file, read back), merges
 * the good ones over the existing file by key, writes it atomically, and quarantines the refused
 * ones (the provider's and the reader's) together.
 */
function update<T>(
  home: string,
  kind: ReferenceKind,
  file: string,
  fresh: readonly T[],
  providerRejects: readonly ReferenceRowRejection[],
  toCsv: (r: readonly T[]) => string,
  read: (file: string) => ReferenceRead<T>,
  o: UpdateOptions<T>,
): ReferenceFileReport {
  mkdirSync(referenceDir(home), { recursive: true });
  const scratch = `${file}.check-${process.pid}`;
  let checked: ReferenceRead<T>;
  try {
    writeFileAtomic(scratch, toCsv(fresh));
    checked = read(scratch);
  } finally {
    rmSync(scratch, { force: true });
  }
  const rejects: ReferenceRowRejection[] = [
    ...providerRejects,
    ...checked.rejected.map((r) => ({ where: `${o.source} record ${r.line - 1}`, raw: r.raw, reason: r.reason })),
  ];
  const existing = existsSync(file) ? read(file) : { records: [] as T[], rejected: [] };
  refuseBadExisting(file, existing);
  const byKey = new Map<string, T>();
  for (const r of existing.records) if (o.drop === undefined || !o.drop(r)) byKey.set(o.key(r), r);
  for (const r of checked.records) byKey.set(o.key(r), r);
  writeFileAtomic(file, toCsv([...byKey.values()]));
  const written = read(file);
  const quarantineFile = writeReferenceQuarantine(home, kind, o.source, rejects, o.now);
  return {
    kind,
    file,
    rows: written.records.length,
    added: checked.records.length,
    quarantined: rejects.length,
    ...(quarantineFile === undefined ? {} : { quarantineFile }),
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
  };
}

function refuseBadExisting(file: string, read: ReferenceRead<unknown>): void {
  const first = read.rejected[0];
  if (first === undefined) return;
  throw new DataError('DATA_INVALID', `${file} line ${first.line}: ${first.reason}`, {
    hint: `fix or remove the ${read.rejected.length} bad row(s) of the existing file, then rerun (nothing was written)`,
    context: { file, line: first.line },
  });
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `data/quarantine/reference/{stamp}-{kind}-{source}.csv`: where, reason, raw record. */
export function writeReferenceQuarantine(
  home: string,
  kind: ReferenceKind,
  source: string,
  rejects: readonly ReferenceRowRejection[],
  now: number,
): string | undefined {
  if (rejects.length === 0) return undefined;
  const dir = join(home, 'data', 'quarantine', 'reference');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `${stamp}-${kind}-${source.replace(/[^a-z0-9_-]/gi, '_')}.csv`);
  const lines = ['where,reason,raw', ...rejects.map((r) => [r.where, r.reason, r.raw].map(csvCell).join(','))];
  writeFileAtomic(file, `${lines.join('\n')}\n`);
  return file;
}

interface ReferenceManifest {
  files: Record<string, ManifestEntry>;
}

function readReferenceManifest(home: string): ReferenceManifest {
  const file = join(referenceDir(home), 'manifest.json');
  if (!existsSync(file)) return { files: {} };
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as ReferenceManifest;
    if (typeof m.files !== 'object' || m.files === null) throw new Error('it has no "files" object');
    return m;
  } catch (e) {
    throw new DataError('DATA_MANIFEST', `cannot read ${file}: ${(e as Error).message}`, {
      hint: 'delete the file and rerun the fetch: it records where the reference files came from',
      context: { file },
    });
  }
}

function note(m: ReferenceManifest, file: string, fetch: ManifestEntry['fetches'][number]): void {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const entry = (m.files[name] ??= { sha256: '', rows: 0, updated_at: '', fetches: [] });
  entry.fetches = [...entry.fetches, fetch].slice(-MAX_FETCHES_KEPT);
}
