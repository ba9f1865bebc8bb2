import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import type { TradingCalendar } from '../calendar/types.js';
import type { CandidateBar } from './candidates.js';
import type { BarFormat } from './paths.js';
import { readQuarantineManifest, writeQuarantine } from './quarantine.js';
import { checkQuality, hasFailures, type QualityResult } from './quality.js';
import { summarize, type QcSummary } from './qc-report.js';
import { RawStore, type WriteResult } from './raw-store.js';
import { parseUserCsv, type UserField } from './user-csv.js';

export interface ImportOptions {
  readonly home: string;
  readonly file: string;
  readonly symbol: string;
  readonly calendar: TradingCalendar;
  readonly format: BarFormat;
  readonly map?: Partial<Record<UserField, string>>;
  readonly tz?: string;
  readonly adjusted?: boolean;
  readonly timeframe?: Timeframe;
  readonly force?: boolean;
  /** Check only: write nothing (no raw rows, no quarantine). */
  readonly dryRun?: boolean;
  /** Reads a file layout other than a headed CSV (e.g. a Binance kline dump). */
  readonly parser?: (text: string) => { timeframe: Timeframe; candidates: CandidateBar[]; notes: string[] };
  /** Provider name recorded in the manifest (default `csv`). */
  readonly provider?: string;
}

export interface ImportReport {
  readonly qc: QcSummary;
  readonly quality: QualityResult;
  readonly write?: WriteResult;
  readonly quarantine?: string;
  readonly notes: readonly string[];
  /** Whether a gate failed (rejected rows or gaps): the CLI exits 3. */
  readonly failed: boolean;
}

/**
 * Imports a user OHLCV file: parse with the column mapping, run the quality gates against the
 * instrument's calendar, write the good rows to the raw zone and the bad ones to the quarantine
 * with their reasons. Nothing is lost: every source row ends up in one of the two.
 */
export async function importFile(o: ImportOptions): Promise<ImportReport> {
  let text: string;
  try {
    if (!statSync(o.file).isFile()) throw new Error('not a file');
    text = readFileSync(o.file, 'utf8');
  } catch {
    throw new DataError('DATA_NOT_FOUND', `cannot read ${o.file}`, {
      hint: 'check the --file path',
      context: { file: o.file },
    });
  }
  const parsed =
    o.parser !== undefined
      ? o.parser(text)
      : parseUserCsv(text, {
          file: o.file,
          ...(o.map === undefined ? {} : { map: o.map }),
          ...(o.tz === undefined ? {} : { tz: o.tz }),
          ...(o.adjusted === undefined ? {} : { adjusted: o.adjusted }),
          ...(o.timeframe === undefined ? {} : { timeframe: o.timeframe }),
        });
  const quality = checkQuality(o.symbol, parsed.timeframe, parsed.candidates, o.calendar);
  const notes = [...parsed.notes, ...quality.notes];
  if (o.dryRun === true) {
    return { qc: summarize(quality), quality, notes, failed: hasFailures(quality) };
  }
  // Both zones are checked before either is written: a damaged manifest, or a dataset that
  // disagrees with it, stops the import with nothing written.
  const store = new RawStore(o.home, o.format);
  await store.check(o.symbol, parsed.timeframe, { force: o.force === true });
  readQuarantineManifest(o.home);
  const quarantine = writeQuarantine(o.home, o.symbol, parsed.timeframe, basename(o.file), quality.rejected);
  const write =
    quality.good.length === 0
      ? undefined
      : await store.write(
          o.symbol,
          parsed.timeframe,
          quality.good,
          { provider: o.provider ?? 'csv', calendar: o.calendar.name, file: basename(o.file) },
          { force: o.force === true },
        );
  return {
    qc: summarize(quality),
    quality,
    notes,
    failed: hasFailures(quality),
    ...(write === undefined ? {} : { write }),
    ...(quarantine === undefined ? {} : { quarantine }),
  };
}
