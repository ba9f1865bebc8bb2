/**
 * Golden runs of the built-in strategies (STYLE.md, "Golden runs"): a strategy's shipped YAML run
 * file is run through the CLI on the synthetic universe or on an imported ../shared/data file, and
 * its metrics, order count and the sha256 of orders.csv and trades.csv are compared with
 * `test/golden/<name>.json`. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the files after
 * an intended change (review the diff: the hand-checked trades in each test must still hold).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

export const STRATEGY_CONFIGS = new URL('../../config/strategy/', import.meta.url).pathname;

/** A ../shared/data file to import into the run's workspace. */
export interface SharedFile {
  readonly file: string;
  readonly symbol: string;
  readonly calendar?: string;
  readonly tz?: string;
}

export interface GoldenRun {
  readonly home: string;
  readonly dir: string;
  readonly runId: string;
  readonly metrics: Record<string, number | null>;
  readonly orders: string[][];
  readonly trades: string[][];
  readonly signals: string[][];
  readonly equity: string[][];
  readonly ordersSha: string;
  readonly tradesSha: string;
}

/**
 * Client order ids are `<strategy>-<20 hex digits from the run id and symbol>-<n>` and run ids
 * come from the clock, so the hex part is blanked before hashing (the symbol and n remain).
 */
export function withoutRunIds(text: string): string {
  return text.replace(/-[0-9a-f]{20}-(\d+)/g, '-*-$1');
}

function csv(path: string): string[][] {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => l.split(','));
}

/** Imports the files (if any) into a new workspace and runs `momentic backtest --config FILE ...args --json`. */
export async function goldenRun(
  config: string,
  args: readonly string[] = [],
  files: readonly SharedFile[] = [],
): Promise<GoldenRun> {
  const home = tempDir('momentic-golden-');
  for (const f of files) {
    const imp = await cli([
      '--home', home, 'data', 'import', '--file', join(SHARED_DATA, f.file), '--symbol', f.symbol,
      ...(f.calendar === undefined ? [] : ['--calendar', f.calendar]),
      ...(f.tz === undefined ? [] : ['--tz', f.tz]),
    ]); // prettier-ignore
    expect(imp.code, imp.stderr).toBe(0);
  }
  const file = config.includes('/') ? config : join(STRATEGY_CONFIGS, config);
  const r = await cli(['--home', home, '--json', 'backtest', '--config', file, ...args]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { run_id: string; dir: string; metrics: Record<string, number | null> };
  // Client order ids embed a hash of the run id (core/ids.ts), new at every run: the hash of
  // orders.csv leaves that part out, so it depends on what was traded only.
  const sha = (f: string): string =>
    createHash('sha256')
      .update(withoutRunIds(readFileSync(join(out.dir, f), 'utf8')))
      .digest('hex');
  return {
    home,
    dir: out.dir,
    runId: out.run_id,
    metrics: out.metrics,
    orders: csv(join(out.dir, 'orders.csv')),
    trades: csv(join(out.dir, 'trades.csv')),
    signals: csv(join(out.dir, 'signals.csv')),
    equity: csv(join(out.dir, 'equity.csv')),
    ordersSha: sha('orders.csv'),
    tradesSha: sha('trades.csv'),
  };
}

const KEYS = ['total_return', 'cagr', 'sharpe', 'max_drawdown', 'trades', 'hit_rate', 'turnover', 'exposure'] as const;

/** Compares a run with `test/golden/<name>.json` (or writes it with UPDATE_GOLDEN=1). */
export function expectGolden(name: string, run: GoldenRun, describe: string): void {
  const path = new URL(`./${name}.json`, import.meta.url).pathname;
  const got = {
    description: describe,
    metrics: Object.fromEntries(KEYS.map((k) => [k, run.metrics[k] ?? null])),
    orders: run.orders.length - 1,
    trades: run.trades.length - 1,
    orders_sha256: run.ordersSha,
    trades_sha256: run.tradesSha,
  };
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI !== undefined && !existsSync(path)) throw new Error(`golden file ${name}.json is missing`);
    writeFileSync(path, `${JSON.stringify(got, null, 2)}\n`);
    return;
  }
  const want = JSON.parse(readFileSync(path, 'utf8')) as typeof got;
  expect(got.orders).toBe(want.orders);
  expect(got.trades).toBe(want.trades);
  for (const k of KEYS) {
    const w = want.metrics[k] ?? null;
    const g = got.metrics[k] ?? null;
    if (w === null || g === null) expect(g, k).toBe(w);
    else expect(g, k).toBeCloseTo(w, 10);
  }
  expect(got.orders_sha256).toBe(want.orders_sha256);
  expect(got.trades_sha256).toBe(want.trades_sha256);
}

/** Column index of a CSV header. */
export function column(rows: readonly string[][], name: string): number {
  const i = (rows[0] ?? []).indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${(rows[0] ?? []).join(',')}`);
  return i;
}
