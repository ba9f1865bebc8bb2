/**
 * Hostile strategy files: each one broken in a way a user's file can be (it throws, does not
 * compile, loops forever, orders nonsense, imports what is not there, exports nothing or the
 * wrong thing); and a kill-switch state file that is not one. Every case gets the documented exit
 * code, one error line naming the file with a Fix, and data/ and state/ unchanged.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { copyHome, expectRefusal, prepareBaseHome, type BaseHome } from './harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PERIOD = ['--symbols', 'ZNTX', '--start', '2019-01-02', '--end', '2019-03-29'];

/** A strategy file whose hooks are the given lines (a `create` body too, when given). */
function strategy(name: string, hooks: string, create = ''): string {
  return [
    "import { defineStrategy, type Strategy } from 'momentic';",
    "import { z } from 'zod';",
    '',
    'export default defineStrategy({',
    `  name: '${name}',`,
    '  params: z.object({ k: z.number().default(1) }),',
    '  create: (p): Strategy => {',
    create,
    '    return {',
    `      name: '${name}',`,
    hooks,
    '    };',
    '  },',
    '});',
    '',
  ].join('\n');
}

/** An `onBar` that orders `qty` of the bar's symbol once. */
const ordering = (qty: string): string =>
  [
    '      onBar(ctx, bar) {',
    `        if (ctx.portfolio.qty(bar.symbol) === 0 && !ctx.hasOpenOrders(bar.symbol)) ctx.buy(bar.symbol, ${qty});`,
    '      },',
  ].join('\n');

const LOOP = '        let n = 0;\n        while (true) n++;';

let base: BaseHome;
beforeAll(async () => {
  base = await prepareBaseHome();
}, 60_000);

