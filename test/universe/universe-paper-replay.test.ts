/**
 * A paper session on a replayed file, with a run file naming a universe (a membership file),
 * trades point in time exactly as the backtest of the same run file: orders.csv and trades.csv
 * are byte-identical. The membership file holds one symbol (a replayed file holds one symbol's
 * bars) in two spells with a gap, so the session must refuse entries in the gap and close the
 * position by a `universe-exit` order at the end of the first spell, as the backtest does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/registry.js';
import { cli, tempDir } from '../support/cli.js';

describe('momentic paper --source replay:FILE on a universe run', () => {
  it('places the orders of the backtest, byte for byte, exit orders included', { timeout: 180_000 }, async () => {
    const home = tempDir('momentic-universe-paper-');
    const run = async (...argv: string[]) => {
      const r = await cli(['--home', home, ...argv]);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    await run(
      '--init',
      'data',
      'fetch',
      '--provider',
      'synthetic',
      '--symbols',
      'ZNTX',
      '--start',
      '2020-01-02',
      '--end',
      '2020-12-31',
    );
    // Member from February to June and from September on; out in July and August.
    const sessions = getCalendar('XNYS').sessionDates('2020-01-02', '2020-12-31');
    const member = sessions.filter((d) => (d >= '2020-02-01' && d <= '2020-06-30') || d >= '2020-09-01');
    // Every session listed, out ones with included=false, so the file says when the symbol leaves.
    const rows = sessions.map((d) => `${d},ZNTX,core,${member.includes(d)}\n`).join('');
    writeFileSync(join(home, 'members.csv'), `date,symbol,tier,included\n${rows}`);
    const runFile = join(home, 'run.yaml');
    writeFileSync(
      runFile,
      'strategy: sma-cross\nwarmup: 25\nparams: { fast: 3, slow: 10 }\nuniverse: members.csv\nuniverse_exit: close\n' +
        'timeframe: 1d\nstart: 2020-01-02\nend: 2020-12-31\ncash: 100000\nfill: next-open\nrisk: { max_position: 1, max_daily_drawdown: 0.5, pause_after_losses: 100 }\n',
    );
    const pp = await run(
      '--json',
      'paper',
      '--config',
      runFile,
      '--source',
      `replay:${join(home, 'data', 'raw', '1d', 'ZNTX.csv')}`,
      '--speed',
      'max',
    );
    const paper = JSON.parse(pp.stdout) as { session_id: string; dir: string };
    const bt = await run(
      '--json',
      'backtest',
      '--config',
      runFile,
      '--risk',
      '--run-id',
      paper.session_id,
      '--out',
      join(home, 'backtest'),
      '--no-ledger',
    );
    const backtest = JSON.parse(bt.stdout) as { dir: string };
    const text = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');
    const orders = text(paper.dir, 'orders.csv');
    expect(orders).toBe(text(backtest.dir, 'orders.csv'));
    expect(text(paper.dir, 'trades.csv')).toBe(text(backtest.dir, 'trades.csv'));
    // The universe shaped the orders: one exit, and no order submitted while out.
    const lines = orders.trimEnd().split('\n');
    const head = lines[0]!.split(',');
    const at = (r: string, c: string): string => r.split(',')[head.indexOf(c)]!;
    expect(lines.filter((r) => at(r, 'tag') === 'universe-exit').length).toBeGreaterThan(0);
    const own = lines.slice(1).filter((r) => at(r, 'tag') !== 'universe-exit');
    expect(own.length).toBeGreaterThan(4);
    for (const r of own) expect(member, r).toContain(at(r, 'submitted_at').slice(0, 10));
    // momentic drift replays the session's bars with the same membership: no difference.
    const drift = JSON.parse((await run('--json', 'drift', paper.session_id)).stdout) as {
      ok: boolean;
      orders: { session: number; matched: number };
    };
    expect(drift.ok).toBe(true);
    expect(drift.orders.matched).toBe(lines.length - 1);
  });

  it("refuses a session on the venue without today's membership, naming the build (exit 3)", async () => {
    const home = tempDir('momentic-universe-live-');
    // A membership that ends in 2020: today is not built.
    writeFileSync(join(home, 'members.csv'), 'date,symbol,tier\n2020-06-01,ZNTX,core\n');
    const runFile = join(home, 'run.yaml');
    writeFileSync(runFile, 'strategy: sma-cross\nuniverse: members.csv\ntimeframe: 1d\ncash: 100000\n');
    const r = await cli(['--home', home, 'paper', '--config', runFile, '--for', '1s']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('has no membership for today');
    expect(r.stderr).toContain('the latest built is 2020-06-01');
    expect(r.stderr).toMatch(/momentic universe build --from \d{4}-\d{2}-\d{2} --to \d{4}-\d{2}-\d{2}/);
  });
});
