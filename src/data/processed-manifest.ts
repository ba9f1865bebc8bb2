import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unreadableManifest } from './manifest.js';

/**
 * The processed zone's manifest (`data/processed/manifest.json`): what `momentic features build`
 * built from which raw data, so an unchanged symbol is not built again. A record is a cache
 * entry: a symbol without one is simply built again.
 */
export interface ProcessedEntry {
  readonly symbol: string;
  readonly timeframe: string;
  readonly input_sha256: string;
  readonly feature_set: string;
  readonly feature_hash: string;
  /** Bars a year the volatilities were annualized with (absent: 252, before it was recorded). */
  readonly periods_per_year?: number;
  readonly rows: number;
  readonly files: Readonly<Record<string, { sha256: string }>>;
  readonly updated_at: string;
}

export interface ProcessedManifest {
  readonly zone: 'processed';
  readonly datasets: Record<string, ProcessedEntry>;
}

/** The processed zone's manifest (empty when there is none yet); DATA_MANIFEST when unreadable. */
export function readProcessedManifest(dir: string): ProcessedManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return { zone: 'processed', datasets: {} };
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw unreadableManifest(file, (e as Error).message);
  }
  const datasets = (m as { datasets?: unknown } | null)?.datasets;
  if (typeof datasets !== 'object' || datasets === null || Array.isArray(datasets))
    throw unreadableManifest(file, 'it has no datasets');
  return m as ProcessedManifest;
}
