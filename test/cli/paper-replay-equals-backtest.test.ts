/**
 * The acceptance of paper sessions on a replayed file: `momentic paper --source replay:FILE
 * --speed max` with intraday-mean-reversion on the 2006 index-futures minute bars equals the
 * backtest of the same file (imported) with the same run file, byte for byte in orders.csv and
 * trades.csv (and equity, signals, metrics). Client order ids carry a hash of their run's id
 * (idempotency keys: a session must never reuse a backtest's ids at a venue), so the backtest
 * runs under the session's id (`--run-id`), into another folder (`--out`) and unrecorded
 * (`--no-ledger`: the ledger holds the session under that id). The paper session always runs the
 * risk manager, so the backtest is run with `--risk` (the same limits from the same config).
 * Slow: two runs of 30,889 minute bars through the CLI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');
const BARS = 30_889;

/**
 * The shipped strategy's parameters (config/strategy/intraday-mean-reversion.yaml) on the file's
 * one instrument. A session places no order on its warm-up history: a replay's is the run's
 * warm-up (`warmup: 200`, longer than the strategy's own), the bars the backtest holds too.
 */
const RUN_FILE = `strategy: intraday-mean-reversion
warmup: 200
params:
  window: 30
  entryZ: 2
  exitZ: 0.5
  allowShort: true
symbols: [FDAX]
timeframe: 1m
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`;

interface Run {
  readonly dir: string;
  readonly id: string;
}

