/**
 * A JavaScript strategy file run by the command shares the command's modules: its `import ...
 * from 'momentic'` loads the very registry the command registered the file in (the package's
 * main export and the command run from the same bundle, scripts/bundle.mjs). Were the file given
 * a second copy of momentic's modules, its registry would not know the file, and its classes
 * would not be the command's. (A TypeScript file is compiled by tsx into a namespace of its own,
 * with its own copy of every module it imports.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../support/cli.js';
import { REPO } from '../support/paths.js';

describe('a strategy file run by momentic backtest', () => {
  let dir: string;
  const home = tempDir();

  beforeAll(() => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference).
    mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.test-tmp', 'shared-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds itself in the registry it imports from momentic, where the command registered it', () => {
    writeFileSync(
      join(dir, 'self.mjs'),
      [
        "import { fileURLToPath } from 'node:url';",
        "import { defineStrategy, getStrategyDefinition } from 'momentic';",
        "import { z } from 'zod';",
        '',
        'const self = fileURLToPath(import.meta.url);',
        '',
        'export default defineStrategy({',
        "  name: 'finds-itself',",
        '  params: z.object({}),',
        '  create: () => {',
        '    // Throws STRATEGY_FILE_INVALID "was not loaded" in a registry other than the command\'s.',
        '    const def = getStrategyDefinition(self);',
        "    if (def.name !== 'finds-itself') throw new Error(`registered as ${def.name}`);",
        "    return { name: 'finds-itself', onBar() {} };",
        '  },',
        '});',
        '',
      ].join('\n'),
    );
    // The built command (`npm test` builds first), as a user runs it.
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'bin', 'momentic.js'), '--home', home, '--init', '--json', 'backtest', '--strategy', './self.mjs', '--symbols', 'ZNTX', '--start', '2021-01-04', '--end', '2021-03-31'],
      { cwd: dir, encoding: 'utf8' },
    ); // prettier-ignore
    expect(r.stdout).not.toContain('was not loaded');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metrics.total_return).toBe(0);
  }, 60_000);
});
