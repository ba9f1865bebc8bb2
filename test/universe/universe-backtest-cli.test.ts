/**
 * The whole chain a user runs, in process: synthetic bars, the synthetic venue's reference data,
 * a built universe, then a backtest whose run file names `universe: core`. Every order of the
 * strategy falls on a session its symbol is a core member (read back from the universe's own
 * files), and each symbol that leaves is closed by an order tagged `universe-exit` on the next
 * session.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtUniverse, table } from './built-universe.js';

describe('a backtest on a built universe (universe: core)', () => {
  it(
    'trades only core members on their member sessions and closes leavers by tagged orders',
    { timeout: 120_000 },
    async () => {
      const { home, run } = await builtUniverse();

      const dir = join(home, 'data', 'processed', 'universe');
      const core = new Map<string, Set<string>>();
      for (const f of readdirSync(dir).filter((x) => /^\d{4}-\d{2}-\d{2}\.csv$/.test(x))) {
        for (const r of table(join(dir, f))) {
          if (r['tier'] === 'core') core.set(r['symbol']!, (core.get(r['symbol']!) ?? new Set()).add(f.slice(0, 10)));
        }
      }
      // The universe is a real selection: some names are in, some never are.
      expect(core.size).toBeGreaterThan(2);
      expect(core.size).toBeLessThan(20);

      const runFile = join(home, 'run.yaml');
      writeFileSync(
        runFile,
        'strategy: sma-cross\nparams: { fast: 5, slow: 20 }\nuniverse: core\nuniverse_exit: close\ntimeframe: 1d\nstart: 2020-04-01\nend: 2020-12-31\ncash: 100000\n',
      );
      const bt = await run('--json', 'backtest', '--config', runFile);
      const { run_id: runId } = JSON.parse(bt.stdout) as { run_id: string };
      const orders = table(join(home, 'data', 'results', runId, 'orders.csv'));
      const own = orders.filter((o) => o['tag'] !== 'universe-exit');
      const exits = orders.filter((o) => o['tag'] === 'universe-exit');
      expect(own.length).toBeGreaterThan(10);
      expect(exits.length).toBeGreaterThan(0);
      // A strategy order is placed at a member session's close.
      for (const o of own)
        expect(core.get(o['symbol']!)?.has(o['submitted_at']!.slice(0, 10)), JSON.stringify(o)).toBe(true);
      // An exit is placed at the close of the last member session, for a symbol that is out the next one.
      for (const o of exits) {
        const day = o['submitted_at']!.slice(0, 10);
        const member = core.get(o['symbol']!)!;
        expect(member.has(day)).toBe(true);
        const later = [...readdirSync(dir)].filter((f) => /^\d{4}/.test(f) && f.slice(0, 10) > day).sort()[0];
        if (later !== undefined) expect(member.has(later.slice(0, 10))).toBe(false);
      }
    },
  );
});
