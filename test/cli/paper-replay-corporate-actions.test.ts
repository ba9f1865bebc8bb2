/**
 * A paper session replaying a daily file through a corporate action equals the backtest of the
 * same run file byte for byte (orders.csv, trades.csv, equity.csv, signals.csv, metrics.json), as
 * test/cli/paper-replay-equals-backtest.test.ts shows without actions.
 *
 * The data: the synthetic provider's ZNTX over 2020, sma-cross 3/10. Without actions the backtest
 * holds 5,319 shares from the open of 2020-04-06 to that of 2020-06-12 (its trades.csv), so a $0.40
 * dividend going ex on 2020-05-01 is due on 5,319 shares: 5,319 x 0.40 = 2,127.60 of cash, booked
 * before that day's open (prices: split, the default, pays dividends in cash). No fill happens on
 * 2020-05-01, so cash moves by exactly that between the rows of 2020-04-30 and 2020-05-01.
 *
 * Then the same bars with a real 2-for-1 split on 2020-05-15 (every price from that day halved,
 * volume doubled), the dividend and the split listed, and the session replaying what `momentic
 * data adjust` wrote: the split-adjusted file equals the backtest on `prices: split`, the
 * total-return file the backtest on `prices: total-return`. The file already carries the actions
 * (its factors file says so): applied again, the split would halve history the file already
 * halved and double a position bought in today's shares, and a total-return file's dividend
 * would be paid in cash on top of its prices.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const RUN_FILE =
  'strategy: sma-cross\nwarmup: 25\nparams: { fast: 3, slow: 10 }\nsymbols: [ZNTX]\ntimeframe: 1d\n' +
  'start: 2020-01-02\nend: 2020-12-31\ncash: 100000\nfill: next-open\n' +
  'risk: { max_position: 1, max_daily_drawdown: 0.5, pause_after_losses: 100 }\n';

const HEAD = 'symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source\n';

interface Pair {
  readonly paper: string;
  readonly backtest: string;
}

describe('momentic paper --source replay:FILE through a cash dividend', () => {
  let home: string;
  let runFile: string;

  const run = async (...argv: string[]) => {
    const r = await cli(['--home', home, ...argv]);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };

  /** The paper session replaying `file`, then the backtest of the run file under its id. */
  async function pair(file: string, out: string, config = runFile): Promise<Pair> {
    const pp = await run('--json', 'paper', '--config', config, '--source', `replay:${file}`, '--speed', 'max');
    const paper = JSON.parse(pp.stdout) as { session_id: string; dir: string };
    const bt = await run(
      '--json', 'backtest', '--config', config, '--risk', '--run-id', paper.session_id,
      '--out', join(home, out), '--no-ledger',
    ); // prettier-ignore
    return { paper: paper.dir, backtest: (JSON.parse(bt.stdout) as { dir: string }).dir };
  }

  const text = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');
  const cashOn = (dir: string, day: string): number => {
    const rows = text(dir, 'equity.csv').trimEnd().split('\n');
    const col = rows[0]!.split(',').indexOf('cash');
    return Number(rows.find((r) => r.startsWith(`${day},`))!.split(',')[col]);
  };

  beforeAll(async () => {
    home = tempDir('momentic-paper-dividend-');
    runFile = join(home, 'run.yaml');
    writeFileSync(runFile, RUN_FILE);
    await run(
      '--init', 'data', 'fetch', '--provider', 'synthetic', '--symbols', 'ZNTX',
      '--start', '2020-01-02', '--end', '2020-12-31',
    ); // prettier-ignore
    mkdirSync(join(home, 'data', 'reference'), { recursive: true });
    writeFileSync(
      join(home, 'data', 'reference', 'corporate-actions.csv'),
      `${HEAD}ZNTX,dividend,2020-05-01,,0.4,,,,test\n`,
    );
  }, 120_000);

  it(
    'credits the paper account the backtest’s dividend cash: every file byte-identical',
    { timeout: 180_000 },
    async () => {
      const r = await pair(join(home, 'data', 'raw', '1d', 'ZNTX.csv'), 'backtest-dividend');
      for (const f of ['orders.csv', 'trades.csv', 'equity.csv', 'signals.csv', 'metrics.json'])
        expect(text(r.paper, f), f).toBe(text(r.backtest, f));
      // The position held through the ex-date (trades.csv) and the cash it was paid, by hand.
      const held = text(r.paper, 'trades.csv')
        .split('\n')
        .find((l) => l.includes(',2020-04-06,'));
      expect(held?.split(',')[6]).toBe('5319');
      expect(cashOn(r.paper, '2020-05-01') - cashOn(r.paper, '2020-04-30')).toBeCloseTo(5319 * 0.4, 6);
    },
  );

  it(
    'replays a `data adjust` output without applying its split or dividend again: equal to the backtest of each mode',
    { timeout: 300_000 },
    async () => {
      // The raw bars with a real 2-for-1 split on 2020-05-15, imported over the fetched ones.
      const raw = join(home, 'data', 'raw', '1d', 'ZNTX.csv');
      const rows = text(home, join('data', 'raw', '1d', 'ZNTX.csv'))
        .trimEnd()
        .split('\n');
      const split = rows.map((l, i) => {
        const c = l.split(',');
        if (i === 0 || (c[1] as string) < '2020-05-15') return l;
        for (const k of [2, 3, 4, 5]) c[k] = String(Number(c[k]) / 2);
        c[6] = String(Number(c[6]) * 2);
        return c.join(',');
      });
      const file = join(home, 'zntx-split.csv');
      writeFileSync(file, `${split.join('\n')}\n`);
      await run('data', 'import', '--file', file, '--symbol', 'ZNTX', '--force');
      expect(readFileSync(raw, 'utf8')).toContain('ZNTX,2020-05-15,12.655,');
      writeFileSync(
        join(home, 'data', 'reference', 'corporate-actions.csv'),
        `${HEAD}ZNTX,dividend,2020-05-01,,0.4,,,,test\nZNTX,split,2020-05-15,2,,,,,test\n`,
      );
      await run('data', 'adjust');
      const adjusted = join(home, 'data', 'processed', 'adjusted');
      expect(text(adjusted, 'split/1d/ZNTX.factors.csv')).toBe(
        'ex_date,type,factor,cumulative\n2020-05-15,split,0.5,0.5\n',
      );
      const s = await pair(join(adjusted, 'split', '1d', 'ZNTX.csv'), 'backtest-split');
      for (const f of ['orders.csv', 'trades.csv', 'equity.csv', 'signals.csv', 'metrics.json'])
        expect(text(s.paper, f), f).toBe(text(s.backtest, f));
      // Held through both, in today's shares: the dividend is paid per adjusted share, 0.40 / 2.
      const held = text(s.paper, 'trades.csv')
        .split('\n')
        .find((l) => l.includes(',2020-04-06,'));
      const qty = Number(held?.split(',')[6]);
      expect(qty).toBeGreaterThan(10_000);
      expect(cashOn(s.paper, '2020-05-01') - cashOn(s.paper, '2020-04-30')).toBeCloseTo(qty * 0.2, 6);
      // In the total-return file the dividend is in the prices: no cash moves on 2020-05-01.
      const totalReturn = join(home, 'run-total-return.yaml');
      writeFileSync(totalReturn, RUN_FILE.replace('fill: next-open\n', 'fill: next-open\nprices: total-return\n'));
      const t = await pair(join(adjusted, 'total-return', '1d', 'ZNTX.csv'), 'backtest-total-return', totalReturn);
      for (const f of ['orders.csv', 'trades.csv', 'equity.csv', 'signals.csv', 'metrics.json'])
        expect(text(t.paper, f), f).toBe(text(t.backtest, f));
      expect(cashOn(t.paper, '2020-05-01')).toBe(cashOn(t.paper, '2020-04-30'));
    },
  );
});