describe('momentic paper --source replay:FILE --speed max', () => {
  let home: string;
  let runFile: string;
  let backtest: Run;
  let paper: Run;
  let paperOut: Record<string, unknown>;

  beforeAll(async () => {
    home = tempDir('momentic-paper-acceptance-');
    runFile = join(home, 'fdax.yaml');
    writeFileSync(runFile, RUN_FILE);
    const imp = await cli([
      '--home', home, 'data', 'import', '--file', FILE, '--symbol', 'FDAX',
      '--tz', 'Europe/Berlin', '--calendar', 'hours:Europe/Berlin:08:00-22:00',
    ]); // prettier-ignore
    expect(imp.code, imp.stderr).toBe(0);
    const pp = await cli([
      '--home', home, '--json', 'paper', '--config', runFile, '--source', `replay:${FILE}`, '--speed', 'max',
    ]); // prettier-ignore
    expect(pp.code, pp.stderr).toBe(0);
    paperOut = JSON.parse(pp.stdout) as Record<string, unknown>;
    paper = { id: String(paperOut.session_id), dir: String(paperOut.dir) };
    const bt = await cli([
      '--home', home, '--json', 'backtest', '--config', runFile, '--risk', '--run-id', paper.id,
      '--out', join(home, 'backtest'), '--no-ledger',
    ]); // prettier-ignore
    expect(bt.code, bt.stderr).toBe(0);
    const b = JSON.parse(bt.stdout) as { run_id: string; dir: string };
    backtest = { id: b.run_id, dir: b.dir };
  }, 300_000);

  const text = (run: Run, file: string): string => readFileSync(join(run.dir, file), 'utf8');

  it('trades exactly as the backtest: trades.csv, equity.csv and signals.csv are byte-identical', () => {
    const trades = text(paper, 'trades.csv');
    expect(trades.split('\n').length).toBeGreaterThan(50);
    expect(trades).toBe(text(backtest, 'trades.csv'));
    expect(text(paper, 'equity.csv')).toBe(text(backtest, 'equity.csv'));
    expect(text(paper, 'signals.csv')).toBe(text(backtest, 'signals.csv'));
    expect(text(paper, 'metrics.json')).toBe(text(backtest, 'metrics.json'));
  });

  it('sends the same orders under the same client order ids: orders.csv is byte-identical', () => {
    expect(backtest.id).toBe(paper.id);
    expect(backtest.dir).toBe(join(home, 'backtest'));
    const orders = text(paper, 'orders.csv');
    expect(orders.split('\n').length).toBeGreaterThan(100);
    expect(orders).toContain(`,sim-1,`);
    expect(orders).toBe(text(backtest, 'orders.csv'));
  });

  it('has no drift: momentic drift replays its bars.csv to the same signals, orders and fills', async () => {
    const r = await cli(['--home', home, '--json', 'drift', paper.id]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as {
      ok: boolean;
      orders: { session: number; replay: number; matched: number };
      orderDifferences: unknown[];
      signalDifferences: unknown[];
      slippage: { worstBps: number };
      pnl: { difference: number };
    };
    const n = text(paper, 'orders.csv').trimEnd().split('\n').length - 1;
    expect(d).toMatchObject({ ok: true, orders: { session: n, replay: n, matched: n }, orderDifferences: [] });
    expect(d.signalDifferences).toEqual([]);
    expect(d.slippage.worstBps).toBe(0);
    expect(d.pnl.difference).toBe(0);
  });

  it('ends with the feed, having seen every bar of the file, each in bars.csv with its arrival time', () => {
    expect(paperOut).toMatchObject({ ended: 'feed', bars: BARS });
    const rows = text(paper, 'bars.csv').trimEnd().split('\n');
    expect(rows[0]).toBe('symbol,timestamp,open,high,low,close,volume,arrived_at,delivery');
    expect(rows).toHaveLength(BARS + 1);
    // The file's first row (2006-01-02 09:01 Berlin = 08:01 UTC): 3602, 3603, 3597, 3599, 5699.
    expect(rows[1]).toMatch(
      /^FDAX,2006-01-02T08:01:00Z,3602,3603,3597,3599,5699,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,history$/,
    );
    // The run's warm-up (200 bars) is the replay's history, delivered before its first live bar.
    expect(rows.filter((r) => r.endsWith(',history'))).toHaveLength(200);
    expect(rows[201]?.endsWith(',live')).toBe(true);
    const arrived = rows.slice(1).map((r) => Date.parse(r.split(',')[7] as string));
    for (let i = 1; i < arrived.length; i++) expect(arrived[i]).toBeGreaterThanOrEqual(arrived[i - 1] as number);
    // The same bars the backtest ran on (prices.csv holds every bar of the charted symbol).
    const prices = text(backtest, 'prices.csv').trimEnd().split('\n').slice(1);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 7).join(','))).toEqual(prices);
  });

  it('keeps the run file it used and is a paper run in the ledger', async () => {
    expect(text(paper, 'run.yaml')).toBe(RUN_FILE);
    const ls = await cli(['--home', home, '--json', 'runs', 'ls', '--kind', 'paper']);
    expect(ls.code, ls.stderr).toBe(0);
    const runs = JSON.parse(ls.stdout) as { id?: string; run_id?: string; kind: string; status: string }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ kind: 'paper', status: 'finished' });
    const orders = await cli(['--home', home, '--json', 'orders', 'ls', '--run', paper.id, '--limit', '1000']);
    expect(orders.code, orders.stderr).toBe(0);
    const sent = text(paper, 'orders.csv')
      .split('\n')
      .filter((l) => /,sim-\d+,/.test(l)).length;
    // Every order that reached the exchange was journaled (risk denials never reach it).
    const journaled = JSON.parse(orders.stdout) as { status: string }[];
    expect(journaled.length).toBe(sent);
    expect(journaled.every((o) => ['filled', 'cancelled', 'expired'].includes(o.status))).toBe(true);
    // Every risk denial (an order refused before the exchange, `denied-N` in orders.csv, its reason
    // `risk ...`) is a risk event; orders held on the warm-up bars are refused by the engine, not risk.
    const show = await cli(['--home', home, '--json', 'runs', 'show', paper.id]);
    expect(show.code, show.stderr).toBe(0);
    const denied = text(paper, 'orders.csv')
      .split('\n')
      .filter((l) => /,denied-\d+,/.test(l) && /,"?risk /.test(l)).length;
    expect(denied).toBeGreaterThan(0);
    expect((JSON.parse(show.stdout) as { counts: { risk_events: number } }).counts.risk_events).toBe(denied);
  });
});
