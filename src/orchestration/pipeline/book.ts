/**
 * A pipeline's book: the one paper (or live) session its days trade, carried on from day to day
 * (its positions, working orders and results folder), a `running` run in the ledger. Each traded
 * day leaves an equity snapshot at the day's bar time: the ledger's record of which days the book
 * traded, and of its equity and P&L day by day.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IsoDate } from '../../core/dates.js';
import { parseTs } from '../../backtest/csv.js';
import { RESULT_FILES } from '../../backtest/results-writer.js';
import { dateToTs } from '../../data/schema.js';
import type { LedgerStore } from '../../store/ledger.js';
import type { EquitySnapshot, LedgerFill, LedgerOrder } from '../../store/types.js';

const DAY_MS = 86_400_000;

/** The book the pipeline's latest traded day left (its session id), if any. */
export async function findBook(ledger: LedgerStore, pipeline: string): Promise<string | undefined> {
  for (const day of await ledger.pipelineDays(pipeline)) {
    const trade = (await ledger.pipelineSteps(pipeline, day.date)).find((s) => s.step === 'trade');
    const book = trade?.outputs?.['book'];
    if (typeof book === 'string') return book;
  }
  return undefined;
}

/**
 * The last bar the book's session recorded (its results folder's equity.csv, written bar by bar):
 * a day the session got to before it stopped is not decided on again.
 */
export function recordedThrough(dir: string): number {
  const file = join(dir, RESULT_FILES.equity);
  if (!existsSync(file)) return -Infinity;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = lines.length - 1; i > 0; i--) {
    const line = lines[i] as string;
    // A half-written last row (a crash) has no line end after it: the row before it counts.
    if (line === '' || i === lines.length - 1) continue;
    const ts = parseTs(line.split(',')[0] ?? '');
    if (Number.isFinite(ts)) return ts;
  }
  return -Infinity;
}

/** The UTC day of a session date: the day's bar (00:00), its fills at the open and orders at the close. */
export function dayWindow(date: IsoDate): { readonly from: number; readonly to: number } {
  const from = dateToTs(date);
  return { from, to: from + DAY_MS };
}

/** The book's orders placed on the day and its fills of the day. */
export async function dayActivity(
  ledger: LedgerStore,
  book: string,
  date: IsoDate,
): Promise<{ orders: LedgerOrder[]; fills: LedgerFill[] }> {
  const { from, to } = dayWindow(date);
  const orders = (await ledger.listOrders({ runId: book, limit: Number.MAX_SAFE_INTEGER })).filter(
    (o) => o.createdAt >= from && o.createdAt < to,
  );
  const fills = (await ledger.listFills(book)).filter((f) => f.ts >= from && f.ts < to);
  return { orders: orders.sort((a, b) => a.createdAt - b.createdAt), fills };
}

/** The book's equity at the day's close and the snapshot before it (the day's P&L is their difference). */
export async function dayEquity(
  ledger: LedgerStore,
  book: string,
  date: IsoDate,
): Promise<{ day?: EquitySnapshot; previous?: EquitySnapshot; all: EquitySnapshot[] }> {
  const ts = dateToTs(date);
  const all = (await ledger.equity(book)).sort((a, b) => a.ts - b.ts);
  const day = all.find((s) => s.ts === ts);
  const previous = all.filter((s) => s.ts < ts).at(-1);
  return { ...(day === undefined ? {} : { day }), ...(previous === undefined ? {} : { previous }), all };
}
