/**
 * `momentic drift SESSION_ID`: a paper session replayed from a file at --speed max decided
 * exactly as the backtester does on the bars it recorded, so its drift report finds nothing;
 * the same session with one fill made 1% worse and one order removed from its orders.csv fails
 * (exit 5) naming both. Two weeks of the 2006 index-futures minute bars keep it quick.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const FILE = join(SHARED_DATA, '2006-01-02-volume-min-001.txt');

const RUN_FILE = `strategy: intraday-mean-reversion
warmup: 200
params:
  window: 30
  entryZ: 2
  exitZ: 0.5
  allowShort: true
symbols: [FDAX]
timeframe: 1m
start: 2006-01-02
end: 2006-01-13
cash: 100000
fill: next-open
costs:
  fees: bps:1
  slippage: bps:1
`;

interface Drift {
  ok: boolean;
  orders: { session: number; replay: number; matched: number };
  signals: { session: number; replay: number };
  orderDifferences: { kind: string; clientOrderId: string }[];
  signalDifferences: unknown[];
  fills: { clientOrderId: string; slippageBps: number; timeDiffMs: number }[];
  slippage: { meanBps: number | null; worstBps: number | null; toleranceBps: number; over: string[] };
  pnl: { difference: number };
}

/** The CSV cells of a results row up to its history (quoted, last): plain cells split on commas. */
const cells = (row: string): string[] => row.split(',');

