/**
 * A user's strategy file that orders a NaN, zero, negative or infinite quantity stops the run
 * with USAGE_INVALID_ORDER and exit 2, naming the strategy, the symbol and the bar (never an
 * internal error from the ledger, never a fill).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A strategy that buys `qty` (a TypeScript expression) of the first bar's symbol. */
function file(qty: string): string {
  return [
    "import { defineStrategy, type Strategy } from 'momentic';",
    "import { z } from 'zod';",
    '',
    'export default defineStrategy({',
    "  name: 'bad-sizer',",
    "  description: 'orders a bad quantity',",
    '  params: z.object({}),',
    '  create: (): Strategy => ({',
    "    name: 'bad-sizer',",
    '    onBar(ctx, bar) {',
    `      ctx.buy(bar.symbol, ${qty});`,
    '    },',
    '  }),',
    '});',
    '',
  ].join('\n');
}

describe('a user strategy file ordering a bad quantity', () => {
  let dir: string;
  const home = tempDir();

  beforeAll(() => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
    mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.test-tmp', 'qty-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['nan', 'Number.NaN', 'NaN'],
    ['zero', '0', '0'],
    ['negative', '-5', '-5'],
    ['non-finite', 'Infinity', 'Infinity'],
  ])('stops with USAGE_INVALID_ORDER and exit 2 for a %s quantity', async (name, expr, shown) => {
    writeFileSync(join(dir, `${name}.ts`), file(expr));
    const r = await cli(
      [
        '--home',
        home,
        'backtest',
        '--strategy',
        `./${name}.ts`,
        '--symbols',
        'ZNTX',
        '--start',
        '2020-01-02',
        '--end',
        '2020-03-31',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('USAGE_INVALID_ORDER');
    // 2020-01-02 is the first session of the range: the first bar the strategy sees.
    expect(r.stderr).toContain(
      `strategy bad-sizer ordered to buy ZNTX with qty ${shown} at the bar of 2020-01-02T00:00:00Z`,
    );
    expect(r.stderr).toContain('Fix: size the order to a positive, finite quantity');
    expect(r.stderr).not.toContain('INTERNAL');
  });
});
