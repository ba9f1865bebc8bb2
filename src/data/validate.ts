import { existsSync, readFileSync } from 'node:fs';
import type { Timeframe } from '../core/enums.js';
import { getCalendar } from '../calendar/registry.js';
import { candidateOf, type CandidateBar } from './candidates.js';
import { rawCsvPath } from './paths.js';
import { checkQuality, type QualityResult } from './quality.js';
import { summarize, type QcSummary } from './qc-report.js';
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
 * Re-checks the raw zone: every dataset's rows go through the quality gates again (a file may
 * have been edited by hand) and are measured against the dataset's calendar for gaps.
 */
export async function validateRaw(o: ValidateOptions): Promise<ValidateEntry[]> {
  const store = new RawStore(o.home);
  const wanted = o.symbols === undefined ? undefined : new Set(o.symbols.map((s) => s.toUpperCase()));
  const entries = store
    .list()
    .filter(
      (e) =>
        (wanted === undefined || wanted.has(e.symbol.toUpperCase())) &&
        (o.timeframe === undefined || e.timeframe === o.timeframe),
    );
  const out: ValidateEntry[] = [];
  for (const e of entries) {
    const tf = e.timeframe as Timeframe;
    const calendar = getCalendar(e.calendar);
    let candidates: CandidateBar[];
    const csv = rawCsvPath(o.home, tf, e.symbol);
    if (e.format === 'csv' && existsSync(csv)) {
      candidates = parseUserCsv(readFileSync(csv, 'utf8'), { file: csv, timeframe: tf }).candidates;
    } else {
      const series = await new RawStore(o.home, e.format).read(e.symbol, tf);
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
