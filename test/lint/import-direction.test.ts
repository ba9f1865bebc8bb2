import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/paths.js';

const eslint = new ESLint({ cwd: REPO });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'momentic/import-direction').map((m) => m.message);
}

describe('momentic/import-direction lint rule (STYLE.md)', () => {
  it('lets analytics and strategies import core, calendar, analytics and the strategy API', async () => {
    expect(
      await problems(
        'src/analytics/indicators/rsi.ts',
        "import { Bar } from '../../core/bar.js';\nexport type X = Bar;\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src/strategies/builtin/sma-cross.ts',
        "import { Sma } from '../../analytics/indicators/sma.js';\nimport { x } from '../api.js';\nexport const y = [Sma, x];\n",
      ),
    ).toEqual([]);
  });

  it('stops analytics and strategies from reaching venues, execution or the registry', async () => {
    expect(
      await problems(
        'src/analytics/features/a.ts',
        "import { r } from '../../venues/registry.js';\nexport const y = r;\n",
      ),
    ).toHaveLength(1);
    const msgs = await problems(
      'src/strategies/a.ts',
      "import { e } from '../execution/exchange.js';\nexport const y = e;\n",
    );
    expect(msgs[0]).toContain('src/strategies/ may import only core/, calendar/, analytics/, strategies/');
  });

  it('stops venues from importing strategies', async () => {
    const msgs = await problems('src/venues/alpaca/mapper.ts', "export { s } from '../../strategies/api.js';\n");
    expect(msgs).toEqual(["src/venues/ must not import src/strategies/ ('../../strategies/api.js')"]);
  });

  it('lets only orchestration, cli and server import the venue registry', async () => {
    const code = "import { registry } from '../venues/registry.js';\nexport const r = registry;\n";
    expect(await problems('src/cli/commands.ts', code)).toEqual([]);
    expect(await problems('src/orchestration/node.ts', code)).toEqual([]);
    expect(await problems('src/backtest/engine.ts', code)).toHaveLength(1);
    expect(
      await problems('src/execution/router.ts', "const m = await import('../venues/index.js');\nexport { m };\n"),
    ).toHaveLength(1);
  });

  it('keeps core free of every other folder', async () => {
    expect(
      await problems(
        'src/core/bar.ts',
        "import { getCalendar } from '../calendar/registry.js';\nexport const g = getCalendar;\n",
      ),
    ).toHaveLength(1);
  });
});