describe('hostile strategy files', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** The workspace's config with `engine.hook_timeout_ms: ms`. */
  const budget = (ms: number) => (home: string) => {
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'base.yaml'), `engine:\n  hook_timeout_ms: ${ms}\n`);
  };

  beforeAll(() => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
    mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.test-tmp', 'hostile-runtime-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('that throws in onBar exits 2 naming the file and line', async () => {
    const f = file('throws.ts', strategy('throws', "      onBar() {\n        throw new Error('no');\n      },"));
    await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'STRATEGY_RUNTIME_ERROR',
      culprit: /throws\.ts:12 \(column \d+\): strategy onBar for ZNTX at bar 2019-01-02T/,
    });
  });

  it('with a syntax error exits 2 naming the file, line and column', async () => {
    const f = file('syntax.ts', strategy('syntax', '      onBar(ctx, bar) {\n        const x = ;\n      },'));
    await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'STRATEGY_FILE_INVALID',
      culprit: /syntax\.ts:12 \(column 19\): strategy file does not compile/,
    });
  });

  it('whose onBar loops forever is stopped by engine.hook_timeout_ms: exit 2 naming file, hook, bar and budget', async () => {
    const f = file('loops.ts', strategy('loops', `      onBar() {\n${LOOP}\n      },`));
    const { result } = await expectRefusal(
      base,
      () => ['backtest', '--strategy', f, ...PERIOD],
      {
        code: 2,
        error: 'STRATEGY_HOOK_TIMEOUT',
        culprit:
          /loops\.ts, key engine\.hook_timeout_ms: strategy onBar for ZNTX at bar 2019-01-02T\S+ ran longer than 300 ms/,
      },
      budget(300),
    );
    expect(result.stderr).toContain('Fix: look for an endless or very long loop in onBar of');
    expect(result.stderr).toContain('raise engine.hook_timeout_ms');
  });

  it('whose create loops forever is stopped too', async () => {
    const f = file('loops-create.ts', strategy('loops-create', '', `    if (p.k > 0) {\n${LOOP}\n    }`));
    await expectRefusal(
      base,
      () => ['backtest', '--strategy', f, ...PERIOD],
      {
        code: 2,
        error: 'STRATEGY_HOOK_TIMEOUT',
        culprit: /loops-create\.ts, key engine\.hook_timeout_ms: strategy create ran longer than 300 ms/,
      },
      budget(300),
    );
  });

  it('whose init (the start of the run) loops forever is stopped too', async () => {
    const f = file('loops-init.ts', strategy('loops-init', `      init() {\n${LOOP}\n      },`));
    await expectRefusal(
      base,
      () => ['backtest', '--strategy', f, ...PERIOD],
      {
        code: 2,
        error: 'STRATEGY_HOOK_TIMEOUT',
        culprit: /loops-init\.ts, key engine\.hook_timeout_ms: strategy init (at bar \S+ )?ran longer than 300 ms/,
      },
      budget(300),
    );
  });

  it('that loops in some trials of a sweep and its walk-forward fails those trials only, on one worker too', async () => {
    // k = 2 loops from July 2019 on: its sweep trial and the folds that reach July fail alone,
    // each stopped after 300 ms by ending its worker thread; every fold keeps k = 1.
    const hooks = [
      '      onBar(ctx, bar) {',
      "        if (p.k === 2 && bar.ts >= Date.parse('2019-07-01')) {",
      LOOP,
      '        }',
      '        if (ctx.portfolio.qty(bar.symbol) === 0 && !ctx.hasOpenOrders(bar.symbol)) ctx.buy(bar.symbol, 1);',
      '      },',
    ].join('\n');
    const f = file('loops-late.ts', strategy('loops-late', hooks));
    const home = copyHome(base);
    budget(300)(home);
    const period = ['--symbols', 'ZNTX', '--start', '2019-01-02', '--end', '2019-12-31', '--workers', '1'];
    const sweep = await cli(['--home', home, '--json', 'sweep', '--strategy', f, '--param', 'k=1,2', ...period]);
    expect(sweep.code, sweep.stdout + sweep.stderr).toBe(0);
    const id = (JSON.parse(sweep.stdout) as { sweep_id: string }).sweep_id;
    const trials = readFileSync(join(home, 'data', 'results', 'sweeps', id, 'trials.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(trials[1]).toMatch(/^0,1,ok,/);
    expect(trials[2]).toMatch(
      /^1,2,failed,.*STRATEGY_HOOK_TIMEOUT: strategy onBar for ZNTX at bar 2019-07-01T00:00:00\.000Z ran longer than 300 ms/,
    );
    const windows = ['--train', '100', '--test', '50', '--step', '50', '--workers', '1'];
    const wf = await cli(['--home', home, '--json', 'walkforward', '--sweep', id, ...windows]);
    // 5: a promotion gate fails (one share bought, no round trip), which is not what this is about.
    expect([0, 5], wf.stdout + wf.stderr).toContain(wf.code);
    const { dir } = JSON.parse(wf.stdout) as { dir: string };
    const folds = readFileSync(join(dir, 'folds.csv'), 'utf8').trim().split('\n').slice(1);
    expect(folds).toHaveLength(4);
    for (const fold of folds) expect(fold).toContain('"{""k"":1}"');
  }, 240_000);

  it.each([
    ['NaN', 'nan'],
    ['-5', 'negative'],
  ])('that orders a quantity of %s exits 2 naming the file and the line of the order', async (qty, name) => {
    const f = file(`qty-${name}.ts`, strategy(`qty-${name}`, ordering(qty)));
    const { result } = await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'USAGE_INVALID_ORDER',
      culprit: new RegExp(
        `qty-${name}\\.ts:12 \\(column \\d+\\), key qty: strategy qty-${name} ordered to buy ZNTX with qty ${qty}`,
      ),
    });
    expect(result.stderr).toMatch(new RegExp(`Fix: size the order .* in \\S+qty-${name}\\.ts:12:\\d+`));
  });

  it('that orders 1e15 shares runs (exit 0), every order rejected with its reason, and says so', async () => {
    const f = file('qty-huge.ts', strategy('qty-huge', ordering('1e15')));
    const home = copyHome(base);
    const r = await cli(['--home', home, '--json', 'backtest', '--strategy', f, ...PERIOD]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; metrics: { trades: number } };
    expect(out.metrics.trades).toBe(0);
    const orders = readFileSync(join(out.dir, 'orders.csv'), 'utf8').trim().split('\n').slice(1);
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(o).toMatch(/,rejected,0,,0,.*beyond the buying power/);
    expect(r.stderr).toContain(`warning: all ${orders.length} orders of the run were rejected`);
    expect(r.stderr).toContain('beyond the buying power');
  });

  it('that imports a missing module exits 2 naming the file and the module', async () => {
    const f = file(
      'imports.ts',
      "import { thing } from 'no-such-module-xyz';\nimport { defineStrategy } from 'momentic';\nexport default defineStrategy(thing);\n",
    );
    await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'STRATEGY_FILE_INVALID',
      culprit: /imports\.ts: strategy file cannot be loaded: Cannot find package 'no-such-module-xyz'/,
    });
  });

  it('that exports nothing exits 2 saying there is no default export', async () => {
    const f = file('nothing.ts', 'export const x = 1;\n');
    await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'STRATEGY_FILE_INVALID',
      culprit: /nothing\.ts: strategy file does not export a strategy definition \(no default export\)/,
    });
  });

  it.each([
    ['a function', 'export default function () {\n  return 1;\n}\n', /the default export is a function/],
    ['a number', 'export default 42;\n', /the default export is a number/],
    [
      'an object of the wrong shape',
      "export default { name: 'x', params: {}, create: 5 };\n",
      /no create\(params\) function, params is not a zod object/,
    ],
  ])('that exports %s exits 2 saying what is wrong', async (_, text, why) => {
    const f = file(`shape-${readdirSync(dir).length}.ts`, text);
    await expectRefusal(base, () => ['backtest', '--strategy', f, ...PERIOD], {
      code: 2,
      error: 'STRATEGY_FILE_INVALID',
      culprit: why,
    });
  });
});

describe('a hostile kill-switch state file', () => {
  it.each([
    ['not JSON', '{"state": HALTED'],
    ['an unknown state', '{"state": "PAUSED", "reason": "x"}'],
  ])('that is %s: risk show exits 3 naming the file, which stays as it was', async (_, text) => {
    await expectRefusal(
      base,
      () => ['risk', 'show'],
      { code: 3, error: 'DATA_INVALID', culprit: /state\/kill-switch\.json is not a kill-switch record/ },
      (home) => {
        mkdirSync(join(home, 'state'), { recursive: true });
        writeFileSync(join(home, 'state', 'kill-switch.json'), text);
      },
    );
  });
});

describe('the time budget of a strategy file hook', () => {
  it('is on by default: engine.hook_timeout_ms is 10000 ms unless configured', async () => {
    const r = await cli(['--json', 'config', 'show']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { config: Record<string, unknown>; sources: Record<string, string> };
    expect(out.config['engine.hook_timeout_ms']).toBe(10_000);
    expect(out.sources['engine.hook_timeout_ms']).toBe('default');
  });
});
