import { readFileSync } from 'node:fs';
import type { Timeframe } from '../core/enums.js';
import { getCalendar } from '../calendar/registry.js';
import { candidateOf, type CandidateBar } from './candidates.js';
import { rawCsvPath } from './paths.js';
import { checkQuality, type QualityResult } from './quality.js';
import { summarize, type QcSummary } from './qc-report.js';
import { registryError, scanRawZone } from './raw-integrity.js';
import { RawStore } from './raw-store.js';
import { parseUserCsv } from './user-csv.js';

export interface ValidateOptions {
  readonly home: string;
  /** Only these symbols (default: every dataset in the raw zone). */
  readonly symbols?: readonly string[];
  readonly timeframe?: Timeframe;
}

export interface ValidateEntry {
  readonly qc: QcSummary;
  readonly quality: QualityResult;
}

/**
 * Re-checks the raw zone. First its integrity: every file of the datasets checked must be the one
 * the manifest records, byte for byte (a DATA_MANIFEST error names the first that is not
 * registered, missing or changed). Then every dataset's rows go through the quality gates again
 * and are measured against the dataset's calendar for gaps.
 */
export async function validateRaw(o: ValidateOptions): Promise<ValidateEntry[]> {
  const store = new RawStore(o.home);
  const wanted = o.symbols === undefined ? undefined : new Set(o.symbols.map((s) => s.toUpperCase()));
  const isWanted = (symbol: string, tf: string): boolean =>
    (wanted === undefined || wanted.has(symbol.toUpperCase())) && (o.timeframe === undefined || tf === o.timeframe);
  const manifest = store.manifest();
  const disagreement = registryError(
    o.home,
    {
      ...manifest,
      datasets: Object.fromEntries(
        Object.entries(manifest.datasets).filter(([, e]) => isWanted(e.symbol, e.timeframe)),
      ),
    },
    scanRawZone(o.home).filter((d) => isWanted(d.symbol, d.timeframe)),
  );
  if (disagreement !== undefined) throw disagreement;
  const entries = Object.values(manifest.datasets).filter((e) => isWanted(e.symbol, e.timeframe));
  const checked = [];
  for (const e of entries)
    checked.push(await new RawStore(o.home, e.format).readChecked(e.symbol, e.timeframe as Timeframe));
  const out: ValidateEntry[] = [];
  for (const [k, e] of entries.entries()) {
    const tf = e.timeframe as Timeframe;
    const calendar = getCalendar(e.calendar);
    let candidates: CandidateBar[];
    const csv = rawCsvPath(o.home, tf, e.symbol);
    const read = checked[k];
    if (e.format === 'csv' && read !== undefined) {
      // The bytes the record vouches for: an interrupted append after them is not the dataset's.
      const bytes = read.files[0]?.record?.bytes;
      const text = readFileSync(csv).subarray(0, bytes).toString('utf8');
      candidates = parseUserCsv(text, { file: csv, timeframe: tf }).candidates;
    } else {
      const series = read?.series;
      candidates = [];
      for (let i = 0; i < (series?.length ?? 0); i++) {
        const b = (series as NonNullable<typeof series>).at(i);
        candidates.push(candidateOf(b, i + 1));
      }
    }
    const quality = checkQuality(e.symbol, tf, candidates, calendar);
    out.push({ qc: summarize(quality), quality });
  }
  return out;
}