describe('momentic drift', () => {
  let home: string;
  let id: string;
  let dir: string;

  const ledgerCounts = async (): Promise<{ runs: number; orders: number }> => {
    const runs = await cli(['--home', home, '--json', 'runs', 'ls', '--limit', '100']);
    expect(runs.code, runs.stderr).toBe(0);
    const orders = await cli(['--home', home, '--json', 'orders', 'ls', '--limit', '100000']);
    expect(orders.code, orders.stderr).toBe(0);
    return {
      runs: (JSON.parse(runs.stdout) as unknown[]).length,
      orders: (JSON.parse(orders.stdout) as unknown[]).length,
    };
  };

  /** A copy of the session's folder under another id, changed by `damage`. */
  const copy = (name: string, damage: (d: string) => void): string => {
    const d = join(home, 'data', 'results', name);
    cpSync(dir, d, { recursive: true });
    for (const f of ['drift.json', 'drift.html']) rmSync(join(d, f), { force: true });
    damage(d);
    return name;
  };

  beforeAll(async () => {
    home = tempDir('momentic-drift-');
    const runFile = join(home, 'fdax.yaml');
    writeFileSync(runFile, RUN_FILE);
    // No data imported: the session's calendar is the flag's, which the replay must take from session.json.
    const pp = await cli([
      '--home', home, '--json', 'paper', '--config', runFile, '--source', `replay:${FILE}`, '--speed', 'max',
      '--calendar', 'hours:Europe/Berlin:08:00-22:00', '--tz', 'Europe/Berlin',
    ]); // prettier-ignore
    expect(pp.code, pp.stderr).toBe(0);
    const out = JSON.parse(pp.stdout) as { session_id: string; dir: string };
    id = out.session_id;
    dir = out.dir;
  }, 300_000);

  it('finds no drift in a replayed paper session, writes drift.json and drift.html, records nothing', async () => {
    const before = await ledgerCounts();
    const r = await cli(['--home', home, '--json', 'drift', id]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Drift & { bars: { live: number; history: number }; ledger: string };
    const filled = readFileSync(join(dir, 'orders.csv'), 'utf8')
      .split('\n')
      .filter((l) => cells(l)[13] === 'filled').length;
    expect(filled).toBeGreaterThan(10);
    expect(d.ok).toBe(true);
    expect(d.orderDifferences).toEqual([]);
    expect(d.signalDifferences).toEqual([]);
    expect(d.orders.session).toBeGreaterThan(filled);
    expect(d.orders).toEqual({ session: d.orders.session, replay: d.orders.session, matched: d.orders.session });
    expect(d.signals.session).toBe(d.signals.replay);
    expect(d.fills).toHaveLength(filled);
    expect(d.fills.every((f) => f.slippageBps === 0 && f.timeDiffMs === 0)).toBe(true);
    expect(d.slippage).toEqual({ meanBps: 0, worstBps: 0, toleranceBps: 10, over: [] });
    expect(d.pnl.difference).toBe(0);
    // The first live.warmup_bars (200) bars came as history (the run's warm-up is as long); every bar was replayed.
    expect(d.bars.history).toBe(200);
    expect(d.bars.live + d.bars.history).toBe(
      readFileSync(join(dir, 'bars.csv'), 'utf8').trimEnd().split('\n').length - 1,
    );
    expect(d.ledger).toBe('read');
    const json = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8')) as Drift & { session_id: string };
    expect(json.session_id).toBe(id);
    expect(json.ok).toBe(true);
    expect(json.fills).toHaveLength(filled);
    expect(readFileSync(join(dir, 'drift.html'), 'utf8')).toContain('No drift beyond the tolerance');
    // The text summary says the same, and the ledger gained nothing.
    const text = await cli(['--home', home, 'drift', id]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `${id} +${d.orders.session}/${d.orders.session}/${d.orders.session} +0 +0 +0\\.00 bps +0\\.00 bps +0\\.00 +yes`,
      ),
    );
    expect(await ledgerCounts()).toEqual(before);
  });

  it('exits 5 naming a fill 1% worse and an order the session lost', async () => {
    const original = readFileSync(join(dir, 'orders.csv'), 'utf8');
    try {
      const rows = original.split('\n');
      const fills = rows.map((r, i) => [i, cells(r)] as const).filter(([, c]) => c[13] === 'filled');
      const [worseAt, worse] = fills.find(([, c]) => c[5] === 'buy')!;
      const [, lost] = fills.find(([, c]) => c[0] !== worse[0])!;
      // A buy paid 1% more than the simulator filled it at: 100 bps adverse.
      const price = Number(worse[15]);
      rows[worseAt] = [...worse.slice(0, 15), String(price * 1.01), ...worse.slice(16)].join(',');
      writeFileSync(join(dir, 'orders.csv'), rows.filter((r) => cells(r)[0] !== lost[0]).join('\n'));
      const r = await cli(['--home', home, 'drift', id]);
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain('DRIFT_DETECTED');
      expect(r.stderr).toContain(`order ${lost[0]} missing`);
      expect(r.stderr).toContain(`order ${worse[0]} slipped 100.00 bps`);
      expect(r.stdout).toMatch(/ no\n/);
      const d = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8')) as Drift;
      expect(d.ok).toBe(false);
      expect(d.orderDifferences).toEqual([expect.objectContaining({ kind: 'missing', clientOrderId: lost[0] })]);
      expect(d.slippage.over).toEqual([worse[0]]);
      const f = d.fills.find((x) => x.clientOrderId === worse[0])!;
      expect(f.slippageBps).toBeCloseTo(100, 6);
      expect(d.signalDifferences).toEqual([]);
      // Past a tolerance of 150 bps only the lost order fails the report.
      const loose = await cli(['--home', home, '--json', 'drift', id, '--tolerance-bps', '150']);
      expect(loose.code).toBe(5);
      expect((JSON.parse(loose.stdout) as Drift).slippage.over).toEqual([]);
    } finally {
      writeFileSync(join(dir, 'orders.csv'), original);
    }
  });

  it('refuses bad input with its own code and a fix', async () => {
    // An unknown id, one character off: did you mean.
    const typo = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const unknown = await cli(['--home', home, 'drift', typo]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`DATA_NOT_FOUND`);
    expect(unknown.stderr).toContain(`no session ${typo}`);
    expect(unknown.stderr).toContain(`did you mean "${id}"?`);
    // A backtest's folder (results files, no session files) is no session.
    const backtestId = copy('20260101T000000Z-abcdef', (d) => {
      for (const f of ['bars.csv', 'session.json', 'run.yaml']) rmSync(join(d, f));
    });
    const notSession = await cli(['--home', home, 'drift', backtestId]);
    expect(notSession.code).toBe(2);
    expect(notSession.stderr).toContain(`${backtestId} is not a paper or live session`);
    expect(notSession.stderr).toContain(`momentic backtest --replay ${backtestId}`);
    // A session folder without bars.csv, or without session.json.
    for (const f of ['bars.csv', 'session.json']) {
      const name = copy(`no-${f.replace('.', '-')}`, (d) => rmSync(join(d, f)));
      const r = await cli(['--home', home, 'drift', name]);
      expect(r.code, f).toBe(3);
      expect(r.stderr).toContain('DATA_NOT_FOUND');
      expect(r.stderr).toContain(`session ${name} has no ${f}`);
    }
    // A damaged bars.csv row: named by file and line, with the row's layout as the fix.
    const damaged = copy('damaged-bars', (d) => {
      const lines = readFileSync(join(d, 'bars.csv'), 'utf8').split('\n');
      lines[4] = lines[4]!.replace(/^(FDAX,[^,]+,)[^,]+/, '$1abc');
      writeFileSync(join(d, 'bars.csv'), lines.join('\n'));
    });
    const bad = await cli(['--home', home, 'drift', damaged]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`DATA_INVALID at ${join(home, 'data', 'results', damaged, 'bars.csv')}:5`);
    expect(bad.stderr).toContain('open "abc" is not a number');
    expect(bad.stderr).toContain(
      'Fix: the session wrote this file; restore it, or fix the row to symbol,timestamp,open',
    );
    expect(existsSync(join(home, 'data', 'results', damaged, 'drift.json'))).toBe(false);
    // A negative tolerance.
    const neg = await cli(['--home', home, 'drift', id, '--tolerance-bps', '-1']);
    expect(neg.code).toBe(2);
    expect(neg.stderr).toContain('USAGE_INVALID_OPTION');
    expect(neg.stderr).toContain('--tolerance-bps "-1" is not a number >= 0');
  });
});
