/**
 * A user's strategy file that is broken: it does not compile, or a hook throws. Each is the
 * user's to fix, so the CLI names the file and the line (exit 2), never "a bug in momentic".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategyError, toMomenticError } from '../../src/core/errors.js';
import { flat, run } from '../backtest/support.js';
import { cli, tempDir } from '../support/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('a broken strategy file', () => {
  let dir: string;
  const home = tempDir();
  const period = ['--start', '2021-01-04', '--end', '2021-03-31'];

  beforeAll(() => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
    mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.test-tmp', 'broken-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with a syntax error prints esbuild message at file:line:column with a code frame', async () => {
    writeFileSync(
      join(dir, 'syntax.ts'),
      ["import { z } from 'zod';", 'const x = 1;', 'export default {', "  name: 'x',,", '};', ''].join('\n'),
    );
    const r = await cli(['--home', home, 'backtest', '--strategy', './syntax.ts', '--symbols', 'ZNTX', ...period], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STRATEGY_FILE_INVALID');
    expect(r.stderr).not.toContain('Transform failed');
    expect(r.stderr).toContain('syntax.ts:4:13: Expected identifier but found ","');
    expect(r.stderr).toContain("> 4 |   name: 'x',,\n    |             ^\n");
    expect(r.stderr).toContain('Fix:');
  });

  /** A strategy file whose `hook` throws `new Error('boom in HOOK')` on line 14 (past type-only lines). */
  function throwing(hook: string): string {
    const lines = [
      "import { defineStrategy, type Strategy } from 'momentic';",
      "import { z } from 'zod';",
      '',
      'interface Unused {',
      '  readonly a: number;',
      '}',
      '',
      'export default defineStrategy({',
      "  name: 'thrower',",
      '  params: z.object({ k: z.number().default(1) }),',
      '  create: (): Strategy => ({',
      "    name: 'thrower',",
      `    ${hook}(ctx: unknown, x?: { symbol?: string }): void {`,
      `      if (ctx !== null) throw new Error('boom in ${hook}' + (x === undefined ? '' : ''));`,
      '    },',
      '    onBar(ctx, bar) {',
      '      if (!ctx.hasOpenOrders(bar.symbol) && ctx.portfolio.qty(bar.symbol) === 0) ctx.buy(bar.symbol, 1);',
      '    },',
      '  }),',
      '});',
      '',
    ];
    if (hook === 'onBar') lines.splice(15, 3);
    if (hook === 'create') {
      lines.splice(
        10,
        9,
        '  create: (): Strategy => {',
        '    const u: Unused = { a: 1 };',
        '    if (u.a > 0) {',
        "      throw new Error('boom in create');",
        '    }',
        "    return { name: 'thrower' };",
        '  },',
      );
    }
    return lines.join('\n');
  }

  it.each([
    ['onBar', 14, /onBar for ZNTX at bar 2021-01-04T/],
    ['init', 14, /strategy init (at bar \S+ )?threw/],
    ['onSlice', 14, /onSlice at bar 2021-01-04T/],
    ['onFill', 14, /onFill for ZNTX at bar 2021-01-0\dT/],
    ['onStop', 14, /strategy onStop (at bar \S+ )?threw/],
    ['create', 14, /strategy create threw/],
  ])(
    'that throws in %s is STRATEGY_RUNTIME_ERROR naming the file, line %i, hook, symbol and bar',
    async (hook, line, during) => {
      const file = `throws-${hook}.ts`;
      writeFileSync(join(dir, file), throwing(hook));
      const args = ['--home', home, 'backtest', '--strategy', `./${file}`, '--symbols', 'ZNTX', ...period];
      const r = await cli(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^StrategyError STRATEGY_RUNTIME_ERROR at \\S*/${file}:${line} \\(column \\d+\\): `),
      );
      expect(r.stderr).toMatch(during);
      expect(r.stderr).toContain(`Error: boom in ${hook}`);
      expect(r.stderr).toContain(`/${file}:${line}:`);
      expect(r.stderr).not.toContain('InternalError');
      expect(r.stderr).not.toContain('stack trace of the strategy');
      // --log-level debug adds the strategy's own stack, source-mapped to the .ts file.
      const debug = await cli([...args, '--log-level', 'debug'], { cwd: dir });
      expect(debug.code).toBe(2);
      expect(debug.stderr).toContain('stack trace of the strategy:');
      expect(debug.stderr).toContain(`${join(dir, file)}:${line}:`);
    },
  );

  it('reports the same error from a sweep run in worker processes, for each trial', async () => {
    writeFileSync(join(dir, 'sweep-throws.ts'), throwing('onBar'));
    const r = await cli(
      ['--home', home, 'sweep', '--strategy', './sweep-throws.ts', '--symbols', 'ZNTX', '--param', 'k=1,2'].concat([
        '--workers',
        '2',
        ...period,
      ]),
      { cwd: dir },
    );
    // No trial ran, so the sweep has no result (exit 3), naming the reason; trials.csv keeps each one.
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('all 2 combinations failed (2 x STRATEGY_RUNTIME_ERROR: strategy onBar for ZNTX');
    const trials = /at (\S+trials\.csv)/.exec(r.stderr)?.[1] ?? '';
    const failed = readFileSync(trials, 'utf8')
      .split('\n')
      .filter((l) => l.includes(',failed,'));
    expect(failed).toHaveLength(2);
    for (const line of failed) {
      expect(line).toContain('STRATEGY_RUNTIME_ERROR: strategy onBar for ZNTX at bar 2021-01-04T');
      expect(line).toContain('Error: boom in onBar');
      expect(line).toMatch(/sweep-throws\.ts:14:\d+/);
    }
    // Two worker processes, each loading the sources through tsx (tests run the .ts files).
  }, 60_000);

  const LOOPING = [
    "import { defineStrategy, type Strategy } from 'momentic';",
    "import { z } from 'zod';",
    '',
    'export default defineStrategy({',
    "  name: 'looper',",
    '  params: z.object({ k: z.number().default(1) }),',
    '  create: (): Strategy => ({',
    "    name: 'looper',",
    '    onBar() {',
    '      let n = 0;',
    '      while (true) {',
    '        n++;',
    '      }',
    '    },',
    '  }),',
    '});',
    '',
  ].join('\n');

  it('whose onBar loops forever is stopped after engine.hook_timeout_ms with STRATEGY_HOOK_TIMEOUT', async () => {
    writeFileSync(join(dir, 'loops.ts'), LOOPING);
    const t0 = Date.now();
    const r = await cli(['--home', home, 'backtest', '--strategy', './loops.ts', '--symbols', 'ZNTX', ...period], {
      cwd: dir,
      env: { MOMENTIC_ENGINE__HOOK_TIMEOUT_MS: '300' },
    });
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^StrategyError STRATEGY_HOOK_TIMEOUT at \S*\/loops\.ts/);
    expect(r.stderr).toContain('onBar for ZNTX at bar 2021-01-04T');
    expect(r.stderr).toContain('300 ms');
    expect(r.stderr).toContain('engine.hook_timeout_ms');
  }, 15_000);

  it('whose onBar loops forever stops each sweep trial in worker processes too', async () => {
    writeFileSync(join(dir, 'loops-sweep.ts'), LOOPING);
    const args = ['--home', home, 'sweep', '--strategy', './loops-sweep.ts', '--symbols', 'ZNTX', '--param', 'k=1,2'];
    const r = await cli([...args, '--workers', '2', ...period], {
      cwd: dir,
      env: { MOMENTIC_ENGINE__HOOK_TIMEOUT_MS: '300' },
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('all 2 combinations failed (2 x STRATEGY_HOOK_TIMEOUT: strategy onBar for ZNTX');
    const trials = /at (\S+trials\.csv)/.exec(r.stderr)?.[1] ?? '';
    const failed = readFileSync(trials, 'utf8')
      .split('\n')
      .filter((l) => l.includes(',failed,'));
    expect(failed).toHaveLength(2);
    for (const line of failed) expect(line).toContain('STRATEGY_HOOK_TIMEOUT: strategy onBar for ZNTX');
  }, 30_000);
});

describe('a strategy of momentic itself (not from a file) that throws', () => {
  it('stays an InternalError: only strategy files are guarded', () => {
    let thrown: unknown;
    try {
      run(
        {
          onBar() {
            throw new TypeError('a bug of ours');
          },
        },
        { series: [flat('AAA', [1, 2, 3])] },
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).not.toBeInstanceOf(StrategyError);
    expect(toMomenticError(thrown).code).toBe('INTERNAL');
  });
});
