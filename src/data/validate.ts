import type { Timeframe } from '../core/enums.js';
import { getCalendar } from '../calendar/registry.js';
import { candidateOf } from './candidates.js';
import { rawCsvPath } from './paths.js';
import { QualityChecker, type QualityLimits, type QualityReport } from './quality.js';
import { summarize, type QcSummary } from './qc-report.js';
import { registryError, scanRawZone } from './raw-integrity.js';
import { RawStore } from './raw-store.js';
import { scanUserCsvFile } from './user-csv.js';

export interface ValidateOptions {
  readonly home: string;
  /** Only these symbols (default: every dataset in the raw zone). */
  readonly symbols?: readonly string[];
  readonly timeframe?: Timeframe;
  /** Limits of the range and jump gates (config `data.quality`; defaults otherwise). */
  readonly limits?: QualityLimits;
}

export interface ValidateEntry {
  readonly qc: QcSummary;
  readonly quality: QualityReport;
}

/** Rejected rows listed per dataset (the count covers all of them). */
const KEPT_REJECTIONS = 10_000;

/**
 * Re-checks the raw zone. First its integrity: every file of the datasets checked must be the one
 * the manifest records, byte for byte (a DATA_MANIFEST error names the first that is not
 * registered, missing or changed). Then every dataset's rows go through the quality gates again
 * and are measured against the dataset's calendar for gaps. CSV files are streamed; a dataset
 * left without bars fails.
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
  const out: ValidateEntry[] = [];
  for (const e of entries) {
    const tf = e.timeframe as Timeframe;
    // One dataset in memory at a time; its files are hashed as they are read.
    const read = await new RawStore(o.home, e.format).readChecked(e.symbol, tf);
    const checker = new QualityChecker(e.symbol, tf, getCalendar(e.calendar), {
      keepRejections: KEPT_REJECTIONS,
      expectedRows: e.rows,
      ...(o.limits === undefined ? {} : { limits: o.limits }),
    });
    const csv = rawCsvPath(o.home, tf, e.symbol);
    if (e.format === 'csv' && read !== undefined) {
      // The bytes the record vouches for: an interrupted append after them is not the dataset's.
      const bytes = read.files[0]?.record?.bytes;
      const scan = scanUserCsvFile(csv, {
        file: csv,
        timeframe: tf,
        dateFormat: 'YYYY-MM-DD',
        symbol: e.symbol,
        allowEmpty: true,
        ...(bytes === undefined ? {} : { limit: bytes }),
      });
      for (const c of scan.candidates) checker.push(c);
    } else {
      const series = read?.series;
      for (let i = 0; i < (series?.length ?? 0); i++) {
        checker.push(candidateOf((series as NonNullable<typeof series>).at(i), i + 1));
      }
    }
    const quality = checker.finish();
    out.push({ qc: summarize(quality), quality });
  }
  return out;
}
