import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { parseReturnsCsv, type ReturnSeries } from '../data/returns-csv.js';
import type { CommandContext } from './context.js';
import { numberFlag } from './options.js';

/** Shared input handling of the `momentic stats` commands (docs/statistics.md). */

/** The text of a file named by a flag; a DataError naming the file when it cannot be read. */
export function readInput(ctx: CommandContext, path: string, flag: string): string {
  try {
    return readFileSync(resolve(ctx.io.cwd, path), 'utf8');
  } catch {
    throw new DataError('DATA_NOT_FOUND', `cannot read ${path}`, {
      hint: `check the ${flag} path`,
      context: { file: path, flag },
    });
  }
}

export function readReturns(ctx: CommandContext, path: string, flag: string): ReturnSeries {
  return parseReturnsCsv(readInput(ctx, path, flag), path);
}

/** --periods-per-year, or undefined when not given. */
export function periodsFlag(opts: Record<string, unknown>): number | undefined {
  const v = opts.periodsPerYear;
  if (v === undefined) return undefined;
  return numberFlag(v, '--periods-per-year', { min: 0, minExclusive: true, example: '--periods-per-year 252' });
}

/** --risk-free (a per-period return), default 0. */
export function riskFreeFlag(opts: Record<string, unknown>): number {
  const v = opts.riskFree;
  return v === undefined ? 0 : numberFlag(v, '--risk-free', { min: -1, example: '--risk-free 0.0001' });
}

/** A UsageError when two flags that exclude each other are both given. */
export function exclusive(opts: Record<string, unknown>, flag: string, others: Record<string, string>): void {
  for (const [key, other] of Object.entries(others)) {
    if (opts[key] !== undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `${other} cannot be combined with ${flag}`, {
        hint: `${flag} estimates it from the file: drop ${other}, or drop ${flag} and give every input as a flag`,
        context: { flag: other },
      });
    }
  }
}

/** A number for the tables: 6 significant digits, `inf`, or an em dash for none. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '\u2014';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(Number(x.toPrecision(6)));
}

/** A finite number or null, for JSON. */
export function num(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}
