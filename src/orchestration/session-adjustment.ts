/**
 * Which corporate actions a session's bars already carry, so the check before the open
 * (corporate-action-open.ts) does not apply them a second time:
 *   - a replayed output of `momentic data adjust` (`data/processed/adjusted/{mode}/{tf}/SYMBOL.csv`)
 *     carries every action of its `SYMBOL.factors.csv`, in every bar the session trades;
 *   - Alpaca's warm-up history with `venues.alpaca.adjustment: split` or `all` is fetched when the
 *     session starts, split-adjusted through that day: a split whose ex-date is the start day (or
 *     earlier) is already in it. Nothing is traded on that history, so a position resumed from
 *     fills before the ex-date is still in the shares of those fills and is split as usual.
 * A replayed raw file, and a venue without adjusted history, carry none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import type { CorporateAction } from '../universe/reference-files.js';
import type { ReflectedActions } from './corporate-action-open.js';

/** The factors file `data adjust` writes next to an adjusted bars file (adjust-data.ts). */
export function factorsFileOf(barsFile: string): string {
  return barsFile.replace(/\.csv$/, '.factors.csv');
}

/**
 * The actions a replayed file carries: those of its factors file (`ex_date,type,factor,cumulative`),
 * undefined when it has none (a raw file). One file is one symbol's bars.
 */
export function replayReflected(file: string): ReflectedActions | undefined {
  const factors = factorsFileOf(file);
  if (factors === file || !existsSync(factors)) return undefined;
  const lines = readFileSync(factors, 'utf8').trimEnd().split(/\r?\n/);
  const head = (lines[0] ?? '').split(',');
  const col = (name: string): number => head.indexOf(name);
  const [ex, type, factor] = [col('ex_date'), col('type'), col('factor')];
  if (ex < 0 || type < 0 || factor < 0) {
    throw new DataError('DATA_INVALID', `${factors}: expected the columns ex_date,type,factor of \`data adjust\``, {
      hint: 'rerun momentic data adjust, or replay the raw file instead',
      context: { file: factors },
    });
  }
  const rows = lines.slice(1).map((l, i) => {
    const c = l.split(',');
    const row = { exDate: c[ex] ?? '', type: c[type] ?? '', factor: Number(c[factor]) };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(row.exDate) || !(row.factor > 0)) {
      throw new DataError('DATA_INVALID', `${factors}:${i + 2}: not a row of \`data adjust\`: ${l}`, {
        hint: 'rerun momentic data adjust, or replay the raw file instead',
        context: { file: factors, line: i + 2 },
      });
    }
    return row;
  });
  const keys = new Set(rows.map((r) => `${r.type}|${r.exDate}`));
  const splits = rows.filter((r) => r.type === 'split').map((r) => ({ exDate: r.exDate, factor: r.factor }));
  return {
    has: (a: CorporateAction) => keys.has(`${a.type}|${a.exDate}`),
    splits: () => splits,
    traded: true,
  };
}

/** A venue's warm-up history, split-adjusted through `startDay` when its adjustment says so. */
export function venueReflected(adjustment: string, startDay: string): ReflectedActions | undefined {
  if (adjustment !== 'split' && adjustment !== 'all') return undefined;
  return {
    has: (a: CorporateAction) => a.type === 'split' && a.exDate <= startDay,
    splits: () => [],
    traded: false,
  };
}
