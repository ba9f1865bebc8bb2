import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import type { TradingCalendar } from '../calendar/types.js';
import type { CandidateBar } from './candidates.js';
import { statUserFile } from './csv-file.js';
import type { DateFormat } from './date-layout.js';
import type { BarFormat } from './paths.js';
import { QuarantineWriter, readQuarantineManifest } from './quarantine.js';
import { QualityChecker, hasFailures, type QualityLimits, type QualityReport } from './quality.js';
import { summarize, type QcSummary } from './qc-report.js';
import { RawStore, type WriteResult } from './raw-store.js';
import { scanUserCsvFile, type UserField } from './user-csv.js';

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
  /** Layout of the date cells (found from the data when absent). */
  readonly dateFormat?: DateFormat;
  /** Limits of the range and jump gates (config `data.quality`; defaults otherwise). */
  readonly limits?: QualityLimits;
  readonly force?: boolean;
  /** Check only: write nothing (no raw rows, no quarantine). */
  readonly dryRun?: boolean;
  /** Reads a file layout other than a headed CSV (e.g. a Binance kline dump), from the whole text. */
  readonly parser?: (text: string) => { timeframe: Timeframe; candidates: CandidateBar[]; notes: string[] };
  /** Provider name recorded in the manifest (default `csv`). */
  readonly provider?: string;
  /** Bytes per read of the file (default 8 MiB). */
  readonly chunkBytes?: number;
  /** The clock for the future gate and the quarantine file name. */
  readonly now?: number;
}

export interface ImportReport {
  readonly qc: QcSummary;
  readonly quality: QualityReport;
  readonly write?: WriteResult;
  readonly quarantine?: string;
  readonly notes: readonly string[];
  /** Whether a gate failed (rejected rows, gaps or no bar at all): the CLI exits 3. */
  readonly failed: boolean;
}

/** Rejected rows kept in the report (all of them are in the quarantine file). */
export const KEPT_REJECTIONS = 10_000;
/** Files read whole (the `parser` layouts) must fit one JS string: V8's limit is 2^29 - 24 characters. */
export const MAX_WHOLE_FILE_BYTES = 2 ** 29 - 24;

interface Source {
  readonly timeframe: Timeframe;
  readonly candidates: Iterable<CandidateBar>;
  readonly notes: string[];
  readonly descending: boolean;
  readonly expectedRows: number;
  readonly columns: Partial<Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume', string>>;
  close(): void;
}

/**
 * Imports a user OHLCV file: stream it through the column mapping and the quality gates against
 * the instrument's calendar, write the good rows to the raw zone and the bad ones to the
 * quarantine with their reasons. Nothing is lost: every source row ends up in one of the two.
 * Memory stays flat whatever the file size, but for the good bars' columns (~56 bytes a bar).
 */
export async function importFile(o: ImportOptions): Promise<ImportReport> {
  const src = o.parser === undefined ? openCsvSource(o) : wholeFileSource(o, o.parser);
  const store = new RawStore(o.home, o.format);
  let quarantine: QuarantineWriter | undefined;
  try {
    if (o.dryRun !== true) {
      // Both zones are checked before either is written (the quarantine file grows while the
      // source streams): a damaged manifest, or a dataset that disagrees with it, stops the
      // import with nothing written.
      await store.check(o.symbol, src.timeframe, { force: o.force === true });
      readQuarantineManifest(o.home);
      quarantine = new QuarantineWriter(o.home, o.symbol, src.timeframe, basename(o.file), o.now);
    }
    const q = quarantine;
    const checker = new QualityChecker(o.symbol, src.timeframe, o.calendar, {
      columns: src.columns,
      descending: src.descending,
      expectedRows: src.expectedRows,
      keepRejections: KEPT_REJECTIONS,
      ...(o.limits === undefined ? {} : { limits: o.limits }),
      // A bar dated after tomorrow cannot have been traded (a day of slack for time zones ahead of UTC).
      notAfter: (o.now ?? Date.now()) + 86_400_000,
      ...(q === undefined ? {} : { onReject: (r) => q.add(r) }),
    });
    for (const c of src.candidates) checker.push(c);
    const quality = checker.finish();
    const notes = [...src.notes, ...quality.notes];
    const failed = hasFailures(quality);
    if (quarantine === undefined) return { qc: summarize(quality), quality, notes, failed };
    const write =
      quality.series.length === 0
        ? undefined
        : await store.write(
            o.symbol,
            src.timeframe,
            quality.series,
            { provider: o.provider ?? 'csv', calendar: o.calendar.name, file: basename(o.file) },
            { force: o.force === true },
          );
    // The quarantine is kept only once the good rows are safely in: a refused import leaves nothing.
    const file = quarantine.commit();
    return {
      qc: summarize(quality),
      quality,
      notes,
      failed,
      ...(write === undefined ? {} : { write }),
      ...(file === undefined ? {} : { quarantine: file }),
    };
  } catch (e) {
    quarantine?.abort();
    throw e;
  } finally {
    src.close();
  }
}

function openCsvSource(o: ImportOptions): Source {
  const scan = scanUserCsvFile(o.file, {
    file: o.file,
    symbol: o.symbol,
    ...(o.map === undefined ? {} : { map: o.map }),
    ...(o.tz === undefined ? {} : { tz: o.tz }),
    ...(o.adjusted === undefined ? {} : { adjusted: o.adjusted }),
    ...(o.timeframe === undefined ? {} : { timeframe: o.timeframe }),
    ...(o.dateFormat === undefined ? {} : { dateFormat: o.dateFormat }),
    ...(o.chunkBytes === undefined ? {} : { chunkBytes: o.chunkBytes }),
  });
  const m = scan.mapping;
  const columns = Object.fromEntries(
    (['open', 'high', 'low', 'close', 'volume'] as const)
      .map((f) => [f, m[f] ?? f])
      .concat([['time', m.date ?? 'date']]),
  );
  return {
    timeframe: scan.timeframe,
    candidates: scan.candidates,
    notes: scan.notes,
    descending: scan.descending,
    expectedRows: scan.estimatedRows,
    columns,
    close: () => scan.close(),
  };
}

function wholeFileSource(o: ImportOptions, parser: NonNullable<ImportOptions['parser']>): Source {
  const size = statUserFile(o.file);
  if (size > MAX_WHOLE_FILE_BYTES) {
    throw new DataError(
      'DATA_INVALID',
      `${o.file} is ${Math.round(size / 2 ** 20)} MiB; this layout is read whole, at most 511 MiB`,
      {
        hint: 'split the file into smaller ones (e.g. one month per file, as Binance publishes its dumps) and import each',
        context: { file: o.file },
      },
    );
  }
  const parsed = parser(readFileSync(o.file, 'utf8'));
  return {
    timeframe: parsed.timeframe,
    candidates: parsed.candidates,
    notes: parsed.notes,
    descending: false,
    expectedRows: parsed.candidates.length,
    columns: {},
    close() {},
  };
}
