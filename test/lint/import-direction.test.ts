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
    expect(msgs[0]).toContain('src/strategies/ may import only core/, calendar/, analytics/, ml/, strategies/');
  });

  it('lets strategies score ml models, and keeps ml from importing strategies back (no cycle)', async () => {
    expect(
      await problems(
        'src/strategies/builtin/ml-signal.ts',
        "import { m } from '../../ml/signal-model.js';\nexport const y = m;\n",
      ),
    ).toEqual([]);
    const msgs = await problems(
      'src/ml/gbdt/train.ts',
      "import { s } from '../../strategies/api.js';\nexport const y = s;\n",
    );
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain('reaches src/strategies/');
  });

  it('stops venues from importing strategies', async () => {
    const msgs = await problems('src/venues/alpaca/mapper.ts', "export { s } from '../../strategies/api.js';\n");
    expect(msgs).toEqual([
      "src/venues/ may import only core/, calendar/, config/, data/, engine/, venues/; '../../strategies/api.js' reaches src/strategies/",
    ]);
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

  // The whole matrix of DESIGN.md's folders, from below: each lower layer is kept from every
  // folder above it.
  const ABOVE: Readonly<Record<string, readonly string[]>> = {
    core: ['calendar', 'config', 'data', 'analytics', 'strategies', 'portfolio', 'risk', 'engine', 'execution'],
    analytics: ['data', 'portfolio', 'engine', 'execution', 'venues', 'store', 'backtest'],
    strategies: ['engine', 'execution', 'venues', 'store', 'backtest', 'orchestration'],
    engine: ['venues', 'execution', 'store', 'backtest', 'risk', 'data', 'config', 'orchestration', 'server', 'cli'],
    execution: ['venues', 'store', 'backtest', 'orchestration', 'cli'],
    portfolio: ['engine', 'execution', 'store', 'risk', 'backtest'],
    store: ['orchestration', 'backtest', 'cli', 'server'],
    backtest: ['orchestration', 'cli', 'server'],
  };

  it('lets no folder import a folder above it (the whole layering)', async () => {
    const lower = Object.keys(ABOVE);
    for (const from of lower) {
      for (const to of ABOVE[from] ?? []) {
        const msgs = await problems(`src/${from}/x.ts`, `import { y } from '../${to}/y.js';\nexport const z = y;\n`);
        expect(msgs, `src/${from}/ -> src/${to}/`).toHaveLength(1);
      }
    }
  });

  it('keeps everything below orchestration from reaching orchestration, server and cli', async () => {
    const below = ['core', 'calendar', 'config', 'data', 'analytics', 'strategies', 'portfolio', 'risk', 'engine'];
    for (const from of [...below, 'execution', 'venues', 'store', 'backtest', 'ml', 'universe']) {
      for (const to of ['orchestration', 'server', 'cli']) {
        const msgs = await problems(`src/${from}/x.ts`, `export { y } from '../${to}/y.js';\n`);
        expect(msgs, `src/${from}/ -> src/${to}/`).toHaveLength(1);
      }
    }
  });

  it('keeps the engine on its ports: no venue, no simulated exchange, no store', async () => {
    for (const source of ['../venues/alpaca/provider.js', '../execution/simulated-exchange.js', '../store/ledger.js']) {
      const msgs = await problems('src/engine/engine.ts', `import { x } from '${source}';\nexport const y = x;\n`);
      expect(msgs[0], source).toContain(
        'src/engine/ may import only core/, calendar/, analytics/, strategies/, portfolio/, engine/',
      );
    }
    expect(
      await problems(
        'src/engine/engine.ts',
        "import { Sma } from '../analytics/indicators/sma.js';\nexport const s = Sma;\n",
      ),
    ).toEqual([]);
  });

  it('lets each layer reach what it builds on', async () => {
    const ok: readonly [string, string][] = [
      ['execution', 'engine'],
      ['venues', 'engine'],
      ['store', 'portfolio'],
      ['risk', 'engine'],
      ['backtest', 'engine'],
      ['backtest', 'store'],
      ['orchestration', 'venues'],
      ['server', 'orchestration'],
      ['cli', 'server'],
    ];
    for (const [from, to] of ok) {
      expect(
        await problems(`src/${from}/x.ts`, `import { y } from '../${to}/y.js';\nexport const z = y;\n`),
        `${from} -> ${to}`,
      ).toEqual([]);
    }
  });

  it('reports a folder the matrix does not know, so a new folder gets its place in the layering', async () => {
    const msgs = await problems('src/gadgets/x.ts', "import { y } from '../core/y.js';\nexport const z = y;\n");
    expect(msgs).toEqual([
      'src/gadgets/ is not in the import-direction matrix: add it to eslint-rules/import-direction.js with the folders it may import',
    ]);
  });
});
