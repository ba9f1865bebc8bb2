/**
 * A run's `data.prices` applied to its raw bars (docs/corporate-actions.md): the series it trades
 * on and the splits and dividends booked on its positions, from the workspace's
 * `data/reference/corporate-actions.csv` (no file: no actions, every mode trades the raw bars).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { BarSeries } from '../core/bar.js';
import { DataError } from '../core/errors.js';
import type { PositionEvent } from '../engine/engine-options.js';
import { adjustSeries, planAdjustment, positionEvents, type PriceMode } from '../universe/corporate-adjust.js';
import { readCorporateActions, referenceFiles } from '../universe/reference-files.js';

export interface RunPrices {
  readonly series: BarSeries[];
  /** Sorted by time. */
  readonly positionEvents: PositionEvent[];
  /** The actions file the run read, for the run's record (absent when there is none). */
  readonly file?: { readonly path: string; readonly sha256: string };
}

/**
 * The series of `mode` and its position events. An action of a run's symbol that cannot be applied
 * (no bar on its ex-date, an absurd ratio, a bad row) stops the run: trading through it would
 * book a price gap as profit or loss.
 */
export function runPrices(home: string, series: readonly BarSeries[], mode: PriceMode): RunPrices {
  const file = referenceFiles(home).corporateActions;
  if (!existsSync(file)) return { series: [...series], positionEvents: [] };
  const read = readCorporateActions(file);
  const symbols = new Set(series.map((s) => s.symbol));
  const badRow = read.rejected.find((r) => symbols.has(r.raw.split(',')[0] ?? ''));
  if (badRow !== undefined) {
    throw new DataError('DATA_INVALID', `${file}:${badRow.line}: ${badRow.reason}`, {
      hint: 'fix or delete the row (docs/corporate-actions.md), or run with data.prices: raw',
      context: { file, line: badRow.line },
    });
  }
  const out: BarSeries[] = [];
  const events: PositionEvent[] = [];
  for (const s of series) {
    const adj = planAdjustment(s, read.records);
    const refused = adj.refused[0];
    if (refused !== undefined) {
      throw new DataError(
        'DATA_INVALID',
        `${file}: ${s.symbol} ${refused.action.type} ${refused.action.exDate}: ${refused.reason}`,
        {
          hint: 'fix the action in the file (momentic data adjust lists every refused action), or its bars',
          context: { file, value: `${s.symbol} ${refused.action.exDate}` },
        },
      );
    }
    out.push(adjustSeries(s, adj, mode));
    events.push(...positionEvents(s, adj, mode));
  }
  events.sort((a, b) => a.ts - b.ts);
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { series: out, positionEvents: events, file: { path: 'data/reference/corporate-actions.csv', sha256 } };
}
