/**
 * A user's strategy file that is broken: it does not compile, or a hook throws. Each is the
 * user's to fix, so the CLI names the file and the line (exit 2), never "a bug in momentic".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
