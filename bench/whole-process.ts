/**
 * Whole-process benchmark: the wall-clock time of one `momentic backtest` command, as a user
 * runs it (a child process: module loading, data, engine, results files, report and ledger
 * included), beside backtrader doing the same work in the same run.
 *
 * The case: sma-cross fast=1 slow=15 qty=1 on N copies (default 20) of the ORCL daily file
 * (../shared/data/orcl-1995-2014.txt, 5,036 bars each), imported into a temp workspace under
 * S1..SN; cash 10,000, no fees, no slippage, market orders at the next open, prices as in the file
 * (the flags of test/cli/backtest-cli.test.ts's golden run). On 20 copies: 100,720 bars and
 * 14,980 orders. One untimed run first creates the workspace's ledger (state/momentic.db), then
 * the best of 3 is reported with its parts, from the command's `--json` timings.
 *
 * The peer, when BACKTRADER_SRC points at a checkout of mementum/backtrader (python3 with numpy):
 * bench/peers/backtrader_smacross.py on the same file and count, best of 3, and the ratio. Both
 * final portfolio values are printed: on ORCL backtrader's fsum-based SMA sees close < SMA by
 * 1.8e-15 on 2005-11-25 where exact arithmetic gives equality (no cross), so its value differs
 * from ours by 0.01 per copy.
 *
 *   tsx bench/whole-process.ts [--copies N]     (needs `npm run build`: the CLI runs from dist/)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getCalendar } from '../src/calendar/index.js';
import { importFile } from '../src/data/import-file.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'momentic.js');
const ORCL = join(REPO, '..', 'shared', 'data', 'orcl-1995-2014.txt');
const PEER = join(REPO, 'bench', 'peers', 'backtrader_smacross.py');
const REPEATS = 3;

interface OurRun {
  readonly ms: number;
  readonly timings: Readonly<Record<string, number>>;
  readonly finalEquity: number;
  readonly trades: number;
}

const fmt = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A workspace with the ORCL file imported under S1..Sn. */
async function workspace(copies: number): Promise<{ home: string; symbols: string[] }> {
  const home = mkdtempSync(join(tmpdir(), 'momentic-whole-'));
  const symbols = Array.from({ length: copies }, (_, i) => `S${i + 1}`);
  for (const symbol of symbols) {
    await importFile({ home, file: ORCL, symbol, calendar: getCalendar('XNYS'), format: 'csv' });
  }
  return { home, symbols };
}

function ours(home: string, symbols: readonly string[]): OurRun {
  const args = [
    BIN, '--home', home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', symbols.join(','),
    '--param', 'fast=1', '--param', 'slow=15', '--param', 'qty=1', '--cash', '10000', '--fees', 'none',
    '--slippage', 'none', '--start', '1995-01-01', '--end', '2014-12-31',
  ]; // prettier-ignore
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (child.status !== 0) throw new Error(`momentic backtest failed (${child.status}): ${child.stderr}`);
  const out = JSON.parse(child.stdout) as {
    dir: string;
    metrics: { trades: number };
    timings: Record<string, number>;
    ledger?: { recorded: boolean };
  };
  if (out.ledger?.recorded !== true) throw new Error(`the run was not recorded in the ledger: ${child.stdout}`);
  // The last row of equity.csv: timestamp,equity,...
  const last = readFileSync(join(out.dir, 'equity.csv'), 'utf8').trimEnd().split('\n').at(-1) ?? '';
  return { ms, timings: out.timings, finalEquity: Number(last.split(',')[1]), trades: out.metrics.trades };
}

function backtrader(src: string, copies: number): { ms: number; finalValue: number; orders: number } {
  const t0 = performance.now();
  const child = spawnSync('python3', [PEER, ORCL, String(copies), '1', '15'], {
    encoding: 'utf8',
    env: { ...process.env, BACKTRADER_SRC: src },
  });
  const ms = performance.now() - t0;
  if (child.status !== 0) throw new Error(`backtrader failed (${child.status}): ${child.stderr}`);
  const out = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { final_value: number; orders: number };
  return { ms, finalValue: out.final_value, orders: out.orders };
}

const bestOf = <T extends { ms: number }>(runs: readonly T[]): T => runs.reduce((a, b) => (b.ms < a.ms ? b : a));

export async function runWholeProcessBench(options: { readonly copies: number }): Promise<void> {
  const { copies } = options;
  const { home, symbols } = await workspace(copies);
  try {
    console.log(
      `== whole process: momentic backtest sma-cross 1/15 qty 1 on ${copies} copies of ORCL 1995-2014 (${fmt(copies * 5036)} bars), a child process, best of ${REPEATS}`,
    );
    ours(home, symbols); // creates and migrates state/momentic.db, as in a workspace in use
    const best = bestOf(Array.from({ length: REPEATS }, () => ours(home, symbols)));
    const t = best.timings;
    const parts = ['load_ms', 'engine_ms', 'files_ms', 'report_ms', 'ledger_ms'];
    const inside = parts.reduce((sum, k) => sum + (t[k] ?? 0), 0);
    console.log(`${'momentic backtest'.padEnd(44)}${fmt(best.ms, 0).padStart(9)} ms`);
    console.log(
      `  parts: load ${fmt(t.load_ms ?? NaN)} + engine ${fmt(t.engine_ms ?? NaN)} (event loop ${fmt(t.run_ms ?? NaN)}) + files ${fmt(t.files_ms ?? NaN)} + report ${fmt(t.report_ms ?? NaN)} + ledger ${fmt(t.ledger_ms ?? NaN)} ms; process start, modules, config, run setup and exit ${fmt(best.ms - inside)} ms`,
    );
    console.log(`  final equity ${best.finalEquity.toFixed(4)} (${fmt(best.trades)} closed trades)`);
    const src = process.env.BACKTRADER_SRC;
    if (src === undefined || src === '') {
      console.log('backtrader  skipped: set BACKTRADER_SRC to a checkout of mementum/backtrader');
      return;
    }
    const peer = bestOf(Array.from({ length: REPEATS }, () => backtrader(src, copies)));
    console.log(`${'backtrader (same run, same work)'.padEnd(44)}${fmt(peer.ms, 0).padStart(9)} ms`);
    console.log(
      `  final value ${peer.finalValue.toFixed(4)} (${fmt(peer.orders)} orders); ours - backtrader = ${(best.finalEquity - peer.finalValue).toFixed(4)} (expected -${(0.01 * copies).toFixed(2)}, 0.01 per copy: see the module comment)`,
    );
    const ratio = peer.ms / best.ms;
    console.log(`speed-up vs backtrader: ${ratio.toFixed(1)}x (target >= 10x: ${ratio >= 10 ? 'met' : 'NOT met'})`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `--copies N` from the command line (default 20). */
export function copiesFlag(args: readonly string[]): number {
  const i = args.indexOf('--copies');
  const text = i < 0 ? '20' : (args[i + 1] ?? '');
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--copies must be a positive integer, got ${text}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runWholeProcessBench({ copies: copiesFlag(process.argv.slice(2)) });
}
