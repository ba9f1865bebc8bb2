import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { writeFileAtomic } from './atomic.js';
import { unreadableManifest } from './manifest.js';
import { fileSymbol, zonePaths } from './paths.js';
import type { Rejection } from './quality.js';

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export interface QuarantineRecord {
  readonly file: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly source: string;
  readonly rows: number;
  readonly created_at: string;
}

/** The quarantine zone's manifest (`files` empty when there is none yet); DATA_MANIFEST when unreadable. */
export function readQuarantineManifest(home: string): { files: QuarantineRecord[] } {
  const file = join(zonePaths(home).quarantine, 'manifest.json');
  if (!existsSync(file)) return { files: [] };
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw unreadableManifest(file, (e as Error).message);
  }
  const files = (m as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw unreadableManifest(file, 'it has no list of files');
  return { files: files as QuarantineRecord[] };
}

/**
 * Writes rejected rows to `data/quarantine/{tf}/{SYMBOL}/{stamp}-{source}.csv` with their row
 * number, gate and reason and the original text, and lists the file in the zone's manifest.
 * Returns the file's path, or undefined when nothing was rejected.
 */
export function writeQuarantine(
  home: string,
  symbol: string,
  tf: Timeframe,
  source: string,
  rejections: readonly Rejection[],
  now: number = Date.now(),
): string | undefined {
  if (rejections.length === 0) return undefined;
  const zone = zonePaths(home).quarantine;
  // Read first: a damaged manifest stops the write before a file it would not list is made.
  const prev = readQuarantineManifest(home);
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const safeSource = source
    .replace(/^.*[\\/]/, '')
    .replace(/\.(csv|txt)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  const file = join(zone, tf, fileSymbol(symbol), `${stamp}-${safeSource}.csv`);
  const lines = [
    'row,gate,reason,line',
    ...rejections.map((r) => [String(r.row), r.gate, csvCell(r.reason), csvCell(r.line)].join(',')),
  ];
  writeFileAtomic(file, `${lines.join('\n')}\n`);
  const manifestFile = join(zone, 'manifest.json');
  const record: QuarantineRecord = {
    file: relative(zone, file),
    symbol,
    timeframe: tf,
    source,
    rows: rejections.length,
    created_at: new Date(now).toISOString(),
  };
  writeFileAtomic(manifestFile, `${JSON.stringify({ zone: 'quarantine', files: [...prev.files, record] }, null, 2)}\n`);
  return file;
}
