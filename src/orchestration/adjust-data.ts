/**
 * `momentic data adjust`: split- and dividend-adjusted copies of the raw bars in the processed
 * zone (docs/corporate-actions.md). Raw stays raw; per mode and symbol:
 *   data/processed/adjusted/{mode}/{tf}/{SYMBOL}.csv          the back-adjusted bars
 *   data/processed/adjusted/{mode}/{tf}/{SYMBOL}.factors.csv  ex_date,type,factor,cumulative
 *   data/processed/adjusted/manifest.json                     inputs' sha256, outputs, refusals
 *   data/processed/adjusted/refused.csv                       symbol,action,reason of each refusal
 * Actions that cannot be applied are refused with their reason; the symbol's other actions are
 * applied. (The quarantine zone holds bar rows by symbol; refused actions live beside the output.)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Timeframe } from '../core/enums.js';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { writeCsvBars } from '../data/csv-bars.js';
import { fileSymbol, zonePaths, type BarFormat } from '../data/paths.js';
import { RawStore } from '../data/raw-store.js';
import {
  adjustSeries,
  factorRows,
  planAdjustment,
  type Adjustment,
  type PriceMode,
} from '../universe/corporate-adjust.js';
import { readCorporateActions, referenceFiles, type CorporateAction } from '../universe/reference-files.js';

/** The modes written: raw is the raw zone itself. */
export const ADJUSTED_MODES = ['split', 'total-return'] as const satisfies readonly PriceMode[];

export interface AdjustProblem {
  readonly symbol: string;
  /** `type ex_date`, or the file line of a row that could not be read. */
  readonly action: string;
  readonly reason: string;
}

export interface AdjustResult {
  /** Symbols adjusted, with their applied and skipped actions. */
  readonly adjusted: readonly {
    readonly symbol: string;
    readonly applied: number;
    readonly skipped: readonly AdjustProblem[];
  }[];
  /** Actions refused (and rows of the file that could not be read). */
  readonly refused: readonly AdjustProblem[];
  /** Symbols with actions (or asked for) and no bars of the timeframe. */
  readonly noData: readonly string[];
  readonly manifest: string;
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
const label = (a: CorporateAction): string => `${a.type} ${a.exDate}`;

export function adjustedDir(home: string): string {
  return join(zonePaths(home).processed, 'adjusted');
}

/** `data/processed/adjusted/{mode}/{tf}/{SYMBOL}.csv` */
export function adjustedCsvPath(home: string, mode: PriceMode, tf: Timeframe, symbol: string): string {
  return join(adjustedDir(home), mode, tf, `${fileSymbol(symbol)}.csv`);
}

export async function adjustData(o: {
  readonly home: string;
  readonly format: BarFormat;
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly now?: () => Date;
}): Promise<AdjustResult> {
  const { home, timeframe } = o;
  const file = referenceFiles(home).corporateActions;
  if (!existsSync(file)) {
    throw new DataError('DATA_NOT_FOUND', `no corporate actions file at ${file}`, {
      hint: 'write it (header: symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source) or fetch reference data first',
      context: { file },
    });
  }
  const text = readFileSync(file);
  const read = readCorporateActions(file);
  const store = new RawStore(home, o.format);
  const stored = store
    .list()
    .filter((e) => e.timeframe === timeframe)
    .map((e) => e.symbol);
  const withActions = [...new Set(read.records.map((a) => a.symbol))];
  const wanted = o.symbols ?? [...new Set([...stored, ...withActions])].sort();
  const refused: AdjustProblem[] = read.rejected.map((r) => ({
    symbol: r.raw.split(',')[0] ?? '',
    action: `line ${r.line}`,
    reason: r.reason,
  }));
  const adjusted: { symbol: string; applied: number; skipped: AdjustProblem[] }[] = [];
  const noData: string[] = [];
  const datasets: Record<string, unknown> = {};
  const updatedAt = (o.now?.() ?? new Date()).toISOString();
  for (const symbol of wanted) {
    const got = await store.readChecked(symbol, timeframe);
    if (got === undefined) {
      noData.push(symbol);
      continue;
    }
    const adj: Adjustment = planAdjustment(got.series, read.records);
    for (const r of adj.refused) refused.push({ symbol, action: label(r.action), reason: r.reason });
    const inputs = Object.fromEntries(
      Object.entries(got.entry?.files ?? {}).map(([rel, f]) => [`data/raw/${rel}`, f.sha256]),
    );
    for (const mode of ADJUSTED_MODES) {
      const bars = adjustedCsvPath(home, mode, timeframe, symbol);
      const factors = bars.replace(/\.csv$/, '.factors.csv');
      mkdirSync(dirname(bars), { recursive: true });
      writeCsvBars(bars, timeframe, adjustSeries(got.series, adj, mode));
      const rows = factorRows(adj, mode).map((r) => `${r.exDate},${r.type},${r.factor},${r.cumulative}`);
      const factorText = ['ex_date,type,factor,cumulative', ...rows].join('\n') + '\n';
      writeFileAtomic(factors, factorText);
      const rel = (f: string): string => relative(adjustedDir(home), f).split('\\').join('/');
      datasets[`${mode}/${timeframe}/${symbol}`] = {
        symbol,
        timeframe,
        mode,
        inputs,
        rows: got.series.length,
        factors: rows.length,
        files: {
          [rel(bars)]: { sha256: sha256(readFileSync(bars)) },
          [rel(factors)]: { sha256: sha256(factorText) },
        },
        updated_at: updatedAt,
      };
    }
    adjusted.push({
      symbol,
      applied: adj.applied.length,
      skipped: adj.skipped.map((s) => ({ symbol, action: label(s.action), reason: s.reason })),
    });
  }
  const manifest = join(adjustedDir(home), 'manifest.json');
  mkdirSync(adjustedDir(home), { recursive: true });
  writeFileAtomic(
    manifest,
    `${JSON.stringify(
      {
        zone: 'processed',
        kind: 'adjusted',
        convention: 'back-adjusted: split 1/ratio on prices and ratio on volume, dividend 1 - D/close before ex-date',
        corporate_actions: { path: 'data/reference/corporate-actions.csv', sha256: sha256(text) },
        datasets,
        refused,
        no_data: noData,
      },
      null,
      2,
    )}\n`,
  );
  const refusedFile = join(adjustedDir(home), 'refused.csv');
  {
    const cell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = refused.map((r) => [r.symbol, r.action, r.reason].map(cell).join(','));
    writeFileAtomic(refusedFile, ['symbol,action,reason', ...lines].join('\n') + '\n');
  }
  return { adjusted, refused, noData, manifest };
}
